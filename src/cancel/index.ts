import { setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { CancelledError } from '../oci/errors.js';

/**
 * Cancellation: how a copy that has failed (or was told to stop) ends everything it started at
 * once. One AbortSignal reaches each request, each retry loop and each wait between tries; when it
 * fires, they end with its reason (the copy's first error), never with another try.
 */

/** Why `signal` fired: its reason when that is an error, else a `CancelledError`. */
export function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new CancelledError('the operation was cancelled');
}

/** Throws the reason when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal);
}

/** Waits `ms`, or less: a fired `signal` ends the wait with its reason. */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  if (!signal) return delay(ms);
  try {
    await delay(ms, undefined, { signal });
  } catch {
    throw abortReason(signal);
  }
}

/**
 * One signal that fires when any of `signals` does, with its reason. `dispose` detaches it, so a
 * long-lived signal (a client's, a copy's) does not keep every request it ever linked.
 */
export function linkSignals(...signals: Array<AbortSignal | undefined>): { signal: AbortSignal; dispose: () => void } {
  const given = signals.filter((s): s is AbortSignal => s !== undefined);
  const controller = new AbortController();
  const fired = given.find((s) => s.aborted);
  if (fired) {
    controller.abort(fired.reason);
    return { signal: controller.signal, dispose: () => {} };
  }
  // A long-lived signal gets one listener per request in flight (removed by `dispose`): with
  // `concurrency` above 10, Node would warn of a leak in the job log where there is none.
  setMaxListeners(0, ...given);
  const listeners = given.map((s) => {
    const onAbort = () => controller.abort(s.reason);
    s.addEventListener('abort', onAbort, { once: true });
    return () => s.removeEventListener('abort', onAbort);
  });
  return {
    signal: controller.signal,
    dispose: () => {
      for (const remove of listeners) remove();
    },
  };
}
