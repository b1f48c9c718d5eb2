import { printable } from '../../../oci/text.js';
import { pullsLeft, type RateLimitNote } from '../../../targets/registry/index.js';

/** A copy let through by the budget: its pulls count as in flight until `done`. */
export interface PullTicket {
  done(): void;
}

/**
 * `min-pulls-left`: a sync starts no copy from a registry whose pull limit would fall below the
 * minimum. What a registry last said (`ratelimit-remaining`, on any answer, HEADs included), less
 * the pulls of the copies from it still in flight, less the new copy's own, must stay at or above
 * it. The pulls of a copy in flight show in the registry's count as it makes them, while its
 * reservation holds until it ends: the count errs on the side of stopping early. A registry that
 * says nothing of a limit is never held. Once a registry refuses a copy, it refuses every later one
 * of the run: what is left waits for the next run (see `pendingFirst`), in the order of the list.
 */
export class PullBudget {
  private readonly inFlight = new Map<string, number>();
  private readonly stops = new Map<string, RateLimitNote>();
  private readonly stopCounts = new Map<string, { remaining: number; flying: number; pulls: number }>();

  constructor(
    readonly minPullsLeft: number,
    /** What `registry` last said of its limit (`RegistryConnections.rateLimitOf`). */
    private readonly seen: (registry: string) => RateLimitNote | undefined,
  ) {}

  /**
   * A ticket when a copy from `registry` that will make `pulls` manifest GETs (one for an image,
   * one more per platform of an index) may start; undefined when it must wait for the next run.
   */
  admit(registry: string, pulls = 1): PullTicket | undefined {
    if (this.stops.has(registry)) return undefined;
    const note = this.seen(registry);
    const flying = this.inFlight.get(registry) ?? 0;
    if (note && note.remaining - flying - pulls < this.minPullsLeft) {
      this.stops.set(registry, note);
      this.stopCounts.set(registry, { remaining: note.remaining, flying, pulls });
      return undefined;
    }
    this.inFlight.set(registry, flying + pulls);
    let open = true;
    return {
      done: () => {
        if (!open) return;
        open = false;
        this.inFlight.set(registry, (this.inFlight.get(registry) ?? pulls) - pulls);
      },
    };
  }

  /**
   * Why copies from `registry` stopped, with the counts of that moment: `it said 11 pulls left, 2
   * held for copies still running and 1 for the next: below min-pulls-left 10`. The registry's
   * count seen later can read above the minimum, as pulls in flight were counted twice.
   */
  stopReason(registry: string): string {
    const at = this.stopCounts.get(registry);
    if (!at) return `below min-pulls-left ${this.minPullsLeft}`;
    const held = at.flying ? `, ${at.flying} held for copies still running` : '';
    return `${printable(registry)} said ${at.remaining} ${at.remaining === 1 ? 'pull' : 'pulls'} left${held} and ${at.pulls} needed for the next copy: below min-pulls-left ${this.minPullsLeft}`;
  }

  /** Whether some registry stopped copies: the run then ends with `describe`. */
  get stopped(): boolean {
    return this.stops.size > 0;
  }

  /** The registries that stopped, with what each says of its limit now (else when it stopped). */
  stoppedRegistries(): RateLimitNote[] {
    return [...this.stops].map(([registry, atStop]) => this.seen(registry) ?? atStop);
  }

  /**
   * `37 of 120 images left for the next run (docker.io: 3 of 100 pulls left per 6 h)`; with a reset
   * time the registry gave, `…, window resets in 5 h 40 min)`.
   */
  describe(left: number, total: number, now: number = Date.now()): string {
    const why = this.stoppedRegistries().map((note) => `${printable(note.registry)}: ${pullsLeft(note)}${resetIn(note, now)}`);
    return `${left} of ${total} ${total === 1 ? 'image' : 'images'} left for the next run${why.length ? ` (${why.join('; ')})` : ''}`;
  }
}

function resetIn(note: RateLimitNote, now: number): string {
  if (note.resetsAt === undefined) return '';
  const s = Math.max(0, Math.round((note.resetsAt - now) / 1000));
  return `, window resets in ${formatSpan(s)}`;
}

/** `5 h 40 min`, `12 min`, `45 s`. */
export function formatSpan(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}
