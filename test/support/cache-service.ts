import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, unlink } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * The GitHub Actions cache service (v2) as `@actions/cache` 6 speaks it, on loopback: the twirp
 * `CacheService` for reserving, finalizing and looking up entries, and a blob store that answers
 * the Azure Blob requests the Azure SDK sends to the signed upload URL (Put Blob, Put Block, Put
 * Block List) and the plain GET of the signed download URL. Archives are kept on disk, never in memory.
 */
export interface CacheService {
  /** `http://127.0.0.1:PORT/`: what `ACTIONS_RESULTS_URL` is set to (the trailing slash matters). */
  readonly url: string;
  readonly token: string;
  /** Every request since start (or the last `resetRequests`), in order. */
  requests(): CacheServiceRequest[];
  resetRequests(): void;
  /**
   * Holds the next `count` lookups (`GetCacheEntryDownloadURL`) until all of them have arrived, as
   * when parallel jobs of one run start together and none sees what the others save.
   */
  holdLookups(count: number): void;
  /** The entries, finalized or not, oldest first. */
  entries(): CacheServiceEntry[];
  stop(): Promise<void>;
}

export interface CacheServiceRequest {
  method: string;
  /** the path without its query */
  path: string;
  /** the twirp method (`CreateCacheEntry`, …) or the blob operation (`PutBlob`, `PutBlock`, `PutBlockList`, `GetBlob`) */
  operation: string;
  status: number;
  /** the cache key a twirp call named */
  key?: string;
}

export interface CacheServiceEntry {
  id: number;
  key: string;
  version: string;
  finalized: boolean;
  /** bytes uploaded so far (the archive once finalized) */
  size: number;
}

interface Entry extends CacheServiceEntry {
  uploadSig: string;
  downloadSig: string;
  /** finalization order: newest wins a prefix match */
  seq: number;
  blocks: Set<string>;
}

