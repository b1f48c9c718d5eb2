#!/usr/bin/env node
import { baselineWasm, collectYoungGarbage, unsupportedNode } from '../runtime/index.js';

const refusal = unsupportedNode(process.version);
if (refusal) {
  process.stderr.write(`oci-copy: ${refusal}\n`);
  process.exit(2);
}
baselineWasm();
collectYoungGarbage();
const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
