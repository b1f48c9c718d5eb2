// Several images copied by one process through the library: one start-up, one connection pool per
// repository pair, images one after another (as a mirror job's loop would do them) or all at once.
import { copy } from '../src/api/copy.js';
import { parseReference } from '../src/oci/reference.js';
import { openDestination, openSource } from '../src/targets/open-target.js';

async function copyOne(source: string, destination: string, concurrency: number): Promise<void> {
  const srcRef = parseReference(source);
  const dstRef = parseReference(destination);
  const src = await openSource(srcRef);
  const dst = await openDestination(dstRef);
  try {
    await copy(src, srcRef, dst, dstRef, { concurrency, mount: false });
    await Promise.all([src.close('success'), dst.close('success')]);
  } catch (err) {
    await Promise.all([src.close('failure'), dst.close('failure')]);
    throw err;
  }
}

async function main(): Promise<void> {
  // usage: copy-many sequential|parallel CONCURRENCY SRC1 DST1 [SRC2 DST2 …]
  const [mode, concurrencyArg, ...pairs] = process.argv.slice(2);
  const concurrency = Number(concurrencyArg);
  const jobs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) jobs.push([pairs[i], pairs[i + 1]]);
  if (mode === 'parallel') await Promise.all(jobs.map(([s, d]) => copyOne(s, d, concurrency)));
  else for (const [s, d] of jobs) await copyOne(s, d, concurrency);
}

main().catch((err) => {
  process.stderr.write(`copy-many: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
