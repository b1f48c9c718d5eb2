import { setFlagsFromString } from 'node:v8';

/**
 * undici parses HTTP with llhttp compiled to WebAssembly. V8 compiles it quickly (Liftoff) and
 * then again, optimised (TurboFan), on a background thread; before Node 24 Node also waits for
 * that thread before the process can exit. The parser reads only headers and chunk framing, so the
 * optimised code never pays for itself in a copy. Set at run time, `--liftoff-only` alone stops
 * that on Node 20 but not on Node 24, where the flag's implications are not applied after start:
 * tier-up and dynamic tiering are turned off by name too. Measured on Node 24 (perf, medians of 3):
 * ~46 ms of background compiling less per copy, which on a small machine the registries get; on
 * Node 20 and 22 a one-layer copy took 0.20 → 0.16 s. Must run before the first request compiles
 * the parser.
 */
export function baselineWasm(): void {
  for (const flag of ['--liftoff-only', '--no-wasm-tier-up', '--no-wasm-dynamic-tiering']) {
    try {
      setFlagsFromString(flag);
    } catch {
      // an engine without the flag keeps its default
    }
  }
}
