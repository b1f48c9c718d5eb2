// A hostile source registry, answer by answer: what it sends back for a manifest, a token or a blob.
// Each case copies from the hostile registry to the honest one through the CLI and asserts the exit
// status, the one error line, bounded time and memory, no tag at the destination (skopeo), clean
// output and, once all have run, that no credential reached a server that does not own it.
import { describe, it } from 'node:test';
import { OCI_LAYER, type Behaviour, type Exchange, type HostileRegistry } from '../support/hostile-registry.js';
import {
  assertCase,
  CASE_TIMEOUT_ENV,
  DST_CREDS,
  HOSTILE_CREDS,
  runCli,
  userPass,
  withWorld,
  type HostileCase,
  type HostileWorld,
} from '../support/hostile-world.js';

interface SourceCase extends HostileCase {
  /** Sets up the repository the copy reads `:v1` from. */
  setup(h: HostileRegistry, repo: string, w: HostileWorld): void;
}

const MiB = 1024 * 1024;
const FORGED = 'x\n::add-mask::forged\r\n::error::forged ##[stop-commands]tok \x1b]0;title\x07\x1b[2J\u202e';

/** Answers GETs of `kind` (manifests or blobs, never uploads) with `answer`; the rest is honest. */
function on(kind: 'manifests' | 'blobs', answer: (x: Exchange) => void | Promise<void>, methods = ['GET']): Behaviour {
  return async (x) => {
    if (!methods.includes(x.method) || !x.rest.startsWith(`${kind}/`) || x.rest.startsWith('blobs/uploads')) return false;
    await answer(x);
    return true;
  };
}

/**
 * An image tagged v1 whose manifest requests get `answer`: GETs and HEADs alike, as a registry
 * answers both (a copy reads a tag with a HEAD first).
 */
function image(answer: (x: Exchange) => void | Promise<void>): SourceCase['setup'] {
  return (h, repo) => h.serve(repo, { v1: h.store.image(1, 2000) }, on('manifests', answer, ['GET', 'HEAD']));
}

/** A tag v1 whose manifest is these bytes, served honestly (a HEAD's digest agrees with the GET). */
const storedAs =
  (contentType: string, body: string | Buffer): SourceCase['setup'] =>
  (h, repo) =>
    h.serve(repo, { v1: h.store.put(contentType, body) });

/** Answers with this status, headers and body. */
const send = (status: number, headers: Record<string, string | number>, body?: string | Buffer) => (x: Exchange) => {
  x.res.writeHead(status, headers).end(body);
};

/** Redirects, with this status, to where `location` says. */
const redirectTo = (status: number, location: (x: Exchange) => string) => (x: Exchange) => {
  x.res.writeHead(status, { location: location(x), 'content-length': 0 }).end();
};

const manifestAnswer = (answer: (x: Exchange) => void | Promise<void>) => image(answer);

/** An image tagged v1 whose manifest GETs get `answer`, its HEADs the truth: what a body does. */
const manifestGetAnswer =
  (answer: (x: Exchange) => void | Promise<void>): SourceCase['setup'] =>
  (h, repo) =>
    h.serve(repo, { v1: h.store.image(1, 2000) }, on('manifests', answer));

/** An image whose layer GETs (not its config's) get `answer`. */
const blobAnswer =
  (answer: (x: Exchange) => void | Promise<void>): SourceCase['setup'] =>
  (h, repo) =>
    h.serve(repo, { v1: h.store.image(1, 2000) }, async (x) => {
      if (x.method !== 'GET' || !x.rest.startsWith('blobs/sha256:')) return false;
      if (h.store.get(x.rest.slice('blobs/'.length).split('?')[0])?.mediaType !== OCI_LAYER) return false;
      await answer(x);
      return true;
    });

let world: HostileWorld;

/** The manifest's real bytes and digest, for answers that lie about part of them. */
function stored(x: Exchange): { bytes: Buffer; digest: string; mediaType: string } {
  const ref = x.rest.slice('manifests/'.length);
  const digest = world.hostile.store.get(ref) ? ref : world.hostile.tagOf(x.repo, 'v1')!;
  return { ...world.hostile.store.get(digest)!, digest };
}

