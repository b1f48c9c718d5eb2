// What the real registry cannot produce on demand: redirects to another origin, 503/429 with
// Retry-After, a silent server, a download cut midway, a 413 to a monolithic upload, a foreign
// upload Location. Each is a small loopback server that speaks just enough of the distribution API.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, it } from 'node:test';
import { VerifyingStream } from '../../src/oci/digest.js';
import { isRetryable } from '../../src/oci/errors.js';
import { HttpClient } from '../../src/targets/registry/http.js';
import { openRegistryRepository, type RegistryRepositoryOptions } from '../../src/targets/registry/repository.js';
import { blob, readAll } from '../support/blobs.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  bytes: number;
}

const servers: Server[] = [];
const clients: HttpClient[] = [];

async function serve(handler: Handler): Promise<{ host: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, bytes: body.length });
      handler(req, res, body);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const FAST = { retry: { baseDelayMs: 5, minDelayMs: 1, maxDelayMs: 20 } };

function open(host: string, options: RegistryRepositoryOptions = {}) {
  const http = new HttpClient({ ...FAST, ...options });
  clients.push(http);
  return openRegistryRepository({ transport: 'registry', registry: host, repository: 'r', tags: [] }, { http, ...options });
}

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

describe('registry HTTP under faults', () => {
  it('sends no credentials or cookies to a redirect on another origin', async () => {
    const data = blob(Buffer.from('object storage bytes'));
    const storage = await serve((_req, res) => res.end(data.bytes));
    const registry = await serve((req, res) => {
      if (!req.headers.authorization) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end();
        return;
      }
      res.writeHead(307, { location: `http://${storage.host}/bucket/blob?sig=abc` }).end();
    });
    const r = open(registry.host, { username: 'u', password: 'secret-pw' });
    const got = await readAll((await r.fetch(data.desc)).pipe(new VerifyingStream(data.desc)));
    assert.deepEqual(got, data.bytes);
    assert.ok(registry.seen.some((s) => s.headers.authorization === `Basic ${Buffer.from('u:secret-pw').toString('base64')}`));
    assert.equal(storage.seen.length, 1);
    assert.equal(storage.seen[0].url, '/bucket/blob?sig=abc');
    assert.equal(storage.seen[0].headers.authorization, undefined);
    assert.equal(storage.seen[0].headers.cookie, undefined);
  });

  it('retries 503 and 429, honouring Retry-After', async () => {
    const data = blob(Buffer.from('x'));
    let calls = 0;
    const registry = await serve((_req, res) => {
      calls++;
      if (calls === 1) res.writeHead(503, { 'retry-after': '0' }).end();
      else if (calls === 2) res.writeHead(429, { 'retry-after': '1' }).end();
      else res.writeHead(200, { 'content-length': '1' }).end();
    });
    const started = Date.now();
    assert.equal(await open(registry.host).exists(data.desc), true);
    assert.equal(calls, 3);
    assert.ok(Date.now() - started >= 900, 'waited for Retry-After: 1');
  });

  it('gives up after 5 tries, naming operation, place and status', async () => {
    const data = blob(Buffer.from('x'));
    const registry = await serve((_req, res) => res.writeHead(503).end('{"errors":[{"code":"UNAVAILABLE","message":"busy"}]}'));
    await assert.rejects(open(registry.host).fetch(data.desc), (err: Error) => {
      assert.equal(
        err.message,
        `fetching blob ${data.desc.digest} from ${registry.host}/r: 503 Service Unavailable after 5 tries (UNAVAILABLE: busy)`,
      );
      assert.ok(isRetryable(err));
      return true;
    });
    assert.equal(registry.seen.length, 5);
  });

  it('fails in bounded time, naming the host, when a server never answers', async () => {
    const registry = await serve(() => {
      // silence
    });
    const started = Date.now();
    await assert.rejects(
      open(registry.host, { timeouts: { headersMs: 150 }, retry: { maxTries: 2, baseDelayMs: 5, minDelayMs: 1, maxDelayMs: 5 } }).resolve(
        'v1',
      ),
      new RegExp(`resolving ${registry.host}/r:v1: ${registry.host} did not answer within 0.15 s after 2 tries`),
    );
    assert.ok(Date.now() - started < 3000);
  });

  it('names the host when nothing listens there', async () => {
    const registry = await serve(() => {});
    const host = registry.host;
    const s = servers.pop()!;
    await new Promise((r) => s.close(r));
    await assert.rejects(open(host).resolve('v1'), new RegExp(`cannot reach ${host}: .*ECONNREFUSED.* after 5 tries`));
  });

  for (const ranges of [true, false]) {
    it(`resumes a download cut midway ${ranges ? 'with Range' : 'by starting again'}`, async () => {
      const data = blob(Buffer.from(Buffer.alloc(256 * 1024).map((_, i) => i % 251)));
      const registry = await serve((req, res) => {
        const range = /^bytes=([0-9]+)-$/.exec(req.headers.range ?? '');
        if (range && ranges) {
          const start = Number(range[1]);
          res.writeHead(206, {
            'content-range': `bytes ${start}-${data.desc.size - 1}/${data.desc.size}`,
            'content-length': String(data.desc.size - start),
          });
          res.end(data.bytes.subarray(start));
          return;
        }
        if (registry.seen.length === 1) {
          res.writeHead(200, { 'content-length': String(data.desc.size) });
          res.write(data.bytes.subarray(0, 100_000), () => setTimeout(() => res.destroy(), 20));
          return;
        }
        res.writeHead(200, { 'content-length': String(data.desc.size) }).end(data.bytes);
      });
      const got = await readAll((await open(registry.host).fetch(data.desc)).pipe(new VerifyingStream(data.desc)));
      assert.equal(got.length, data.desc.size);
      assert.equal(registry.seen.length, 2);
      assert.match(registry.seen[1].headers.range ?? '', /^bytes=[1-9][0-9]*-$/);
    });
  }

  it('switches to chunked uploads after a 413, and resolves a relative upload Location', async () => {
    const data = blob(Buffer.alloc(5 * 1024 * 1024 + 17, 3));
    const received: Buffer[] = [];
    const registry = await serve((req, res, body) => {
      const url = new URL(req.url!, 'http://x');
      if (req.method === 'POST') {
        res.writeHead(202, { location: '/v2/r/blobs/uploads/abc?_state=s1' }).end();
      } else if (req.method === 'PUT' && url.searchParams.get('digest') && body.length > 0) {
        res.writeHead(413).end();
      } else if (req.method === 'PATCH') {
        assert.equal(url.searchParams.get('_state'), `s${received.length + 1}`);
        received.push(body);
        res.writeHead(202, { location: `/v2/r/blobs/uploads/abc?_state=s${received.length + 1}` }).end();
      } else if (req.method === 'PUT') {
        assert.equal(url.searchParams.get('digest'), data.desc.digest);
        assert.equal(url.searchParams.get('_state'), `s${received.length + 1}`);
        res.writeHead(Buffer.concat(received).equals(data.bytes) ? 201 : 400).end();
      } else res.writeHead(404).end();
    });
    const r = open(registry.host);
    await assert.rejects(r.push(data.desc, Readable.from([data.bytes])), (err: Error) => {
      assert.ok(isRetryable(err), 'a 413 is worth another try');
      assert.match(err.message, /413/);
      return true;
    });
    await r.push(data.desc, Readable.from([data.bytes]));
    assert.deepEqual(
      received.map((b) => b.length),
      [4 * 1024 * 1024, 1024 * 1024 + 17],
    );
    const patches = registry.seen.filter((s) => s.method === 'PATCH');
    assert.deepEqual(
      patches.map((p) => p.headers['content-range']),
      [`0-${4 * 1024 * 1024 - 1}`, `${4 * 1024 * 1024}-${data.desc.size - 1}`],
    );
    assert.equal(registry.seen.find((s) => s.method === 'PUT')?.headers['content-type'], 'application/octet-stream');
  });

  it('refuses an upload Location on another host', async () => {
    const data = blob(Buffer.from('payload'));
    const elsewhere = await serve((_req, res) => res.writeHead(201).end());
    const registry = await serve((_req, res) => res.writeHead(202, { location: `http://${elsewhere.host}/upload` }).end());
    await assert.rejects(open(registry.host).push(data.desc, Readable.from([data.bytes])), /another host/);
    assert.equal(elsewhere.seen.length, 0);
  });

  it('a mount answered with an error is refused, never thrown', async () => {
    const data = blob(Buffer.from('payload'));
    for (const status of [400, 401, 403, 404, 500]) {
      const registry = await serve((_req, res) => res.writeHead(status).end());
      assert.equal(await open(registry.host).mount(data.desc, 'other'), 'refused', `status ${status}`);
    }
  });

  it('a connection cut mid-upload is a retryable error naming the blob and place', async () => {
    const data = blob(Buffer.alloc(2 * 1024 * 1024, 9));
    const server = createServer((req, res) => {
      if (req.method === 'POST') {
        req.resume();
        req.on('end', () => res.writeHead(202, { location: '/v2/r/blobs/uploads/u1' }).end());
        return;
      }
      let got = 0;
      req.on('data', (d: Buffer) => {
        got += d.length;
        if (got > 100_000) req.socket.destroy();
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    await assert.rejects(
      open(host).push(data.desc, Readable.from([data.bytes.subarray(0, 1 << 20), data.bytes.subarray(1 << 20)])),
      (err: Error) => {
        assert.ok(isRetryable(err), err.message);
        assert.match(err.message, new RegExp(`^pushing blob ${data.desc.digest} to ${host}/r: `));
        return true;
      },
    );
  });

  it('refuses a token realm over plain HTTP off loopback', async () => {
    const registry = await serve((_req, res) =>
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="http://auth.example.com/token",service="s"' }).end(),
    );
    await assert.rejects(open(registry.host, { username: 'u', password: 'p' }).resolve('v1'), /not HTTPS: refusing to send credentials/);
  });

  it('uploads in chunks when the registry advertises OCI-Chunk-Min-Length', async () => {
    const data = blob(Buffer.alloc(100, 5));
    let patches = 0;
    const registry = await serve((req, res) => {
      if (req.method === 'POST') res.writeHead(202, { location: '/v2/r/blobs/uploads/x', 'oci-chunk-min-length': '64' }).end();
      else if (req.method === 'PATCH') {
        patches++;
        res.writeHead(202, { location: '/v2/r/blobs/uploads/x' }).end();
      } else res.writeHead(201).end();
    });
    await open(registry.host).push(data.desc, Readable.from([data.bytes]));
    assert.equal(patches, 1, 'one chunk: the advertised minimum is below the default chunk size');
    assert.equal(registry.seen.at(-1)?.method, 'PUT');
    assert.equal(registry.seen.at(-1)?.bytes, 0);
  });
});
