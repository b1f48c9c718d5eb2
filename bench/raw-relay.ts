// The relay floor: what any registry-to-registry copy must at least do. Each blob is fetched from the
// source registry while the destination opens its upload, and the download is streamed straight into
// the PUT; then each manifest is fetched and PUT, children first. No existence checks, no hashing,
// no retries: the least work between two registries, with the same concurrency and HTTP client.
import { readFile } from 'node:fs/promises';
import { expectStatus, inParallel, newDispatcher, putBlob, putManifest, send, type UploadPlan } from './raw-http.js';

async function main(): Promise<void> {
  const [srcBase, srcRepo, dstBase, dstRepo, planFile, concurrencyArg] = process.argv.slice(2);
  const plan = JSON.parse(await readFile(planFile, 'utf8')) as UploadPlan;
  const dispatcher = newDispatcher();
  const uploads = new URL(`${dstBase}/v2/${dstRepo}/blobs/uploads/`);
  await inParallel(plan.blobs, Number(concurrencyArg ?? 4), async (blob) => {
    const [download, start] = await Promise.all([
      send(dispatcher, new URL(`${srcBase}/v2/${srcRepo}/blobs/${blob.digest}`), { method: 'GET' }),
      send(dispatcher, uploads, { method: 'POST' }),
    ]);
    await expectStatus(download, 200, `GET ${blob.digest}`);
    await putBlob(dispatcher, uploads, start, blob, download.body);
  });
  for (const m of plan.manifests) {
    const got = await send(dispatcher, new URL(`${srcBase}/v2/${srcRepo}/manifests/${m.digest}`), {
      method: 'GET',
      headers: { accept: m.mediaType },
    });
    await expectStatus(got, 200, `GET manifest ${m.digest}`);
    await putManifest(dispatcher, dstBase, dstRepo, m, Buffer.from(await got.body.arrayBuffer()));
  }
  await dispatcher.close();
}

main().catch((err) => {
  process.stderr.write(`raw-relay: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
