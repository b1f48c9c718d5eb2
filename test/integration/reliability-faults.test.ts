// A multi-platform copy through a proxy that breaks one kind of request at a time: each fault either
// heals (the copy lands, verified by skopeo) or fails with one line naming operation and place, and
// leaves no destination tag.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { copy } from '../../src/api/copy.js';
import { parseReference, type RegistryReference } from '../../src/oci/reference.js';
import { HttpClient, type RetryPolicy, type Timeouts } from '../../src/targets/registry/http.js';
import { openRegistryRepository } from '../../src/targets/registry/repository.js';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/fault-proxy.js';
import { makeImageLayout, pushLayoutWithSkopeo, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { skopeoInspectRaw, skopeoPullAllBlobs } from '../support/skopeo.js';

/** For the faults that stall: short, so a silent registry is given up on quickly. */
const STALL_TIMEOUTS: Timeouts = { headersMs: 400, bodyIdleMs: 400, connectMs: 1000 };
/** For every other fault: long enough that a loaded machine's slow answer is not another fault, so
 *  the tests can count the requests that the fault alone caused. */
const TIMEOUTS: Timeouts = { headersMs: 10_000, bodyIdleMs: 10_000, connectMs: 10_000 };
/** Fast backoff (≤ 20 ms), but a `Retry-After` of 1 s is waited for in full: long enough to tell apart. */
const RETRY: Partial<RetryPolicy> = { maxTries: 5, baseDelayMs: 5, minDelayMs: 1, maxDelayMs: 20, maxWaitMs: 1000, maxTotalMs: 10_000 };

describe('copies through a faulty network', () => {
  let registry: TestRegistry;
  let proxy: FaultProxy;
  let work: string;
  let image: ImageLayout;
  let layer: string;
  let repoCount = 0;
  const failures: string[] = [];

  before(async () => {
    registry = await startRegistry();
    proxy = await startFaultProxy(registry.url);
    work = await mkdtemp(join(tmpdir(), 'oci-copy-faults-'));
    image = await makeImageLayout(join(work, 'seed'), {
      tag: 'v1',
      sharedLayers: { base: { size: 60_000, seed: 'fault-base' } },
      platforms: [
        { os: 'linux', architecture: 'amd64', layers: ['base', { size: 30_000 }] },
        { os: 'linux', architecture: 'arm64', layers: ['base', { size: 20_000 }] },
      ],
    });
    await pushLayoutWithSkopeo(image.dir, 'v1', `${registry.host}/src/app`);
    layer = image.manifests[0].layers[0].digest;
  });

  afterEach(() => proxy.reset());

  after(async () => {
    for (const f of failures) console.log(`# failure line: ${f}`);
    await proxy?.stop();
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** Copies `src/app:v1` to a fresh repository, both sides through the proxy, without mounts (so blobs move). */
  async function copyThroughProxy(concurrency = 4, retry = RETRY, timeouts = TIMEOUTS): Promise<{ repo: string; result: Promise<string> }> {
    const repo = `dst/n${++repoCount}`;
    const srcRef = parseReference(`${proxy.host}/src/app:v1`) as RegistryReference;
    const dstRef = parseReference(`${proxy.host}/${repo}:v1`) as RegistryReference;
    const http = new HttpClient({ timeouts, retry });
    const src = openRegistryRepository(srcRef, { http });
    const dst = openRegistryRepository(dstRef, { http });
    const result = copy(src, srcRef, dst, dstRef, { mount: false, concurrency })
      .then((root) => root.digest)
      .finally(() => http.close());
    return { repo, result };
  }

  async function assertLanded(repo: string): Promise<void> {
    const raw = await skopeoInspectRaw(`docker://${registry.host}/${repo}:v1`);
    assert.equal(JSON.parse(raw).manifests.length, 2);
    const pulled = await skopeoPullAllBlobs(`docker://${registry.host}/${repo}:v1`);
    await rm(pulled, { recursive: true, force: true });
  }

  async function assertNoTag(repo: string): Promise<void> {
    const res = await fetch(`${registry.url}/v2/${repo}/manifests/v1`, {
      method: 'HEAD',
      headers: { accept: 'application/vnd.oci.image.index.v1+json,application/vnd.oci.image.manifest.v1+json' },
    });
    assert.equal(res.status, 404, `${repo}:v1 must not exist after a failed copy`);
  }

  async function expectHealed(repo: string, result: Promise<string>): Promise<void> {
    assert.equal(await result, image.root.digest);
    assert.ok(proxy.fired().length > 0, 'the fault fired');
    await assertLanded(repo);
  }

  async function expectCleanFailure(repo: string, result: Promise<string>, message: RegExp): Promise<void> {
    await assert.rejects(result, (err: Error) => {
      assert.doesNotMatch(err.message, /\n/, 'one line');
      assert.match(err.message, message);
      failures.push(err.message);
      return true;
    });
    assert.ok(proxy.fired().length > 0, 'the fault fired');
    await assertNoTag(repo);
  }

  const blobPath = (side: 'src' | 'dst', digest = 'sha256:') =>
    new RegExp(`^/v2/${side === 'src' ? 'src/app' : 'dst/n[0-9]+'}/blobs/${digest}`);
  const kinds: Array<{ name: string; method: string; path: () => RegExp }> = [
    { name: 'HEAD blob', method: 'HEAD', path: () => blobPath('dst') },
    { name: 'GET blob', method: 'GET', path: () => blobPath('src') },
    { name: 'HEAD manifest', method: 'HEAD', path: () => /^\/v2\/dst\/n[0-9]+\/manifests\// },
    { name: 'GET manifest', method: 'GET', path: () => /^\/v2\/src\/app\/manifests\// },
    { name: 'POST upload', method: 'POST', path: () => /^\/v2\/dst\/n[0-9]+\/blobs\/uploads\/$/ },
    { name: 'PUT blob', method: 'PUT', path: () => /^\/v2\/dst\/n[0-9]+\/blobs\/uploads\/.*digest=/ },
    { name: 'PUT manifest', method: 'PUT', path: () => /^\/v2\/dst\/n[0-9]+\/manifests\// },
  ];

  for (const kind of kinds) {
    for (const [status, retryAfter] of [
      [503, '0'],
      [429, '1'],
    ] as const) {
      it(`heals a ${status} with Retry-After: ${retryAfter} on ${kind.name}`, async () => {
        proxy.addFault({ method: kind.method, path: kind.path(), fault: { kind: 'status', status, retryAfter } });
        // One transfer at a time, so the next request of this kind is the one tried again.
        const { repo, result } = await copyThroughProxy(1);
        await expectHealed(repo, result);
        const fired = proxy.fired()[0];
        const log = proxy.requests();
        const next = log.find((r) => r.at >= fired.at && r.method === fired.method && kind.path().test(r.path) && !r.fault);
        assert.ok(next, 'the request was tried again');
        if (retryAfter === '1') assert.ok(next.at - fired.at >= 900, `waited for Retry-After (${next.at - fired.at} ms)`);
      });
    }
  }

  it('heals a connection reset mid-upload: asks the session where it stands and goes on there (or on a new one when it is gone), the blob verified', async () => {
    proxy.addFault({
      method: 'PUT',
      path: /^\/v2\/dst\/n[0-9]+\/blobs\/uploads\/.*digest=/,
      fault: { kind: 'reset-request', afterBytes: 10_000 },
    });
    const { repo, result } = await copyThroughProxy();
    await expectHealed(repo, result);
    const log = proxy.requests();
    const cut = log.findIndex((r) => r.fault === 'reset-request');
    const session = log[cut].path.split('?')[0];
    const asked = log.findIndex((r, i) => i > cut && r.method === 'GET' && r.path.startsWith(`${session}?`));
    assert.ok(asked > cut, 'the session was asked for its offset');
    const onSession = log.filter((r, i) => i > asked && r.path.startsWith(`${session}?`));
    // The blob whose upload was cut, and the session its last, accepted PUT went to.
    const digest = new URL(log[cut].path, 'http://x').searchParams.get('digest');
    const finished = log.filter(
      (r) => r.method === 'PUT' && r.status === 201 && new URL(r.path, 'http://x').searchParams.get('digest') === digest,
    );
    assert.equal(finished.length, 1, 'the cut blob was finished once');
    const finishedOn = finished[0].path.split('?')[0];
    if (log[asked].status === 204) {
      // Distribution had kept none of the cut bytes: the blob went on in chunks on the same session.
      assert.ok(
        onSession.some((r) => r.method === 'PATCH'),
        'chunks on the same session',
      );
      assert.equal(finishedOn, session, 'finished on the same session');
    } else {
      assert.notEqual(finishedOn, session, 'the session was gone: finished on a new one');
      const opened = log.findIndex((r, i) => i > cut && r.method === 'POST' && r.status === 202);
      assert.ok(opened > cut, 'a new session was opened after the cut');
    }
  });

  it('switches to chunked uploads when a blob PUT is refused with 413', async () => {
    proxy.addFault({
      method: 'PUT',
      path: /^\/v2\/dst\/n[0-9]+\/blobs\/uploads\/.*digest=/,
      fault: { kind: 'status', status: 413, body: '' },
    });
    const { repo, result } = await copyThroughProxy();
    await expectHealed(repo, result);
    const patches = proxy.requests().filter((r) => r.method === 'PATCH');
    assert.ok(patches.length >= 1, 'later blobs went up in PATCH chunks');
    assert.ok(
      patches.every((r) => /^[0-9]+-[0-9]+$/.test(String(r.headers['content-range']))),
      'each chunk says its range',
    );
  });

  it('heals a connection reset mid-download by resuming with Range', async () => {
    proxy.addFault({ method: 'GET', path: blobPath('src', layer), fault: { kind: 'reset-response', afterBytes: 10_000 } });
    const { repo, result } = await copyThroughProxy();
    await expectHealed(repo, result);
    const gets = proxy.requests().filter((r) => r.method === 'GET' && r.path.endsWith(layer));
    assert.equal(gets.length, 2);
    assert.match(String(gets[1].headers.range), /^bytes=[1-9][0-9]*-$/);
  });

  it('heals a truncated blob body', async () => {
    proxy.addFault({ method: 'GET', path: blobPath('src', layer), fault: { kind: 'truncate', bytes: 7_000 } });
    const { repo, result } = await copyThroughProxy();
    await expectHealed(repo, result);
  });

  it('heals a truncated manifest body', async () => {
    proxy.addFault({ method: 'GET', path: /^\/v2\/src\/app\/manifests\/sha256:/, fault: { kind: 'truncate', bytes: 100 } });
    const { repo, result } = await copyThroughProxy();
    await expectHealed(repo, result);
  });

  it('heals a response that never starts', async () => {
    proxy.addFault({ method: 'HEAD', path: blobPath('dst'), fault: { kind: 'stall', after: 'nothing' } });
    const { repo, result } = await copyThroughProxy(4, RETRY, STALL_TIMEOUTS);
    await expectHealed(repo, result);
  });

  it('heals an upload the registry never answers', async () => {
    proxy.addFault({ method: 'PUT', path: /^\/v2\/dst\/n[0-9]+\/blobs\/uploads\/.*digest=/, fault: { kind: 'stall', after: 'nothing' } });
    const { repo, result } = await copyThroughProxy(4, RETRY, STALL_TIMEOUTS);
    await expectHealed(repo, result);
  });

  it('heals a body that stalls after the headers', async () => {
    proxy.addFault({ method: 'GET', path: blobPath('src', layer), fault: { kind: 'stall', after: 'headers' } });
    const { repo, result } = await copyThroughProxy(4, RETRY, STALL_TIMEOUTS);
    await expectHealed(repo, result);
  });

  it('pushes children again when the registry lost one (MANIFEST_BLOB_UNKNOWN), then the manifest once more', async () => {
    proxy.addFault({ method: 'HEAD', path: blobPath('dst', layer), times: Infinity, fault: { kind: 'lie-exists' } });
    const { repo, result } = await copyThroughProxy();
    await expectHealed(repo, result);
    const manifestPuts = proxy.requests().filter((r) => r.method === 'PUT' && r.path.includes('/manifests/sha256:'));
    assert.ok(
      manifestPuts.some((r) => r.status === 400),
      'the registry refused the manifest once',
    );
    assert.ok(
      proxy.requests().some((r) => r.method === 'PUT' && r.path.includes('/blobs/uploads/') && r.path.includes(encodeURIComponent(layer))),
      'the lost layer was pushed',
    );
  });

  // Distribution rewrites a link file by truncating it first: a manifest PUT that reads a child's link
  // another writer is rewriting answers 400 DIGEST_INVALID for bytes whose digest is right.
  const misread: Fault = {
    kind: 'status',
    status: 400,
    body: JSON.stringify({ errors: [{ code: 'DIGEST_INVALID', message: 'provided digest did not match uploaded content' }] }),
  };

  it('sends a manifest again, a moment later, when the registry misreads its storage (400 DIGEST_INVALID twice)', async () => {
    proxy.addFault({ method: 'PUT', path: /^\/v2\/dst\/n[0-9]+\/manifests\/v1$/, times: 2, fault: misread });
    const { repo, result } = await copyThroughProxy();
    await expectHealed(repo, result);
    const tagPuts = proxy.requests().filter((r) => r.method === 'PUT' && r.path.endsWith('/manifests/v1'));
    assert.deepEqual(
      tagPuts.map((r) => r.status),
      [400, 400, 201],
    );
  });

  it('fails cleanly when the registry answers every manifest PUT with DIGEST_INVALID', async () => {
    proxy.addFault({ method: 'PUT', path: /^\/v2\/dst\/n[0-9]+\/manifests\//, times: Infinity, fault: misread });
    const { repo, result } = await copyThroughProxy();
    await expectCleanFailure(
      repo,
      result,
      new RegExp(
        `^pushing manifest sha256:[0-9a-f]{64} to ${proxy.host}/${repo}: 400 Bad Request \\(DIGEST_INVALID: provided digest did not match uploaded content\\)$`,
      ),
    );
    const tries = new Map<string, number>();
    for (const r of proxy.requests().filter((r) => r.method === 'PUT' && r.path.includes('/manifests/')))
      tries.set(r.path, (tries.get(r.path) ?? 0) + 1);
    // The manifest that failed first was tried five times; one pushed beside it stopped with the copy.
    assert.equal(Math.max(...tries.values()), 5, 'five tries, then no more');
  });

  const always = (method: string, path: RegExp, fault: Fault) => ({ method, path, times: Infinity, fault });

  it('fails cleanly when manifest pushes keep answering 503', async () => {
    proxy.addFault(always('PUT', /^\/v2\/dst\/n[0-9]+\/manifests\//, { kind: 'status', status: 503, retryAfter: '0' }));
    const { repo, result } = await copyThroughProxy();
    await expectCleanFailure(
      repo,
      result,
      new RegExp(`^pushing manifest sha256:[0-9a-f]{64} to ${proxy.host}/${repo}: 503 Service Unavailable after 5 tries`),
    );
  });

  it('fails cleanly when blob uploads keep answering 503', async () => {
    proxy.addFault(always('PUT', /^\/v2\/dst\/n[0-9]+\/blobs\/uploads\/.*digest=/, { kind: 'status', status: 503, retryAfter: '0' }));
    const { repo, result } = await copyThroughProxy();
    await expectCleanFailure(
      repo,
      result,
      new RegExp(
        `^pushing blob sha256:[0-9a-f]{64} to ${proxy.host}/${repo}: 503 Service Unavailable \\(UNAVAILABLE: injected fault\\) after [0-9]+ tries$`,
      ),
    );
  });

  it('fails cleanly when every upload is cut', async () => {
    proxy.addFault(always('PUT', /^\/v2\/dst\/n[0-9]+\/blobs\/uploads\/.*digest=/, { kind: 'reset-request', afterBytes: 100 }));
    const { repo, result } = await copyThroughProxy();
    await expectCleanFailure(repo, result, new RegExp(`^pushing blob sha256:[0-9a-f]{64} to ${proxy.host}/${repo}: .*${proxy.host}`));
  });

  it('fails cleanly, naming the host, when a source manifest never answers', async () => {
    proxy.addFault(always('GET', /^\/v2\/src\/app\/manifests\/sha256:/, { kind: 'stall', after: 'nothing' }));
    // undici checks header timeouts about once a second: each silent try costs up to 1 s here.
    const started = Date.now();
    const { repo, result } = await copyThroughProxy(4, { ...RETRY, maxTries: 2 }, STALL_TIMEOUTS);
    await expectCleanFailure(
      repo,
      result,
      new RegExp(
        `^fetching manifest sha256:[0-9a-f]{64} from ${proxy.host}/src/app: ${proxy.host} did not answer within 0.4 s after 2 tries$`,
      ),
    );
    assert.ok(Date.now() - started < 8000, 'bounded time');
  });
});
