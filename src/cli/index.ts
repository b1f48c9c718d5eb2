#!/usr/bin/env node
import { baselineWasm, collectYoungGarbage, enableCompileCache, endOnUncaught, unsupportedNode } from '../runtime/index.js';

const refusal = unsupportedNode(process.version);
if (refusal) {
  process.stderr.write(`oci-copy: ${refusal}\n`);
  process.exit(2);
}
enableCompileCache();
baselineWasm();
collectYoungGarbage();
// The stack of an internal error with --debug only: every other run ends on one line.
const debug = process.argv.includes('--debug');
endOnUncaught(
  (line) => process.stderr.write(`oci-copy: ${line}\n`),
  (stack) => debug && process.stderr.write(`${stack}\n`),
);
const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
