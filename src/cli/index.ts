#!/usr/bin/env node
import { baselineWasmBeforeNode24, collectYoungGarbage, enableCompileCache } from '../runtime/index.js';

enableCompileCache();
baselineWasmBeforeNode24();
collectYoungGarbage();
const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
