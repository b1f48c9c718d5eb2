// The floor: the same blobs uploaded from disk with plain parallel POST + PUT at a given concurrency,
// then the manifests, children first. No existence checks, no hashing, no source registry.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent, request } from 'undici';

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

async function main(): Promise<void> {
  const [base, repo, planFile, concurrencyArg] = process.argv.slice(2);
  const plan = JSON.parse(await readFile(planFile, 'utf8')) as UploadPlan;
  const concurrency = Number(concurrencyArg ?? 4);
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 16 });
  const queue = [...plan.blobs];
  const worker = async () => {
    for (let blob = queue.shift(); blob; blob = queue.shift()) {
      const start = await request(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST', dispatcher });
      await start.body.dump();
      if (start.statusCode !== 202) throw new Error(`POST ${blob.digest}: HTTP ${start.statusCode}`);
      const location = new URL(String(start.headers.location), `${base}/v2/${repo}/blobs/uploads/`);
      location.searchParams.append('digest', blob.digest);
      const put = await request(location, {
        method: 'PUT',
        dispatcher,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) },
        body: createReadStream(blobFile(plan.dir, blob.digest)),
      });
      await put.body.dump();
      if (put.statusCode !== 201) throw new Error(`PUT ${blob.digest}: HTTP ${put.statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  for (const m of plan.manifests) {
    const res = await request(`${base}/v2/${repo}/manifests/${m.reference}`, {
      method: 'PUT',
      dispatcher,
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
