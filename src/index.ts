import { run } from './action/main.js';
import { baselineWasm, collectYoungGarbage } from './runtime/index.js';

// Before the first request: undici compiles its parser when it opens its first connection.
baselineWasm();
collectYoungGarbage();
await run();
