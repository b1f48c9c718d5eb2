// The relay floor: what any registry-to-registry copy must at least do. Each blob is fetched from the
// source registry while the destination opens its upload, and the download is streamed straight into
// the PUT; then each manifest is fetched and PUT, children first. No existence checks, no hashing,
// no retries: the least work between two registries, with the same concurrency and HTTP client.
import { readFile } from 'node:fs/promises';
import type { Dispatcher } from 'undici';
import { Agent, request } from '../src/targets/registry/undici-core.js';
import type { UploadPlan } from './raw-put.js';

async function send(dispatcher: Dispatcher, url: URL, options: Omit<Dispatcher.RequestOptions, 'origin' | 'path'>): Promise<Dispatcher.ResponseData> {
  return request(dispatcher, { origin: url.origin, path: url.pathname + url.search, ...options });
}

async function expect(res: Dispatcher.ResponseData, status: number, what: string): Promise<void> {
  if (res.statusCode === status) return;
  await res.body.dump();
  throw new Error(`${what}: HTTP ${res.statusCode}`);
}

async function main(): Promise<void> {
  const [srcBase, srcRepo, dstBase, dstRepo, planFile, concurrencyArg] = process.argv.slice(2);
  const plan = JSON.parse(await readFile(planFile, 'utf8')) as UploadPlan;
  const concurrency = Number(concurrencyArg ?? 4);
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 16 });
  const uploads = new URL(`${dstBase}/v2/${dstRepo}/blobs/uploads/`);
  const queue = [...plan.blobs];
  const worker = async () => {
    for (let blob = queue.shift(); blob; blob = queue.shift()) {
      const [download, start] = await Promise.all([
        send(dispatcher, new URL(`${srcBase}/v2/${srcRepo}/blobs/${blob.digest}`), { method: 'GET' }),
        send(dispatcher, uploads, { method: 'POST' }),
      ]);
      await expect(download, 200, `GET ${blob.digest}`);
      await expect(start, 202, `POST ${blob.digest}`);
      await start.body.dump();
      const location = new URL(String(start.headers.location), uploads);
      location.searchParams.append('digest', blob.digest);
      const put = await send(dispatcher, location, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) },
        body: download.body,
      });
      await expect(put, 201, `PUT ${blob.digest}`);
      await put.body.dump();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  for (const m of plan.manifests) {
    const got = await send(dispatcher, new URL(`${srcBase}/v2/${srcRepo}/manifests/${m.digest}`), { method: 'GET', headers: { accept: m.mediaType } });
    await expect(got, 200, `GET manifest ${m.digest}`);
    const body = Buffer.from(await got.body.arrayBuffer());
    const res = await send(dispatcher, new URL(`${dstBase}/v2/${dstRepo}/manifests/${m.reference}`), {
      method: 'PUT',
      headers: { 'content-type': m.mediaType },
      body,
    });
    await expect(res, 201, `PUT manifest ${m.digest}`);
    await res.body.dump();
  }
  await dispatcher.close();
}

main().catch((err) => {
  process.stderr.write(`raw-relay: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
