import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Every chunk that streams through leaves a little garbage: a Buffer wrapper around its bytes, and
 * the bytes themselves outside the JS heap until that wrapper is collected. V8 collects the young
 * generation when it is full, and a full one (16 MB or more by default in Node 24) holds thousands
 * of such wrappers: tens of MB of dead chunks. The dead bytes waiting for a collection grow with
 * the rate they pass at (hundreds of MB/s on a fast link), so the collections must come often. The
 * action on Node 24 with a 1.15 GB image (one 1 GB layer), medians of 3: a collection every 50 ms
 * after a quarter second left peak RSS at 127 MB registry → registry and 141 MB into an archive
 * file (115 MB for a 32 MB image); every 10 ms from the start, 106, 130 and 100 MB, with no more
 * CPU time: a collection during a fast copy takes about 1 ms (49 for a 128 MB copy), but fewer
 * fresh pages are faulted in. Collecting only once 2 or 8 MB more were held outside the heap took
 * as much CPU or more, and more memory (BENCHMARKS.md). Getting hold of `gc` (a V8 context) costs
 * ~1 ms, so it is done at once. For entry points only: it sets a V8 flag.
 */
export function collectYoungGarbage(everyMs = 10): void {
  const gc = exposeGc();
  if (gc) setInterval(() => gc({ type: 'minor' }), everyMs).unref();
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
