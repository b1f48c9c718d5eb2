// A hostile destination: the test's own registry in front of the real one, answering the uploads,
// checks and manifest PUTs of an honest copy in bad ways (redirects, Locations elsewhere, lies,
// stalls, endless bodies, forged messages, waits no job should sleep through). Each case copies the
// honest seed image there through the CLI and asserts what every hostile case asserts; the real
// registry behind shows, through skopeo, that no tag points at incomplete content.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Exchange } from '../support/hostile-registry.js';
import {
  assertCase,
  assertActionCase,
  CASE_TIMEOUT_ENV,
  DST_CREDS,
  SRC_CREDS,
  runActionMeasured,
  runCli,
  userPass,
  withWorld,
  type HostileCase,
  type HostileWorld,
} from '../support/hostile-world.js';

let world: HostileWorld;
const FORGED = 'denied\n::add-mask::forged\r\n##[stop-commands]tok \x1b[2J\u2028::error::x';

interface DestinationCase extends HostileCase {
  /** Answers some of the destination's requests; returns true when it did. */
  answer(x: Exchange): boolean | void | Promise<boolean | void>;
  action?: boolean;
}

const isUploadPost = (x: Exchange) => x.method === 'POST' && x.rest.startsWith('blobs/uploads/');
const isUploadPut = (x: Exchange) => x.method === 'PUT' && x.rest.startsWith('blobs/uploads/');
const isManifestPut = (x: Exchange) => x.method === 'PUT' && x.rest.startsWith('manifests/');
const isHead = (kind: 'blobs' | 'manifests') => (x: Exchange) => x.method === 'HEAD' && x.rest.startsWith(`${kind}/`);

/** `when` requests get `respond`; everything else goes to the real registry. */
function on(when: (x: Exchange) => boolean, respond: (x: Exchange) => void | Promise<void>): DestinationCase['answer'] {
  return async (x) => {
    if (!when(x)) return false;
    await respond(x);
    return true;
  };
}

const redirect = (status: number, location: (x: Exchange) => string) => (x: Exchange) => {
  x.req.resume();
  x.res.writeHead(status, { location: location(x), 'content-length': 0 }).end();
};

/** A 202 opening an upload session at `location`. */
const session =
  (location: string | undefined, extra: Record<string, string> = {}) =>
  (x: Exchange) => {
    x.req.resume();
    x.res.writeHead(202, { ...(location === undefined ? {} : { location }), 'content-length': 0, ...extra }).end();
  };

/** Adds a header to whatever answer the real registry gives. */
function withHeader(x: Exchange, name: string, value: string): void {
  const original = x.res.writeHead.bind(x.res) as (status: number, headers?: Record<string, unknown>) => unknown;
  (x.res as unknown as { writeHead: unknown }).writeHead = (status: number, headers?: Record<string, unknown>) =>
    original(status, { ...(headers ?? {}), [name]: value });
}

const elsewhere = (x: Exchange) => `${world.elsewhere.url}/v2/${x.repo}/${x.rest}`;

