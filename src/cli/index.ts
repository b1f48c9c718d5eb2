#!/usr/bin/env node
import { enableCompileCache } from '../compile-cache.js';

enableCompileCache();
const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
