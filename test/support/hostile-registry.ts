// A registry of the test's own that answers the distribution API in whatever bad way a case asks:
// oversize and endless bodies, lies, stalls, redirects, forged text, endless graphs. Each repository
// either serves content the test put in the server's store (the server as a source) or forwards
// every request to a real registry (the server as a hostile front of a destination), and a case's
// behaviour is consulted first for each request to its repository. Every request is recorded with
// the credentials it carried, so a test can tell who was sent what.
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { sha } from './blobs.js';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';

export interface Desc {
  mediaType: string;
  digest: string;
  size: number;
  [field: string]: unknown;
}

/** Content by digest, shared by every repository of a server (and by servers that share it). */
export class ContentStore {
  readonly content = new Map<string, { mediaType: string; bytes: Buffer }>();

  put(mediaType: string, bytes: Buffer | string): Desc {
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
    const digest = sha(buf);
    this.content.set(digest, { mediaType, bytes: buf });
    return { mediaType, digest, size: buf.length };
  }

  /** A JSON document stored as given (`JSON.stringify`), so its descriptor matches its bytes. */
  json(mediaType: string, value: unknown): Desc {
    return this.put(mediaType, JSON.stringify(value));
  }

  /** An image manifest over `layers` (descriptors need not be stored: a case may want them missing). */
  manifest(layers: Desc[], extra: Record<string, unknown> = {}, config?: Desc): Desc {
    const cfg =
      config ??
      this.json(OCI_CONFIG, { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, nonce: randomUUID() });
    return this.json(OCI_MANIFEST, { schemaVersion: 2, mediaType: OCI_MANIFEST, config: cfg, layers, ...extra });
  }

  index(manifests: unknown[], extra: Record<string, unknown> = {}): Desc {
    return this.json(OCI_INDEX, { schemaVersion: 2, mediaType: OCI_INDEX, manifests, ...extra });
  }

  /** A small image of `layers` random layers of `size` bytes each. */
  image(layers = 1, size = 512): Desc {
    const blobs = Array.from({ length: layers }, () =>
      this.put(
        OCI_LAYER,
        Buffer.from(
          randomUUID()
            .repeat(Math.ceil(size / 36))
            .slice(0, size),
        ),
      ),
    );
    return this.manifest(blobs);
  }

  get(digest: string) {
    return this.content.get(digest);
  }
}

/** One request as the server saw it. */
export interface HostileRequest {
  method: string;
  path: string;
  /** The repository it named, when it named one. */
  repo?: string;
  authorization?: string;
  at: number;
}

/** What a behaviour gets for one request to its repository. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** Path and query. */
  path: string;
  repo: string;
  /** What follows the repository: `manifests/v1`, `blobs/sha256:…`, `blobs/uploads/…`, `referrers/sha256:…`. */
  rest: string;
  /** How many requests this repository has had so far, this one included. */
  seen: number;
  /** The server's own `http://127.0.0.1:PORT`. */
  self: string;
  /** Answers the way an honest registry would: from the store, or by forwarding. */
  honest(): Promise<void>;
  /** Reads the request body (up to 64 MiB). */
  body(): Promise<Buffer>;
  /** A distribution-style JSON error. */
  error(status: number, code: string, message: string, headers?: OutgoingHttpHeaders): void;
  /** Writes these bytes to the socket as the whole answer, headers and all, then closes it. */
  raw(bytes: string | Buffer): void;
}

/** Returns true when it answered; false (or nothing) lets the honest answer go. */
export type Behaviour = (x: Exchange) => boolean | void | Promise<boolean | void>;

export interface HostileOptions {
  /** Basic credentials the server's own repositories require; without them, anyone may read. */
  credentials?: { user: string; password: string };
  /** A real registry that `forward` repositories are passed to. */
  upstream?: string;
  store?: ContentStore;
  /** Serve every repository from the store, set up or not (another host a redirect points at). */
  anyRepository?: boolean;
}

export interface HostileRegistry {
  host: string;
  url: string;
  store: ContentStore;
  /** Serves `repo` from the store: its tags name stored content. */
  serve(repo: string, tags?: Record<string, Desc>, behaviour?: Behaviour): void;
  /** Forwards `repo` to the upstream registry, except what `behaviour` answers itself. */
  forward(repo: string, behaviour?: Behaviour): void;
  /** The digest `tag` names in `repo`, when it names one. */
  tagOf(repo: string, tag: string): string | undefined;
  /** Referrers for the API (`GET /v2/<repo>/referrers/<digest>`), per subject digest. */
  referrers(repo: string, list: (subject: string) => Desc[] | undefined): void;
  requests(): HostileRequest[];
  stop(): Promise<void>;
}

