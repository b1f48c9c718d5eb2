// What the two floors share: the upload plan they read and one request through the tool's own undici parts.
import type { Dispatcher } from 'undici';
import { Agent, request } from '../src/targets/registry/undici-core.js';
import { baselineWasm } from '../src/runtime/wasm-tiering.js';

// The same parser settings as the CLI: a floor must not pay for work the tool is spared.
baselineWasm();

export interface UploadPlan {
  dir: string;
  blobs: Array<{ digest: string; size: number }>;
  /** In push order; `reference` is a digest or, for the root, a tag. */
  manifests: Array<{ digest: string; mediaType: string; reference: string }>;
}

export function newDispatcher(): Dispatcher {
  return new Agent({ keepAliveTimeout: 30_000, connections: 16 });
}

export function send(
  dispatcher: Dispatcher,
  url: URL,
  options: Omit<Dispatcher.RequestOptions, 'origin' | 'path'>,
): Promise<Dispatcher.ResponseData> {
  return request(dispatcher, { origin: url.origin, path: url.pathname + url.search, ...options });
}

/** Fails with the method's name and the status unless the answer is `status`. */
export async function expectStatus(res: Dispatcher.ResponseData, status: number, what: string): Promise<void> {
  if (res.statusCode === status) return;
  await res.body.dump();
  throw new Error(`${what}: HTTP ${res.statusCode}`);
}

/** Runs `work` on every item with `concurrency` workers. */
export async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Finishes the upload session `start` opened (a 202 to the POST) with one PUT of `body`. */
export async function putBlob(
  dispatcher: Dispatcher,
  uploads: URL,
  start: Dispatcher.ResponseData,
  blob: { digest: string; size: number },
  body: Dispatcher.DispatchOptions['body'],
): Promise<void> {
  await expectStatus(start, 202, `POST ${blob.digest}`);
  await start.body.dump();
  const location = new URL(String(start.headers.location), uploads);
  location.searchParams.append('digest', blob.digest);
  const put = await send(dispatcher, location, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) },
    body,
  });
  await expectStatus(put, 201, `PUT ${blob.digest}`);
  await put.body.dump();
}

/** PUTs one manifest as `reference` (a digest or a tag). */
export async function putManifest(
  dispatcher: Dispatcher,
  base: string,
  repo: string,
  m: UploadPlan['manifests'][number],
  body: Buffer,
): Promise<void> {
  const res = await send(dispatcher, new URL(`${base}/v2/${repo}/manifests/${m.reference}`), {
    method: 'PUT',
    headers: { 'content-type': m.mediaType },
    body,
  });
  await expectStatus(res, 201, `PUT manifest ${m.digest}`);
  await res.body.dump();
}
