// A loopback front in front of a real registry, as a CDN and a flaky link are in front of registries
// in the wild: it refuses request bodies over a cap with 413 (at once for a body with a length,
// mid-body for one without), drops the connection of the next upload request once some bytes of
// upload bodies have passed (between chunks: what the registry has and what its session says
// agree), cuts blob downloads every so many bytes, and refuses bearer tokens older than a few
// seconds with 401 and a challenge, as an expired token is refused. Everything else passes through,
// streamed.
import { createServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FrontOptions {
  /** Request bodies over this many bytes are refused with 413. */
  capBytes?: number;
  /** Once this many bytes of upload bodies passed since the last drop, the next upload request's connection is dropped. */
  dropEveryBytes?: number;
  /** Blob downloads are cut (the connection reset) every this many bytes of their bodies. */
  cutDownloadsEveryBytes?: number;
  /** A bearer token whose `iat` is older than this is refused with 401, as expired. */
  tokenLifeSeconds?: number;
  /** The token service the 401's challenge names (`realm`, `service`). */
  challenge?: { realm: string; service: string };
}

export interface FrontStats {
  /** Bytes of upload bodies (PATCH, PUT) that reached the registry. */
  forwardedUploadBytes: number;
  /** Bytes of upload bodies that arrived at the front in requests it refused or dropped (until it closed their connection). */
  lostUploadBytes: number;
  /** Upload requests refused with 413. */
  tooLarge: number;
  /** Upload requests whose connection was dropped. */
  drops: number;
  /** Downloads cut midway. */
  cutDownloads: number;
  /** Requests refused for an expired token. */
  expired: number;
  /** Bytes of blob download bodies sent to the client. */
  downloadBytes: number;
}

export interface Front {
  /** `127.0.0.1:PORT` */
  host: string;
  url: string;
  stats(): FrontStats;
  /** Every request, in order: method, path, status (undefined when dropped). */
  requests(): Array<{ method: string; path: string; status?: number; length?: number }>;
  reset(): void;
  stop(): Promise<void>;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];
const UPLOAD_PATH = /^\/v2\/.+\/blobs\/uploads\//;
const BLOB_PATH = /^\/v2\/.+\/blobs\/sha(256|512):/;

function emptyStats(): FrontStats {
  return { forwardedUploadBytes: 0, lostUploadBytes: 0, tooLarge: 0, drops: 0, cutDownloads: 0, expired: 0, downloadBytes: 0 };
}

/** The repository a `/v2/<name>/…` path names. */
function repositoryOf(path: string): string | undefined {
  return /^\/v2\/(.+?)\/(?:blobs|manifests|tags|referrers)\//.exec(path)?.[1];
}

/** Seconds since a bearer JWT was issued (its `iat`), or undefined when the header holds none. */
function tokenAge(authorization: string | undefined): number | undefined {
  const m = /^Bearer ([^.]+)\.([^.]+)\./i.exec(authorization ?? '');
  if (!m) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(m[2], 'base64url').toString('utf8')) as { iat?: number };
    return typeof claims.iat === 'number' ? Date.now() / 1000 - claims.iat : undefined;
  } catch {
    return undefined;
  }
}

