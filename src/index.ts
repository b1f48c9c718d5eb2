import { run } from './action/main.js';
import { collectYoungGarbage } from './runtime/index.js';

collectYoungGarbage();
await run();
