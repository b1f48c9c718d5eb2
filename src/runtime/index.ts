// Process-wide settings for the entry points (the CLI and the action); the library never sets them.
export { enableCompileCache } from './compile-cache.js';
export { baselineWasm } from './wasm-tiering.js';
export { collectYoungGarbage } from './young-garbage.js';
export { unsupportedNode } from './node-version.js';
export { endOnUncaught } from './last-resort.js';
