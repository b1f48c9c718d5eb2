#!/usr/bin/env node
import { enableCompileCache } from '../compile-cache.js';
import { baselineWasmBeforeNode24 } from '../wasm-tiering.js';

enableCompileCache();
baselineWasmBeforeNode24();
const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
