import { setFlagsFromString } from 'node:v8';

/**
 * undici parses HTTP with llhttp compiled to WebAssembly. Before Node 24, V8 compiles it a second
 * time, optimised, on a background thread, and Node waits for that thread before the process can
 * exit: ~50 ms of CPU taken from the copy (and from registries on the same machine) and up to
 * ~50 ms of waiting at exit, for a parser that reads only headers and chunk framing. Measured per
 * version: on Node 20 and 22 the baseline compiler alone is faster end to end; on Node 24 it is
 * not, so there nothing changes. Must run before the first request compiles the parser.
 */
export function baselineWasmBeforeNode24(): void {
  if (Number(process.versions.node.split('.')[0]) >= 24) return;
  try {
    setFlagsFromString('--liftoff-only');
  } catch {
    // an engine without the flag keeps its default
  }
}