const endless = (x: Exchange, chunk: Buffer) => {
  x.res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
  if (x.method === 'HEAD') return void x.res.end();
  const pump = () => {
    while (x.res.write(chunk));
  };
  x.res.on('drain', pump);
  x.res.on('close', () => x.res.off('drain', pump));
  pump();
};

const cases: SourceCase[] = [
  // --- the manifest GET ---
  {
    name: 'a manifest of 5 MiB, declared',
    setup: manifestAnswer(
      send(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': 5 * MiB }, Buffer.alloc(5 * MiB, 32)),
    ),
    code: 1,
    line: /manifest is 5242880 bytes, over the 4 MiB limit$/,
  },
  {
    name: 'a manifest of 5 MiB, chunked without a length',
    setup: manifestAnswer(send(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }, Buffer.alloc(5 * MiB, 32))),
    code: 1,
    line: /response from 127\.0\.0\.1:[0-9]+ is larger than 4194304 bytes$/,
  },
  {
    name: 'an endless manifest',
    setup: manifestAnswer((x) => endless(x, Buffer.alloc(64 * 1024, 32))),
    code: 1,
    line: /is larger than 4194304 bytes$/,
  },
  {
    name: 'a truncated manifest (Content-Length 1000, 10 bytes sent)',
    setup: manifestGetAnswer((x) => {
      x.res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': 1000 });
      x.res.write('{"schemaVe');
      setTimeout(() => x.res.socket?.destroy(), 20);
    }),
    code: 1,
    line: /broke off its answer after 10 bytes/,
  },
  {
    name: 'a manifest whose body stalls after the headers',
    setup: manifestGetAnswer((x) => {
      x.res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': 1000 });
      x.res.flushHeaders();
    }),
    code: 1,
    line: /broke off its answer after 0 bytes/,
    maxMs: 40_000,
  },
  {
    name: 'a manifest GET never answered',
    setup: manifestAnswer(() => {}),
    code: 1,
    line: /did not answer within 1 s after 5 tries$/,
    maxMs: 40_000,
  },
  {
    name: 'a connection closed at once',
    setup: manifestAnswer((x) => {
      x.req.socket.destroy();
    }),
    code: 1,
    line: /cannot reach 127\.0\.0\.1:[0-9]+: .* after 5 tries$/,
  },
  {
    name: 'an answer that is not HTTP',
    setup: manifestAnswer((x) => x.raw('SSH-2.0-OpenSSH_9.2\r\n\r\n')),
    code: 1,
    line: /127\.0\.0\.1:[0-9]+/,
  },
  {
    name: 'a header of 40 KB',
    setup: manifestAnswer((x) => x.raw(`HTTP/1.1 200 OK\r\nx-filler: ${'a'.repeat(40_000)}\r\ncontent-length: 0\r\n\r\n`)),
    code: 1,
    line: /^resolving .*: 127\.0\.0\.1:[0-9]+ answered with more header bytes than any registry sends \(over 16 KiB\)$/,
  },
  {
    name: 'a header value with an escape sequence',
    setup: manifestAnswer((x) =>
      x.raw('HTTP/1.1 200 OK\r\ncontent-type: application/vnd.oci.image.manifest.v1+json\x1b[2J\r\ncontent-length: 2\r\n\r\n{}'),
    ),
    code: 1,
    line: /127\.0\.0\.1:[0-9]+/,
  },
  ...(
    [
      [
        'a path',
        '../../../../etc/passwd',
        /Docker-Content-Digest header "\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd" is not of the form <algorithm>:<encoded>$/,
      ],
      [
        'upper-case hex',
        `sha256:${'AB'.repeat(32)}`,
        /Docker-Content-Digest header "sha256:ABAB.*" is not sha256:<64 lower-case hex digits>$/,
      ],
      ['an unknown algorithm', `md5:${'ab'.repeat(16)}`, /uses the algorithm "md5", which is not sha256 or sha512$/],
      // A HEAD's digest cannot be checked (it has no body): what it names is verified when fetched.
      [
        'a digest of other bytes',
        `sha256:${'ab'.repeat(32)}`,
        /(Docker-Content-Digest sha256:(ab){32} is not the digest of the manifest it sent \(sha256:[0-9a-f]{64}\)|digest mismatch: expected sha256:(ab){32}, got sha256:[0-9a-f]{64})$/,
      ],
    ] as const
  ).map(
    ([what, digest, line]): SourceCase => ({
      name: `a Docker-Content-Digest that is ${what}`,
      setup: manifestAnswer((x) => {
        const m = stored(x);
        x.res
          .writeHead(200, { 'content-type': m.mediaType, 'content-length': m.bytes.length, 'docker-content-digest': digest })
          .end(m.bytes);
      }),
      code: 1,
      line,
    }),
  ),
  {
    name: 'a manifest that is not JSON',
    setup: storedAs('application/vnd.oci.image.manifest.v1+json', '<html>hello</html>'),
    code: 1,
    line: /manifest sha256:[0-9a-f]{64} is not valid JSON$/,
  },
  {
    name: 'a manifest that is JSON null',
    setup: storedAs('application/vnd.oci.image.manifest.v1+json', 'null'),
    code: 1,
    line: /manifest sha256:[0-9a-f]{64} is malformed: not a JSON object$/,
  },
  {
    name: 'a manifest of arrays nested two million deep',
    setup: storedAs('application/vnd.oci.image.manifest.v1+json', `${'['.repeat(2_000_000)}${']'.repeat(2_000_000)}`),
    code: 1,
    line: /manifest sha256:[0-9a-f]{64} is not a manifest: its JSON nests more than 64 levels deep$/,
    maxMs: 15_000,
  },
  {
    name: 'an HTML page where the manifest should be',
    setup: storedAs('text/html', '<html>login</html>'),
    code: 1,
    line: /^resolving 127\.0\.0\.1:[0-9]+\/h\/a[0-9]+(:v1|@sha256:[0-9a-f]{64}): the registry answered text\/html, which is not a manifest media type$/,
  },
  {
    name: 'a manifest whose own mediaType forges log lines',
    setup: storedAs('application/octet-stream', JSON.stringify({ mediaType: FORGED, config: {} })),
    code: 1,
    line: /the registry answered x\\x0a::add-mask::forged\\x0d\\x0a::error::forged #\\x23\[stop-commands\]tok \\x1b\]0;title\\x07\\x1b\[2J\\u\{202e\}, which is not a manifest media type$/,
  },
  {
    name: 'a 401 to the right credentials',
    setup: manifestGetAnswer((x) => x.error(401, 'UNAUTHORIZED', 'no', { 'www-authenticate': 'Basic realm="hostile"' })),
    code: 1,
    line: /401 Unauthorized \(UNAUTHORIZED: no\): the credentials for 127\.0\.0\.1:[0-9]+ \(from [^)]*\) were refused: check the user name and password or token$/,
  },
  {
    name: 'a 403 whose message forges log lines',
    setup: manifestGetAnswer((x) => x.error(403, 'DENIED', FORGED)),
    code: 1,
    line: /403 Forbidden \(DENIED: x ::add-mask::forged ::error::forged #\\x23\[stop-commands\]tok \\x1b\]0;title\\x07\\x1b\[2J\\u\{202e\}\): the credentials for .* do not allow this/,
  },
  {
    name: 'a 500 every time, with a forged message',
    setup: manifestGetAnswer((x) => x.error(500, 'UNKNOWN', FORGED)),
    code: 1,
    line: /500 Internal Server Error after 5 tries \(UNKNOWN: x ::add-mask::forged/,
  },
  {
    name: 'a 429 with Retry-After: 86400',
    setup: manifestGetAnswer((x) => x.error(429, 'TOOMANYREQUESTS', 'slow down', { 'retry-after': '86400' })),
    code: 1,
    line: /429 Too Many Requests \(TOOMANYREQUESTS: slow down\): 127\.0\.0\.1:[0-9]+ asks to wait 24 h before another try \(Retry-After\), longer than the 60 s oci-copy waits at once; try again later$/,
    maxMs: 15_000,
  },
  {
    name: 'a 503 with a Retry-After date in 2099',
    setup: manifestGetAnswer((x) => x.error(503, 'UNAVAILABLE', 'maintenance', { 'retry-after': 'Fri, 01 Jan 2099 00:00:00 GMT' })),
    code: 1,
    line: /503 Service Unavailable \(UNAVAILABLE: maintenance\): .* asks to wait [0-9]+ h before another try/,
    maxMs: 15_000,
  },
  {
    name: 'a 503 with a Retry-After that is not a time',
    setup: manifestGetAnswer((x) => x.error(503, 'UNAVAILABLE', 'x', { 'retry-after': 'soon' })),
    code: 1,
    line: /503 Service Unavailable after 5 tries/,
  },
  {
    name: 'a 404 with a forged body',
    setup: manifestGetAnswer((x) => x.error(404, 'MANIFEST_UNKNOWN', FORGED)),
    code: 1,
    line: /127\.0\.0\.1:[0-9]+\/h\/[a-z0-9]+(:v1|@sha256:[0-9a-f]{64}) not found$/,
  },
  {
    name: 'a redirect to itself, forever',
    setup: manifestAnswer(redirectTo(302, (x) => x.path)),
    code: 1,
    line: /127\.0\.0\.1:[0-9]+ redirected more than 10 times$/,
  },
  {
    name: 'a redirect to ftp://',
    setup: manifestAnswer(send(302, { location: 'ftp://127.0.0.1/x', 'content-length': 0 })),
    code: 1,
    line: /redirected to an unsupported URL scheme ftp:$/,
  },
  {
    name: 'a redirect to file:///etc/passwd',
    setup: blobAnswer(send(307, { location: 'file:///etc/passwd', 'content-length': 0 })),
    code: 1,
    line: /redirected to an unsupported URL scheme file:$/,
  },
  {
    name: 'a redirect to a Location that is not a URL',
    setup: manifestAnswer(send(302, { location: 'http://[::1', 'content-length': 0 })),
    code: 1,
    line: /127\.0\.0\.1:[0-9]+ redirected to a Location that is not a URL: "http:\/\/\[::1"$/,
  },
  {
    name: 'a manifest redirected to another host, which serves it',
    setup: manifestAnswer((x) => {
      const m = stored(x);
      x.res.writeHead(307, { location: `${world.elsewhere.url}/v2/${x.repo}/manifests/${m.digest}`, 'content-length': 0 }).end();
    }),
    code: 0,
  },
  {
    name: 'a blob redirected (303) to another host, which serves it',
    setup: blobAnswer(redirectTo(303, (x) => `${world.elsewhere.url}/v2/${x.repo}/${x.rest}`)),
    code: 0,
  },
  // --- the blob GET ---
  {
    name: 'a blob whose bytes are wrong',
    setup: blobAnswer(send(200, { 'content-length': 2000 }, Buffer.alloc(2000, 7))),
    code: 1,
    line: /fetching blob sha256:[0-9a-f]{64} from \[registry\] .*: digest mismatch: expected sha256:[0-9a-f]{64}, got sha256:[0-9a-f]{64}$/,
  },
  {
    name: 'a blob longer than its descriptor',
    setup: blobAnswer(send(200, {}, Buffer.alloc(3000, 7))),
    code: 1,
    line: /size mismatch for sha256:[0-9a-f]{64}: more than the expected 2000 bytes$/,
  },
  {
    name: 'an endless blob',
    setup: blobAnswer((x) => endless(x, Buffer.alloc(64 * 1024, 7))),
    code: 1,
    line: /size mismatch for sha256:[0-9a-f]{64}: more than the expected 2000 bytes$/,
  },
  {
    name: 'a blob that ends early, cleanly, every time',
    setup: blobAnswer(send(200, { 'content-length': 100 }, Buffer.alloc(100, 7))),
    code: 1,
    line: /the download ended after 100 of 2000 bytes/,
  },
  {
    name: 'a blob cut midway every time',
    setup: blobAnswer((x) => {
      x.res.writeHead(200, { 'content-length': 2000 });
      x.res.write(Buffer.alloc(500, 7));
      setTimeout(() => x.res.socket?.destroy(), 10);
    }),
    code: 1,
    line: /fetching blob sha256:[0-9a-f]{64} from .* after 5 tries/,
  },
  {
    name: 'a blob whose body stalls',
    setup: blobAnswer((x) => {
      x.res.writeHead(200, { 'content-length': 2000 });
      x.res.write(Buffer.alloc(10, 7));
    }),
    code: 1,
    line: /fetching blob sha256:[0-9a-f]{64}/,
    maxMs: 40_000,
  },
  {
    name: 'a resumed blob answered with another range',
    setup: blobAnswer((x) => {
      if (x.req.headers.range) {
        x.res.writeHead(206, { 'content-range': 'bytes 0-1999/2000', 'content-length': 2000 }).end(Buffer.alloc(2000, 7));
        return;
      }
      x.res.writeHead(200, { 'content-length': 2000 });
      x.res.write(Buffer.alloc(500, 7));
      setTimeout(() => x.res.socket?.destroy(), 10);
    }),
    code: 1,
    line: /the registry answered a different range$/,
  },
  {
    name: 'a blob redirected forever',
    setup: blobAnswer(redirectTo(307, (x) => `${x.path}?again`)),
    code: 1,
    line: /redirected more than 10 times$/,
  },
  {
    name: 'a blob with a 503 and Retry-After: 86400',
    setup: blobAnswer((x) => x.error(503, 'UNAVAILABLE', 'later', { 'retry-after': '86400' })),
    code: 1,
    line: /fetching blob sha256:[0-9a-f]{64} from .*: 503 Service Unavailable \(UNAVAILABLE: later\): .* asks to wait 24 h/,
    maxMs: 15_000,
  },
  {
    name: 'a blob with a 500 every time',
    setup: blobAnswer((x) => x.error(500, 'UNKNOWN', 'broken')),
    code: 1,
    line: /fetching blob sha256:[0-9a-f]{64} from .*: 500 Internal Server Error after 5 tries \(UNKNOWN: broken\)$/,
  },
  {
    name: 'a blob that is missing',
    setup: blobAnswer((x) => x.error(404, 'BLOB_UNKNOWN', FORGED)),
    code: 1,
    line: /blob sha256:[0-9a-f]{64} is not in 127\.0\.0\.1:[0-9]+\/h\/[a-z0-9]+$/,
  },
  {
    name: 'a blob sent gzip-encoded',
    setup: blobAnswer(async (x) => {
      const { gzipSync } = await import('node:zlib');
      x.res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(2000, 7)));
    }),
    code: 1,
    line: /fetching blob sha256:[0-9a-f]{64} from 127\.0\.0\.1:[0-9]+\/h\/a[0-9]+: the download ended after [0-9]+ of 2000 bytes$/,
  },
];

describe('a hostile source registry: its answers', { concurrency: 4, timeout: 180_000 }, () => {
  withWorld((w) => (world = w));

  for (const [i, c] of cases.entries()) {
    it(c.name, async () => {
      const repo = `h/a${i}`;
      const dst = `d/a${i}`;
      c.setup(world.hostile, repo, world);
      const run = await runCli(
        world,
        [
          `${world.hostile.host}/${repo}:v1`,
          `${world.front.host}/${dst}:v1`,
          '--src-creds',
          userPass(HOSTILE_CREDS),
          '--dest-creds',
          userPass(DST_CREDS),
          '--no-blob-cache',
          ...(c.args ?? []),
        ],
        { ...CASE_TIMEOUT_ENV, ...c.env },
      );
      await assertCase(world, c, run, { repo: dst, tag: 'v1' });
    });
  }
});
