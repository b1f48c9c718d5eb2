import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Every chunk that streams through leaves a little garbage: a Buffer wrapper around its bytes, and
 * the bytes themselves outside the JS heap until that wrapper is collected. V8 collects the young
 * generation when it is full, and a full one (16 MB or more by default in Node 24) holds thousands
 * of such wrappers: tens of MB of dead chunks. Measured with a 1 GB layer on Node 24, peak RSS was
 * 139 MB registry → registry and 155 MB importing an archive; a young-generation collection every
 * 50 ms brings them to ~115 MB and ~111 MB at no measurable cost in time (each takes well under a
 * millisecond when there is little to keep), starting once a copy has run for a quarter second.
 * For entry points only: it sets a V8 flag.
 */
export function collectYoungGarbage(everyMs = 50, afterMs = 250): void {
  // Getting hold of `gc` costs a new V8 context (~10 ms): a copy that is over by then never pays it.
  setTimeout(() => {
    const gc = exposeGc();
    if (gc) setInterval(() => gc({ type: 'minor' }), everyMs).unref();
  }, afterMs).unref();
}

function exposeGc(): ((options: { type: 'minor' }) => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as (options: { type: 'minor' }) => void) : undefined;
  } catch {
    return undefined; // an engine without it collects on its own schedule
  }
}
