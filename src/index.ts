import { run } from './action/main.js';
import { log } from './action/log.js';
import { baselineWasm, collectYoungGarbage, endOnUncaught } from './runtime/index.js';

// Before the first request: undici compiles its parser when it opens its first connection.
baselineWasm();
collectYoungGarbage();
endOnUncaught(log.failed, (stack) => {
  for (const line of stack.split('\n')) log.debug(line);
});
await run();
