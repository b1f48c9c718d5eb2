// A loopback front for a real registry that answers tag lists in pages, as GHCR and Docker Hub do
// (distribution 2.8 ignores `n` and `last` and sends every tag at once). Tags are sorted, `n` and
// `last` honoured, and a page that is not the last carries `Link: <…>; rel="next"`. Every other
// request passes through untouched. It records each tag-list request it answered.
import { createServer, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface TagPagingProxy {
  host: string;
  url: string;
  /** The tag-list requests answered, path and query as sent. */
  pages(): string[];
  /** Every manifest request passed through, as `METHOD /v2/…/manifests/REF`: a GET is what Docker Hub counts as a pull. */
  manifestRequests(): string[];
  reset(): void;
  stop(): Promise<void>;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

export interface TagPagingOptions {
  /** Page links as absolute URLs instead of paths. */
  absoluteLinks?: boolean;
  /** Leave `Docker-Content-Digest` out of manifest HEAD answers, as some registries do. */
  noDigestOnHead?: boolean;
  /** Answer manifest requests with Docker Hub's pull-limit headers (`ratelimit-remaining: 76;w=21600`), one pull less per GET. */
  rateLimit?: { limit: number; remaining: number; windowSeconds: number };
}

export async function startTagPagingProxy(upstream: string, pageSize: number, options: TagPagingOptions = {}): Promise<TagPagingProxy> {
  const target = new URL(upstream);
  let pages: string[] = [];
  let manifests: string[] = [];
  const sockets = new Set<Socket>();
  let self = '';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const m = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      pages.push(`${url.pathname}${url.search}`);
      req.resume();
      void (async () => {
        const up = await fetch(`${upstream}/v2/${m[1]}/tags/list`, { headers: { authorization: req.headers.authorization ?? '' } });
        const text = await up.text();
        if (up.status !== 200) {
          res
            .writeHead(up.status, {
              'content-type': up.headers.get('content-type') ?? 'application/json',
              ...(up.headers.get('www-authenticate') ? { 'www-authenticate': up.headers.get('www-authenticate')! } : {}),
            })
            .end(text);
          return;
        }
        const all = ((JSON.parse(text) as { tags?: string[] }).tags ?? []).sort();
        const n = Math.min(Number(url.searchParams.get('n') ?? pageSize) || pageSize, pageSize);
        const last = url.searchParams.get('last');
        const start = last === null ? 0 : all.findIndex((t) => t > last);
        const page = start < 0 ? [] : all.slice(start, start + n);
        const headers: OutgoingHttpHeaders = { 'content-type': 'application/json' };
        if (start >= 0 && start + n < all.length) {
          const next = `/v2/${m[1]}/tags/list?last=${encodeURIComponent(page.at(-1)!)}&n=${n}`;
          headers.link = `<${options.absoluteLinks ? `${self}${next}` : next}>; rel="next"`;
        }
        res.writeHead(200, headers).end(JSON.stringify({ name: m[1], tags: page }));
      })().catch(() => res.writeHead(502).end());
      return;
    }
    if (/\/manifests\//.test(url.pathname)) manifests.push(`${req.method} ${url.pathname}`);
    const headers: OutgoingHttpHeaders = { ...req.headers, host: target.host };
    for (const h of HOP_BY_HOP) if (h !== 'transfer-encoding') delete headers[h];
    const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers });
    up.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    req.pipe(up);
    up.on('response', (upRes) => {
      const out: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(upRes.headers)) {
        if (value === undefined || HOP_BY_HOP.includes(name)) continue;
        if (options.noDigestOnHead && req.method === 'HEAD' && name === 'docker-content-digest') continue;
        out[name] = name === 'location' && typeof value === 'string' ? value.replace(target.origin, self) : value;
      }
      const limit = options.rateLimit;
      if (limit && /\/manifests\//.test(req.url ?? '')) {
        // Docker Hub counts a manifest GET as a pull, and a HEAD as none.
        if (req.method === 'GET') limit.remaining = Math.max(0, limit.remaining - 1);
        out['ratelimit-limit'] = `${limit.limit};w=${limit.windowSeconds}`;
        out['ratelimit-remaining'] = `${limit.remaining};w=${limit.windowSeconds}`;
      }
      res.writeHead(upRes.statusCode ?? 502, out);
      upRes.pipe(res);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  self = `http://127.0.0.1:${port}`;
  return {
    host: `127.0.0.1:${port}`,
    url: self,
    pages: () => [...pages],
    manifestRequests: () => [...manifests],
    reset: () => {
      pages = [];
      manifests = [];
    },
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Tags the manifest `from` names in `repo` under each of `tags`, by PUTting its bytes (no blobs move). */
export async function addTags(registryUrl: string, repo: string, from: string, tags: string[], authorization?: string): Promise<void> {
  const accept = [
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.v2+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
  ].join(', ');
  const auth: Record<string, string> = authorization ? { authorization } : {};
  const got = await fetch(`${registryUrl}/v2/${repo}/manifests/${from}`, { headers: { accept, ...auth } });
  if (got.status !== 200) throw new Error(`addTags: GET ${repo}:${from} answered ${got.status}`);
  const type = got.headers.get('content-type')!;
  const bytes = Buffer.from(await got.arrayBuffer());
  for (const tag of tags) {
    const put = await fetch(`${registryUrl}/v2/${repo}/manifests/${tag}`, {
      method: 'PUT',
      headers: { 'content-type': type, ...auth },
      body: bytes,
    });
    await put.arrayBuffer();
    if (put.status !== 201) throw new Error(`addTags: PUT ${repo}:${tag} answered ${put.status}`);
  }
}