export async function startFront(upstream: string, options: FrontOptions): Promise<Front> {
  const target = new URL(upstream);
  let stats = emptyStats();
  let log: Array<{ method: string; path: string; status?: number; length?: number }> = [];
  let sinceDrop = 0;
  let downloadSinceCut = 0;
  const sockets = new Set<Socket>();
  let self = '';

  const rewriteLocation = (value: string): string => {
    try {
      const url = new URL(value, target);
      if (url.origin !== target.origin) return value;
      return value.startsWith('/') ? value : `${self}${url.pathname}${url.search}`;
    } catch {
      return value;
    }
  };

  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, headers: OutgoingHttpHeaders, code: string) => {
    const body = JSON.stringify({ errors: [{ code, message: `the front refused this request (${status})` }] });
    // The body is not read: the connection closes after the answer, as a front does.
    log[log.length - 1].status = status;
    res.writeHead(status, {
      ...headers,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    });
    res.end(body, () => req.socket.destroy());
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const length = req.headers['content-length'] !== undefined ? Number(req.headers['content-length']) : undefined;
    const entry: { method: string; path: string; status?: number; length?: number } = { method, path, length };
    log.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    const upload = (method === 'PATCH' || method === 'PUT') && UPLOAD_PATH.test(path);
    /** Counts what arrives of a body the front turns away, until its connection closes. */
    const countLost = () => req.on('data', (chunk: Buffer) => (stats.lostUploadBytes += chunk.length));

    if (options.tokenLifeSeconds !== undefined) {
      const age = tokenAge(req.headers.authorization);
      if (age !== undefined && age > options.tokenLifeSeconds && options.challenge) {
        stats.expired++;
        if (upload) countLost();
        const repo = repositoryOf(path);
        const actions = method === 'GET' || method === 'HEAD' ? 'pull' : 'pull,push';
        const scope = repo ? `,scope="repository:${repo}:${actions}"` : '';
        const challenge = `Bearer realm="${options.challenge.realm}",service="${options.challenge.service}"${scope},error="invalid_token"`;
        refuse(req, res, 401, { 'www-authenticate': challenge }, 'UNAUTHORIZED');
        return;
      }
    }
    if (upload && options.dropEveryBytes !== undefined && sinceDrop >= options.dropEveryBytes) {
      sinceDrop = 0;
      stats.drops++;
      req.socket.destroy();
      return;
    }
    if (upload && options.capBytes !== undefined && length !== undefined && length > options.capBytes) {
      stats.tooLarge++;
      countLost();
      refuse(req, res, 413, {}, 'TOO_LARGE');
      return;
    }

    const headers: OutgoingHttpHeaders = { ...req.headers, host: target.host };
    for (const h of HOP_BY_HOP) if (h !== 'transfer-encoding') delete headers[h];
    const up = httpRequest({ host: target.hostname, port: target.port, method, path, headers });
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.on('aborted', () => up.destroy());
    req.on('error', () => up.destroy());

    if (upload && options.capBytes !== undefined && length === undefined) {
      // A body without a length is held until it ends or passes the cap: then 413, and nothing of it reaches the registry.
      const held: Buffer[] = [];
      let total = 0;
      let refused = false;
      req.on('data', (chunk: Buffer) => {
        if (refused) return;
        total += chunk.length;
        if (total > options.capBytes!) {
          refused = true;
          stats.tooLarge++;
          stats.lostUploadBytes += total;
          up.destroy();
          refuse(req, res, 413, {}, 'TOO_LARGE');
          return;
        }
        held.push(chunk);
      });
      req.on('end', () => {
        if (refused) return;
        stats.forwardedUploadBytes += total;
        sinceDrop += total;
        up.end(Buffer.concat(held));
      });
    } else {
      if (upload) {
        req.on('data', (chunk: Buffer) => {
          stats.forwardedUploadBytes += chunk.length;
          sinceDrop += chunk.length;
        });
      }
      req.pipe(up);
    }

    up.on('response', (upRes) => {
      const out: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(upRes.headers)) {
        if (value === undefined || HOP_BY_HOP.includes(name)) continue;
        out[name] = name === 'location' && typeof value === 'string' ? rewriteLocation(value) : value;
      }
      res.writeHead(upRes.statusCode ?? 502, out);
      entry.status = upRes.statusCode;
      const download = method === 'GET' && BLOB_PATH.test(path) && (upRes.statusCode === 200 || upRes.statusCode === 206);
      if (download) {
        upRes.on('data', (chunk: Buffer) => {
          const every = options.cutDownloadsEveryBytes;
          if (every !== undefined && downloadSinceCut + chunk.length > every) {
            const part = chunk.subarray(0, every - downloadSinceCut);
            stats.downloadBytes += part.length;
            downloadSinceCut = 0;
            stats.cutDownloads++;
            upRes.destroy();
            res.write(part, () => req.socket.resetAndDestroy());
            return;
          }
          downloadSinceCut += chunk.length;
          stats.downloadBytes += chunk.length;
          if (!res.write(chunk)) {
            upRes.pause();
            res.once('drain', () => upRes.resume());
          }
        });
        upRes.on('end', () => res.end());
        return;
      }
      upRes.pipe(res);
    });
  };

  const server = createServer(handle);
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  self = `http://${host}`;
  return {
    host,
    url: self,
    stats: () => ({ ...stats }),
    requests: () => [...log],
    reset: () => {
      stats = emptyStats();
      log = [];
      sinceDrop = 0;
      downloadSinceCut = 0;
    },
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