const cases: DestinationCase[] = [
  // --- where uploads and credentials may go ---
  {
    name: 'the upload POST answered 307 to another host',
    answer: on(isUploadPost, redirect(307, elsewhere)),
    code: 1,
    line: /answered a POST with a 307 redirect to 127\.0\.0\.1:[0-9]+: refusing to send uploads or credentials anywhere but/,
    action: true,
  },
  {
    name: 'the upload PUT answered 308 to another host',
    answer: on(isUploadPut, redirect(308, elsewhere)),
    code: 1,
    line: /answered a PUT with a 308 redirect to 127\.0\.0\.1:[0-9]+: refusing/,
  },
  {
    name: 'the manifest PUT answered 302 to another host',
    answer: on(isManifestPut, redirect(302, elsewhere)),
    code: 1,
    line: /answered a PUT with a 302 redirect to 127\.0\.0\.1:[0-9]+: refusing/,
  },
  {
    name: 'an upload Location on another host',
    answer: on(isUploadPost, (x) => session(`${world.elsewhere.url}/v2/${x.repo}/blobs/uploads/x`)(x)),
    code: 1,
    line: /the registry sent the upload to another host \(127\.0\.0\.1:[0-9]+\); refusing$/,
  },
  {
    name: 'an upload Location that is file:///etc/passwd',
    answer: on(isUploadPost, session('file:///etc/passwd')),
    code: 1,
    line: /the registry sent the upload to another host \(\); refusing$/,
  },
  {
    name: 'an upload Location that is not a URL',
    answer: on(isUploadPost, session('http://[::1')),
    code: 1,
    line: /the registry sent an upload Location that is not a URL$/,
  },
  {
    name: 'an upload session without a Location',
    answer: on(isUploadPost, session(undefined)),
    code: 1,
    line: /the registry opened an upload session without a Location/,
  },
  {
    name: 'a chunk Location on another host',
    answer: async (x) => {
      if (isUploadPost(x)) {
        // The real registry opens the session; the answer asks for chunks.
        withHeader(x, 'oci-chunk-min-length', '1024');
        await x.honest();
        return true;
      }
      if (x.method !== 'PATCH') return false;
      x.req.resume();
      x.req.on('end', () =>
        x.res.writeHead(202, { location: `${world.elsewhere.url}/v2/${x.repo}/blobs/uploads/y`, 'content-length': 0 }).end(),
      );
      return true;
    },
    code: 1,
    line: /the registry sent the upload to another host \(127\.0\.0\.1:[0-9]+\); refusing$/,
  },
  {
    name: 'a registry asking for chunks of 2^53 bytes (capped at 16 MiB)',
    answer: async (x) => {
      if (!isUploadPost(x)) return false;
      withHeader(x, 'oci-chunk-min-length', String(2 ** 53));
      await x.honest();
      return true;
    },
    code: 0,
  },
  // --- lies ---
  {
    name: 'every blob HEAD says "there" (it is not)',
    answer: on(isHead('blobs'), (x) => void x.res.writeHead(200, { 'content-length': 0 }).end()),
    code: 0,
  },
  {
    name: 'the root manifest HEAD says "there" (it is not)',
    answer: on(isHead('manifests'), (x) => void x.res.writeHead(200, { 'content-length': 0 }).end()),
    code: 1,
    line: /^tagging sha256:[0-9a-f]{64} as v1 in \[registry\] .*: 127\.0\.0\.1:[0-9]+\/d\/x[0-9]+@sha256:[0-9a-f]{64} not found$/,
  },
  {
    name: 'every upload PUT says 201 but stores nothing',
    answer: on(isUploadPut, (x) => {
      x.req.resume();
      x.req.on('end', () => x.res.writeHead(201, { 'content-length': 0 }).end());
    }),
    code: 1,
    line: /pushing manifest sha256:[0-9a-f]{64} to .*: 400 Bad Request \(MANIFEST_BLOB_UNKNOWN: blob unknown to registry\)$/,
  },
  {
    name: 'an upload POST answered 200 instead of 202',
    answer: on(isUploadPost, (x) => void x.res.writeHead(200, { 'content-length': 0 }).end()),
    code: 1,
    line: /pushing blob sha256:[0-9a-f]{64} to .*: 200 OK$/,
  },
  // --- errors, waits and stalls ---
  {
    name: 'a blob HEAD answered 429 with Retry-After: 86400',
    answer: on(isHead('blobs'), (x) => x.error(429, 'TOOMANYREQUESTS', 'slow down', { 'retry-after': '86400' })),
    code: 1,
    line: /checking blob sha256:[0-9a-f]{64} in .*: 429 Too Many Requests: 127\.0\.0\.1:[0-9]+ asks to wait 24 h before another try \(Retry-After\), longer than the 60 s oci-copy waits at once; try again later$/,
    maxMs: 15_000,
    action: true,
  },
  {
    name: 'the manifest PUT answered 503 with Retry-After: 100000',
    answer: on(isManifestPut, (x) => x.error(503, 'UNAVAILABLE', 'later', { 'retry-after': '100000' })),
    code: 1,
    line: /asks to wait 28 h before another try/,
    maxMs: 15_000,
  },
  {
    name: 'a blob HEAD answered 500 every time',
    answer: on(isHead('blobs'), (x) => x.error(500, 'UNKNOWN', 'broken')),
    code: 1,
    line: /checking blob sha256:[0-9a-f]{64} in .*: 500 Internal Server Error after 5 tries$/,
  },
  {
    name: 'a 403 whose message forges log lines',
    answer: on(isUploadPost, (x) => x.error(403, 'DENIED', FORGED)),
    code: 1,
    line: /403 Forbidden \(DENIED: denied ::add-mask::forged #\\x23\[stop-commands\]tok \\x1b\[2J ::error::x\): the credentials for 127\.0\.0\.1:[0-9]+ \(from [^)]*\) do not allow this: check what the account may do$/,
    action: true,
  },
  {
    name: 'a 401 to the upload with the right credentials',
    answer: on(isUploadPost, (x) => x.error(401, 'UNAUTHORIZED', 'no', { 'www-authenticate': 'Basic realm="x"' })),
    code: 1,
    line: /401 Unauthorized \(UNAUTHORIZED: no\): the credentials for 127\.0\.0\.1:[0-9]+ \(from [^)]*\) were refused: check the user name and password or token$/,
  },
  {
    name: 'an error body that never ends',
    answer: on(isManifestPut, (x) => {
      x.req.resume();
      x.res.writeHead(400, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 32);
      const pump = () => {
        while (x.res.write(chunk));
      };
      x.res.on('drain', pump);
      pump();
    }),
    code: 1,
    // The body of a 400 is read to tell an HTTPS server's complaint; one that never ends is refused.
    line: /pushing manifest sha256:[0-9a-f]{64} to .*: response from 127\.0\.0\.1:[0-9]+ is larger than 65536 bytes$/,
  },
  {
    name: 'the upload PUT cut every time',
    answer: on(isUploadPut, (x) => {
      x.req.once('data', () => x.req.socket.destroy());
    }),
    code: 1,
    line: /pushing blob sha256:[0-9a-f]{64} to .* after [0-9]+ tries$/,
  },
  {
    name: 'the manifest PUT never answered',
    answer: on(isManifestPut, (x) => void x.req.resume()),
    code: 1,
    line: /pushing manifest sha256:[0-9a-f]{64} to .*: .*did not answer within 1 s/,
    maxMs: 40_000,
  },
  {
    name: 'a blob HEAD redirected forever',
    answer: on(
      isHead('blobs'),
      redirect(307, (x) => `${x.path}?again`),
    ),
    code: 1,
    line: /redirected more than 10 times$/,
  },
  {
    name: 'a blob HEAD redirected to another host (which has no such blob)',
    answer: on(isHead('blobs'), redirect(307, elsewhere)),
    code: 0,
    check: () =>
      assert.ok(
        world.elsewhere.requests().some((r) => r.method === 'HEAD'),
        'the HEAD followed the redirect, without credentials',
      ),
  },
  {
    name: 'a header of 100 KB',
    answer: on(isUploadPost, (x) => x.raw(`HTTP/1.1 202 Accepted\r\nx-filler: ${'a'.repeat(100_000)}\r\ncontent-length: 0\r\n\r\n`)),
    code: 1,
    line: /pushing blob sha256:[0-9a-f]{64} to .*: 127\.0\.0\.1:[0-9]+ answered with more header bytes than any registry sends \(over 16 KiB\)$/,
  },
];