const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.CacheService/';
/** Azure addresses a blob on an IP host as `/account/container/blob`. */
const BLOB_PREFIX = '/devstoreaccount1/actions-cache/';
const AZURE_VERSION = '2025-01-05';

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startCacheService(options: { token?: string } = {}): Promise<CacheService> {
  const token = options.token ?? `runtime-${randomBytes(8).toString('hex')}`;
  const dir = await mkdtemp(join(tmpdir(), 'oci-copy-cache-service-'));
  const entries = new Map<number, Entry>();
  let log: CacheServiceRequest[] = [];
  let nextId = 1;
  let nextSeq = 1;
  let base = '';
  let gate: { count: number; waiting: (() => void)[] } | undefined;

  const blobPath = (id: number) => join(dir, `${id}.blob`);
  const blockPath = (id: number, blockId: string) => join(dir, `${id}.block.${Buffer.from(blockId).toString('hex')}`);
  const find = (key: string, version: string) => [...entries.values()].find((e) => e.key === key && e.version === version);

  /** A key matches exactly first, then as a prefix (newest finalized entry wins); keys are tried in order. */
  function lookup(keys: string[], version: string): Entry | undefined {
    const ready = [...entries.values()].filter((e) => e.finalized && e.version === version).sort((a, b) => b.seq - a.seq);
    for (const key of keys) {
      const hit = ready.find((e) => e.key === key) ?? ready.find((e) => e.key.startsWith(key));
      if (hit) return hit;
    }
    return undefined;
  }

  async function twirp(method: string, body: Record<string, unknown>, record: CacheServiceRequest): Promise<unknown> {
    const key = typeof body.key === 'string' ? body.key : '';
    const version = typeof body.version === 'string' ? body.version : '';
    record.key = key;
    if (!key) throw new HttpError(400, 'invalid_argument', 'key is required');
    if (!version) throw new HttpError(400, 'invalid_argument', 'version is required');
    switch (method) {
      case 'CreateCacheEntry': {
        if (find(key, version)) {
          throw new HttpError(409, 'already_exists', 'cache entry with the same key, version, and scope already exists');
        }
        const entry: Entry = {
          id: nextId++,
          key,
          version,
          finalized: false,
          size: 0,
          uploadSig: randomBytes(12).toString('hex'),
          downloadSig: randomBytes(12).toString('hex'),
          seq: 0,
          blocks: new Set(),
        };
        entries.set(entry.id, entry);
        return { ok: true, signed_upload_url: `${base}${BLOB_PREFIX.slice(1)}${entry.id}?sp=cw&sig=${entry.uploadSig}` };
      }
      case 'FinalizeCacheEntryUpload': {
        const entry = find(key, version);
        if (!entry || entry.finalized) throw new HttpError(404, 'not_found', 'cache entry not found or already finalized');
        const uploaded = await stat(blobPath(entry.id)).then(
          (s) => s.size,
          () => -1,
        );
        if (uploaded < 0) return { ok: false, entry_id: '0', message: 'no archive was uploaded for this entry' };
        if (String(uploaded) !== String(body.size_bytes)) {
          return {
            ok: false,
            entry_id: '0',
            message: `size_bytes ${String(body.size_bytes)} does not match the ${uploaded} bytes uploaded`,
          };
        }
        entry.finalized = true;
        entry.size = uploaded;
        entry.seq = nextSeq++;
        return { ok: true, entry_id: String(entry.id) };
      }
      case 'GetCacheEntryDownloadURL': {
        if (gate) {
          const g = gate;
          await new Promise<void>((resolve) => {
            g.waiting.push(resolve);
            if (g.waiting.length >= g.count) {
              gate = undefined;
              for (const release of g.waiting) release();
            }
          });
        }
        const restoreKeys = Array.isArray(body.restore_keys) ? body.restore_keys.filter((k): k is string => typeof k === 'string') : [];
        const hit = lookup([key, ...restoreKeys], version);
        if (!hit) return { ok: false, signed_download_url: '', matched_key: '' };
        return {
          ok: true,
          signed_download_url: `${base}${BLOB_PREFIX.slice(1)}${hit.id}?sp=r&sig=${hit.downloadSig}`,
          matched_key: hit.key,
        };
      }
      default:
        throw new HttpError(404, 'bad_route', `no handler for path "${TWIRP_PREFIX}${method}"`);
    }
  }

  async function handleTwirp(req: IncomingMessage, res: ServerResponse, record: CacheServiceRequest): Promise<void> {
    const method = req.url!.split('?')[0].slice(TWIRP_PREFIX.length);
    record.operation = method;
    try {
      if (req.method !== 'POST') throw new HttpError(404, 'bad_route', `unsupported method ${req.method}`);
      if (req.headers.authorization !== `Bearer ${token}`) throw new HttpError(401, 'unauthenticated', 'invalid runtime token');
      const text = await readSmall(req);
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw new HttpError(400, 'malformed', 'the request body is not JSON');
      }
      sendJson(res, 200, await twirp(method, body, record));
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      sendJson(res, err.status, { code: err.code, msg: err.message });
    }
  }

  async function handleBlob(req: IncomingMessage, res: ServerResponse, record: CacheServiceRequest): Promise<void> {
    const url = new URL(req.url!, base);
    const entry = entries.get(Number(url.pathname.slice(BLOB_PREFIX.length)));
    const comp = url.searchParams.get('comp');
    record.operation =
      req.method === 'GET' || req.method === 'HEAD'
        ? 'GetBlob'
        : comp === 'block'
          ? 'PutBlock'
          : comp === 'blocklist'
            ? 'PutBlockList'
            : 'PutBlob';
    try {
      if (!entry) throw new HttpError(404, 'BlobNotFound', 'The specified blob does not exist.');
      const sig = url.searchParams.get('sig');
      if (req.method === 'GET' || req.method === 'HEAD') {
        if (sig !== entry.downloadSig || !entry.finalized) throw new HttpError(403, 'AuthenticationFailed', 'Signature did not match.');
        const { size } = await stat(blobPath(entry.id));
        res.writeHead(200, blobHeaders({ 'content-length': String(size), 'content-type': 'application/octet-stream' }));
        if (req.method === 'HEAD') return void res.end();
        await pipeline(createReadStream(blobPath(entry.id)), res);
        return;
      }
      if (req.method !== 'PUT') throw new HttpError(405, 'UnsupportedHttpVerb', `${req.method} is not supported.`);
      if (sig !== entry.uploadSig || entry.finalized) throw new HttpError(403, 'AuthenticationFailed', 'Signature did not match.');
      if (comp === 'block') {
        const blockId = url.searchParams.get('blockid');
        if (!blockId) throw new HttpError(400, 'MissingRequiredQueryParameter', 'blockid is required.');
        const md5 = await receive(req, blockPath(entry.id, blockId));
        entry.blocks.add(blockId);
        res.writeHead(201, blobHeaders({ 'content-md5': md5, 'x-ms-request-server-encrypted': 'true' }));
        return void res.end();
      }
      if (comp === 'blocklist') {
        const ids = [...(await readSmall(req)).matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g)].map((m) => m[1]);
        const missing = ids.find((id) => !entry.blocks.has(id));
        if (missing !== undefined) throw new HttpError(400, 'InvalidBlockList', 'The specified block list is invalid.');
        const blocks = ids.map((id) => blockPath(entry.id, id));
        await pipeline(
          async function* () {
            for (const block of blocks) yield* createReadStream(block);
          },
          createWriteStream(blobPath(entry.id)),
        );
        for (const id of entry.blocks) await unlink(blockPath(entry.id, id)).catch(() => {});
        entry.blocks.clear();
        entry.size = (await stat(blobPath(entry.id))).size;
        res.writeHead(201, blobHeaders({ 'x-ms-request-server-encrypted': 'true' }));
        return void res.end();
      }
      if (comp) throw new HttpError(400, 'InvalidQueryParameterValue', `comp=${comp} is not supported.`);
      if (req.headers['x-ms-blob-type'] !== 'BlockBlob') {
        throw new HttpError(
          400,
          'MissingRequiredHeader',
          'An HTTP header that is mandatory for this request is not specified: x-ms-blob-type.',
        );
      }
      const md5 = await receive(req, blobPath(entry.id));
      entry.size = (await stat(blobPath(entry.id))).size;
      res.writeHead(201, blobHeaders({ 'content-md5': md5, 'x-ms-request-server-encrypted': 'true' }));
      res.end();
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      const xml = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${err.code}</Code><Message>${err.message}</Message></Error>`;
      res.writeHead(err.status, blobHeaders({ 'content-type': 'application/xml', 'x-ms-error-code': err.code }));
      res.end(req.method === 'HEAD' ? undefined : xml);
    }
  }

  const server: Server = createServer((req, res) => {
    const record: CacheServiceRequest = { method: req.method ?? '', path: (req.url ?? '').split('?')[0], operation: '', status: 0 };
    log.push(record);
    // The status is known once the headers go out: a download's client may be done (and the test
    // checking) before the server's 'finish' for the body comes round.
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    res.writeHead = ((...args: unknown[]) => {
      const sent = writeHead(...args);
      record.status = res.statusCode;
      return sent;
    }) as typeof res.writeHead;
    res.on('finish', () => (record.status = res.statusCode));
    const path = record.path;
    const work = path.startsWith(TWIRP_PREFIX)
      ? handleTwirp(req, res, record)
      : path.startsWith(BLOB_PREFIX)
        ? handleBlob(req, res, record)
        : Promise.resolve(sendJson(res, 404, { code: 'bad_route', msg: `no handler for path "${path}"` }));
    work.catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { code: 'internal', msg: String(err) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;

  return {
    url: base,
    token,
    requests: () => [...log],
    resetRequests: () => void (log = []),
    holdLookups: (count: number) => void (gate = { count, waiting: [] }),
    entries: () => [...entries.values()].map(({ id, key, version, finalized, size }) => ({ id, key, version, finalized, size })),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** What a runner in one simulated workflow run looks like to `@actions/cache`. */
export interface SimulatedRunner {
  runId: string;
  runAttempt?: string;
  /** `RUNNER_TEMP` */
  temp: string;
  /** `GITHUB_WORKSPACE` */
  workspace: string;
}

/**
 * The environment that points `@actions/cache` (which reads it at call time) at `service`. Keys
 * whose value is undefined must be removed: a `GITHUB_SERVER_URL` that is not github.com would make
 * it assume GHES and speak v1, and an inherited `ACTIONS_CACHE_URL` or cache mode would interfere.
 */
export function cacheServiceEnv(service: CacheService, runner: SimulatedRunner): Record<string, string | undefined> {
  return {
    ACTIONS_RESULTS_URL: service.url,
    ACTIONS_CACHE_SERVICE_V2: 'true',
    ACTIONS_RUNTIME_TOKEN: service.token,
    GITHUB_RUN_ID: runner.runId,
    GITHUB_RUN_ATTEMPT: runner.runAttempt ?? '1',
    RUNNER_TEMP: runner.temp,
    GITHUB_WORKSPACE: runner.workspace,
    GITHUB_SERVER_URL: undefined,
    ACTIONS_CACHE_URL: undefined,
    ACTIONS_CACHE_MODE: undefined,
  };
}

/**
 * A fresh hosted runner for run `runId`: an emptied `RUNNER_TEMP` at the same path every run (as
 * hosted runners keep it), a new workspace under `work`, and the environment pointing at `service`.
 */
export async function freshRunner(
  service: CacheService,
  runnerTemp: string,
  work: string,
  runId: string,
): Promise<Record<string, string | undefined>> {
  await rm(runnerTemp, { recursive: true, force: true });
  await mkdir(runnerTemp, { recursive: true });
  const workspace = await mkdtemp(join(work, `workspace-${runId}-`));
  return cacheServiceEnv(service, { runId, temp: runnerTemp, workspace });
}

/** `base` with `changes` applied: undefined values remove the variable. */
export function withEnv(base: NodeJS.ProcessEnv, changes: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env = { ...base };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

function blobHeaders(extra: Record<string, string>): Record<string, string> {
  return {
    etag: `"0x${randomBytes(8).toString('hex').toUpperCase()}"`,
    'last-modified': new Date().toUTCString(),
    date: new Date().toUTCString(),
    'x-ms-request-id': randomUUID(),
    'x-ms-version': AZURE_VERSION,
    ...extra,
  };
}

/** Streams a request body to `path`; checks a `Content-MD5` the client sent and returns the body's. */
async function receive(req: IncomingMessage, path: string): Promise<string> {
  const hash = createHash('md5');
  req.on('data', (chunk: Buffer) => hash.update(chunk));
  await pipeline(req, createWriteStream(path));
  const md5 = hash.digest('base64');
  const sent = req.headers['content-md5'];
  if (typeof sent === 'string' && sent !== md5) {
    await unlink(path).catch(() => {});
    throw new HttpError(
      400,
      'Md5Mismatch',
      'The MD5 value specified in the request did not match with the MD5 value calculated by the server.',
    );
  }
  return md5;
}

/** Reads a small request body (twirp JSON, a block list); refuses anything over 1 MiB. */
async function readSmall(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1024 * 1024) throw new HttpError(413, 'RequestBodyTooLarge', 'request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
