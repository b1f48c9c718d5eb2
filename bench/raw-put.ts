// The floor: the same blobs uploaded from disk with plain parallel POST + PUT at a given concurrency,
// then the manifests, children first. No existence checks, no hashing, no source registry. It sends
// through the same parts of undici as the tool, so both pay the same start-up for HTTP.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inParallel, newDispatcher, putBlob, putManifest, send, type UploadPlan } from './raw-http.js';

export type { UploadPlan } from './raw-http.js';

function blobFile(dir: string, digest: string): string {
  const [alg, hex] = digest.split(':');
  return join(dir, 'blobs', alg, hex);
}

async function main(): Promise<void> {
  const [base, repo, planFile, concurrencyArg] = process.argv.slice(2);
  const plan = JSON.parse(await readFile(planFile, 'utf8')) as UploadPlan;
  const dispatcher = newDispatcher();
  const uploads = new URL(`${base}/v2/${repo}/blobs/uploads/`);
  await inParallel(plan.blobs, Number(concurrencyArg ?? 4), async (blob) => {
    const start = await send(dispatcher, uploads, { method: 'POST' });
    await putBlob(dispatcher, uploads, start, blob, createReadStream(blobFile(plan.dir, blob.digest)));
  });
  for (const m of plan.manifests) await putManifest(dispatcher, base, repo, m, await readFile(blobFile(plan.dir, m.digest)));
  await dispatcher.close();
}

main().catch((err) => {
  process.stderr.write(`raw-put: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