interface Repo {
  mode: 'serve' | 'forward';
  tags: Map<string, string>;
  behaviour?: Behaviour;
  referrers?: (subject: string) => Desc[] | undefined;
  seen: number;
}

const PATH_RE = /^\/v2\/(.+?)\/(manifests|blobs|tags|referrers)\/(.*)$/;
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

export async function startHostileRegistry(options: HostileOptions = {}): Promise<HostileRegistry> {
  const store = options.store ?? new ContentStore();
  const repos = new Map<string, Repo>();
  const log: HostileRequest[] = [];
  const sockets = new Set<Socket>();
  const uploads = new Map<string, Buffer[]>();
  let self = '';
  const expectedAuth = options.credentials
    ? `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.password}`).toString('base64')}`
    : undefined;

  const sendError = (res: ServerResponse, status: number, code: string, message: string, headers: OutgoingHttpHeaders = {}) => {
    const body = JSON.stringify({ errors: [{ code, message }] });
    if (!res.headersSent)
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  };

  const readBody = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let total = 0;
      req.on('data', (c: Buffer) => {
        total += c.length;
        if (total <= 64 * 1024 * 1024) chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });

  /** The honest registry, from the store: manifests by tag or digest, blobs by digest, uploads kept in memory. */
  const serveHonest = async (x: Exchange, repo: Repo) => {
    const { req, res, rest, method } = x;
    if (expectedAuth && req.headers.authorization !== expectedAuth) {
      req.resume();
      sendError(res, 401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': 'Basic realm="hostile"' });
      return;
    }
    const [kind, ...tail] = rest.split('/');
    const ref = decodeURIComponent(tail.join('/').split('?')[0]);
    if (kind === 'manifests' && (method === 'GET' || method === 'HEAD')) {
      const digest = repo.tags.get(ref) ?? ref;
      const found = store.get(digest);
      if (!found) return sendError(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown');
      res.writeHead(200, { 'content-type': found.mediaType, 'content-length': found.bytes.length, 'docker-content-digest': digest });
      res.end(method === 'HEAD' ? undefined : found.bytes);
      return;
    }
    if (kind === 'blobs' && tail[0] !== 'uploads' && (method === 'GET' || method === 'HEAD')) {
      const found = store.get(ref);
      if (!found) return sendError(res, 404, 'BLOB_UNKNOWN', 'blob unknown');
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': found.bytes.length,
        'docker-content-digest': ref,
      });
      res.end(method === 'HEAD' ? undefined : found.bytes);
      return;
    }
    if (kind === 'blobs' && tail[0] === 'uploads') {
      const url = new URL(x.path, self);
      if (method === 'POST') {
        req.resume();
        const id = randomUUID();
        uploads.set(id, []);
        res.writeHead(202, { location: `/v2/${x.repo}/blobs/uploads/${id}`, 'content-length': 0, 'docker-upload-uuid': id });
        res.end();
        return;
      }
      const id = tail[1]?.split('?')[0] ?? '';
      const parts = uploads.get(id);
      if (!parts) return sendError(res, 404, 'BLOB_UPLOAD_UNKNOWN', 'upload unknown');
      parts.push(await readBody(req));
      if (method === 'PATCH') {
        res.writeHead(202, { location: `/v2/${x.repo}/blobs/uploads/${id}`, 'content-length': 0 });
        res.end();
        return;
      }
      if (method === 'PUT') {
        const digest = url.searchParams.get('digest') ?? '';
        const bytes = Buffer.concat(parts);
        uploads.delete(id);
        if (sha(bytes) !== digest) return sendError(res, 400, 'DIGEST_INVALID', 'digest does not match');
        store.put('application/octet-stream', bytes);
        res.writeHead(201, { location: `/v2/${x.repo}/blobs/${digest}`, 'content-length': 0, 'docker-content-digest': digest });
        res.end();
        return;
      }
    }
    if (kind === 'manifests' && method === 'PUT') {
      const bytes = await readBody(req);
      const desc = store.put(String(req.headers['content-type'] ?? OCI_MANIFEST), bytes);
      if (!ref.startsWith('sha256:')) repo.tags.set(ref, desc.digest);
      res.writeHead(201, { location: `/v2/${x.repo}/manifests/${desc.digest}`, 'content-length': 0, 'docker-content-digest': desc.digest });
      res.end();
      return;
    }
    if (kind === 'referrers' && method === 'GET') {
      const list = repo.referrers?.(ref);
      if (!list) {
        res.writeHead(404, { 'content-type': 'text/plain', 'content-length': 9 });
        res.end('not found');
        return;
      }
      const body = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: list });
      res.writeHead(200, { 'content-type': OCI_INDEX, 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    if (kind === 'tags' && method === 'GET') {
      const body = JSON.stringify({ name: x.repo, tags: [...repo.tags.keys()] });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    req.resume();
    sendError(res, 405, 'UNSUPPORTED', 'not supported here');
  };

  /** The honest registry behind: the request passes through, streamed both ways, Locations rewritten to us. */
  const forwardHonest = (x: Exchange) =>
    new Promise<void>((resolve) => {
      const target = new URL(options.upstream ?? '');
      const headers: OutgoingHttpHeaders = { ...x.req.headers, host: target.host };
      for (const h of HOP_BY_HOP) if (h !== 'transfer-encoding') delete headers[h];
      const up = httpRequest({ host: target.hostname, port: target.port, method: x.method, path: x.path, headers });
      up.on('error', () => {
        if (!x.res.headersSent) x.res.writeHead(502).end();
        else x.res.destroy();
        resolve();
      });
      x.req.pipe(up);
      up.on('response', (upRes) => {
        const out: OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(upRes.headers)) {
          if (value === undefined || HOP_BY_HOP.includes(name)) continue;
          out[name] = name === 'location' && typeof value === 'string' ? value.replace(target.origin, self) : value;
        }
        x.res.writeHead(upRes.statusCode ?? 502, out);
        upRes.pipe(x.res);
        upRes.on('end', () => resolve());
        upRes.on('error', () => resolve());
      });
    });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    const m = PATH_RE.exec(path.split('?')[0]);
    log.push({ method, path, repo: m?.[1], authorization: req.headers.authorization, at: Date.now() });
    if (m && !repos.has(m[1]) && options.anyRepository) repos.set(m[1], { mode: 'serve', tags: new Map(), seen: 0 });
    const repo = m ? repos.get(m[1]) : undefined;
    if (!m || !repo) {
      req.resume();
      if (path === '/v2/' || path === '/v2') {
        if (expectedAuth && req.headers.authorization !== expectedAuth) {
          sendError(res, 401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': 'Basic realm="hostile"' });
        } else {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 }).end('{}');
        }
        return;
      }
      sendError(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry');
      return;
    }
    repo.seen++;
    const x: Exchange = {
      req,
      res,
      method,
      path,
      repo: m[1],
      rest: `${m[2]}/${path.slice(path.indexOf(`/${m[2]}/`) + m[2].length + 2)}`,
      seen: repo.seen,
      self,
      honest: () => (repo.mode === 'forward' ? forwardHonest(x) : serveHonest(x, repo)),
      body: () => readBody(req),
      error: (status, code, message, headers) => {
        req.resume();
        sendError(res, status, code, message, headers);
      },
      raw: (bytes) => {
        req.resume();
        res.socket?.end(bytes);
      },
    };
    try {
      if (repo.behaviour && (await repo.behaviour(x))) return;
      await x.honest();
    } catch {
      if (!res.headersSent) sendError(res, 500, 'TEST_SERVER', 'the test server failed');
      else res.destroy();
    }
  };

  const server = createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => void handle(req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that gives up mid-answer is not a failure of the test server.
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  self = `http://127.0.0.1:${port}`;

  return {
    host: `127.0.0.1:${port}`,
    url: self,
    store,
    serve: (repo, tags = {}, behaviour) => {
      const referrers = repos.get(repo)?.referrers;
      repos.set(repo, { mode: 'serve', tags: new Map(Object.entries(tags).map(([t, d]) => [t, d.digest])), behaviour, referrers, seen: 0 });
    },
    forward: (repo, behaviour) => {
      if (!options.upstream) throw new Error('forward needs an upstream registry');
      repos.set(repo, { mode: 'forward', tags: new Map(), behaviour, seen: 0 });
    },
    tagOf: (repo, tag) => repos.get(repo)?.tags.get(tag),
    referrers: (repo, list) => {
      const r = repos.get(repo);
      if (!r) throw new Error(`referrers: repository ${repo} is not set up`);
      r.referrers = list;
    },
    requests: () => [...log],
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
