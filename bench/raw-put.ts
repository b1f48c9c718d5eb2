// The floor: the same blobs uploaded from disk with plain parallel POST + PUT at a given concurrency,
// then the manifests, children first. No existence checks, no hashing, no source registry. It sends
// through the same parts of undici as the tool, so both pay the same start-up for HTTP.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import { Agent, request } from '../src/targets/registry/undici-core.js';

export interface UploadPlan {
  dir: string;
  blobs: Array<{ digest: string; size: number }>;
  /** In push order; `reference` is a digest or, for the root, a tag. */
  manifests: Array<{ digest: string; mediaType: string; reference: string }>;
}

function blobFile(dir: string, digest: string): string {
  const [alg, hex] = digest.split(':');
  return join(dir, 'blobs', alg, hex);
}

async function send(dispatcher: Dispatcher, url: URL, options: Omit<Dispatcher.RequestOptions, 'origin' | 'path'>): Promise<Dispatcher.ResponseData> {
  return request(dispatcher, { origin: url.origin, path: url.pathname + url.search, ...options });
}

async function main(): Promise<void> {
  const [base, repo, planFile, concurrencyArg] = process.argv.slice(2);
  const plan = JSON.parse(await readFile(planFile, 'utf8')) as UploadPlan;
  const concurrency = Number(concurrencyArg ?? 4);
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 16 });
  const uploads = new URL(`${base}/v2/${repo}/blobs/uploads/`);
  const queue = [...plan.blobs];
  const worker = async () => {
    for (let blob = queue.shift(); blob; blob = queue.shift()) {
      const start = await send(dispatcher, uploads, { method: 'POST' });
      await start.body.dump();
      if (start.statusCode !== 202) throw new Error(`POST ${blob.digest}: HTTP ${start.statusCode}`);
      const location = new URL(String(start.headers.location), uploads);
      location.searchParams.append('digest', blob.digest);
      const put = await send(dispatcher, location, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) },
        body: createReadStream(blobFile(plan.dir, blob.digest)),
      });
      await put.body.dump();
      if (put.statusCode !== 201) throw new Error(`PUT ${blob.digest}: HTTP ${put.statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  for (const m of plan.manifests) {
    const res = await send(dispatcher, new URL(`${base}/v2/${repo}/manifests/${m.reference}`), {
      method: 'PUT',
      headers: { 'content-type': m.mediaType },
      body: await readFile(blobFile(plan.dir, m.digest)),
    });
    await res.body.dump();
    if (res.statusCode !== 201) throw new Error(`PUT manifest ${m.digest}: HTTP ${res.statusCode}`);
  }
  await dispatcher.close();
}

main().catch((err) => {
  process.stderr.write(`raw-put: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
