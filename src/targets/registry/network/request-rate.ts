import { InputError } from '../../../oci/errors.js';

/**
 * At most `perSecond` requests a second to each host, evenly spaced: request k to a host goes no
 * earlier than k/perSecond s after the first (a bucket of one token, refilled every 1/perSecond s).
 * For registries that throttle by request count (GHCR: 2,000 a minute). One instance is shared by
 * every connection pool of a run, so both sides of a copy to one host count together. Each host
 * keeps one number: the earliest time its next request may go.
 */
export class RequestRate {
  private readonly intervalMs: number;
  private readonly next = new Map<string, number>();

  constructor(
    readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(perSecond > 0) || !Number.isFinite(perSecond))
      throw new InputError(`requests per second must be a positive number, not ${perSecond}`);
    this.intervalMs = 1000 / perSecond;
  }

  /**
   * Takes the next slot for a request to `host`: how long to wait before sending it (0: at once).
   * The slot is the caller's whether it waits or not.
   */
  delay(host: string): number {
    const now = this.now();
    const at = Math.max(now, this.next.get(host) ?? now);
    this.next.set(host, at + this.intervalMs);
    return at - now;
  }
}