describe('a hostile destination registry', { concurrency: 4, timeout: 180_000 }, () => {
  withWorld((w) => (world = w));

  for (const [i, c] of cases.entries()) {
    it(c.name, async () => {
      const repo = `d/x${i}`;
      world.hostile.forward(repo, c.answer);
      const run = await runCli(
        world,
        [
          world.seed,
          `${world.hostile.host}/${repo}:v1`,
          '--src-creds',
          userPass(SRC_CREDS),
          '--dest-creds',
          userPass(DST_CREDS),
          '--no-blob-cache',
          ...(c.args ?? []),
        ],
        { ...CASE_TIMEOUT_ENV, ...c.env },
      );
      await assertCase(world, c, run, { repo, tag: 'v1' });
    });
  }

  for (const [i, c] of cases.entries()) {
    if (!c.action) continue;
    it(`${c.name}, as the bundled action`, async () => {
      const repo = `d/xa${i}`;
      world.hostile.forward(repo, c.answer);
      const run = await runActionMeasured(world, {
        source: world.seed,
        destination: `${world.hostile.host}/${repo}:v1`,
        'source-username': SRC_CREDS.user,
        'source-password': SRC_CREDS.password,
        'destination-username': DST_CREDS.user,
        'destination-password': DST_CREDS.password,
        'blob-cache': 'false',
      });
      await assertActionCase(world, c, run, { repo, tag: 'v1' });
    });
  }
});
