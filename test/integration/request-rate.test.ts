// requests-per-second at a real registry: the requests of a copy arrive spaced, seen by a front
// that records when each one came (it forwards everything untouched).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Transform } from 'node:stream';
import { openRegistryRepository, RegistryClient, RequestRate } from '../../src/targets/registry/index.js';
import { pushScope } from '../../src/targets/registry/auth.js';
import { uploadOnSession } from '../../src/targets/registry/upload.js';
import { discard } from '../../src/targets/registry/http.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { makeImageLayout, pushImageOverHttp } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { addTags } from '../support/tag-pages.js';

describe('requests per second', () => {
  let registry: TestRegistry;
  let front: FaultProxy;
  let work: string;
  const tags = Array.from({ length: 10 }, (_, i) => `t${i}`);

  before(async () => {
    registry = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'oci-copy-rate-'));
    const image = await makeImageLayout(join(work, 'img'), {
      tag: 't0',
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 500 }] }],
    });
    await pushImageOverHttp(image, registry.url, 'lib/app', 't0');
    await addTags(registry.url, 'lib/app', 't0', tags.slice(1));
    front = await startFaultProxy(registry.url);
  });
  after(async () => {
    await front?.stop();
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('spaces the requests to a host 1/N s apart, however many are asked at once', async () => {
    const rate = new RequestRate(5);
    const repo = openRegistryRepository(
      { transport: 'registry', registry: front.host, repository: 'lib/app', tags: [] },
      { requestRate: rate },
    );
    front.reset();
    try {
      // Ten HEADs asked for together: the rate, not the pool, decides when each goes.
      const found = await Promise.all(tags.map((t) => repo.readTag(t)));
      assert.ok(found.every((d) => d !== undefined));
    } finally {
      await repo.close('success');
    }
    const arrivals = front
      .requests()
      .filter((r) => r.method === 'HEAD')
      .map((r) => r.at)
      .sort((a, b) => a - b);
    assert.equal(arrivals.length, 10);
    // Slots 200 ms apart. The first request also opens a connection, and on a loaded machine
    // arrives late, closer to the second: its gap is not counted. From the second to the last, eight
    // gaps of 200 ms, with an eighth of slack (unlimited, the ten take a few milliseconds).
    const span = arrivals[9] - arrivals[1];
    assert.ok(span >= 1400, `9 requests at 5 a second arrived within ${span} ms`);
    const gaps = arrivals.slice(2).map((t, i) => t - arrivals[i + 1]);
    assert.ok(
      gaps.every((g) => g >= 100),
      `each request waits for its slot: gaps ${gaps.join(', ')} ms`,
    );
    // The registry answered all of them: the rate holds requests, it drops none.
    const seen = await registry.settledRequests();
    assert.equal(seen.filter((r) => r.method === 'HEAD' && r.path.startsWith('/v2/lib/app/manifests/t')).length, 10);
  });

  it('a blob whose content fails while its PUT waits for a slot fails the upload, and nothing escapes it', async () => {
    // The PUT of a whole blob waits for the host's next slot; its content breaks off meanwhile (a
    // download cut for good, bytes that do not match their digest). The stream the request would
    // take as its body had no listener yet: the failure ended the process instead of the upload.
    const escaped: unknown[] = [];
    const onEscape = (err: unknown) => escaped.push(err);
    process.on('uncaughtException', onEscape);
    const client = new RegistryClient(registry.host, { requestRate: new RequestRate(2) });
    try {
      const opened = await client.send({ method: 'POST', url: client.url('/v2/rate/broken/blobs/uploads/') }, [pushScope('rate/broken')]);
      assert.equal(opened.status, 202);
      const session = new URL(opened.headers.location as string, registry.url);
      await discard(opened);
      const content = new Transform({ transform: (chunk, _enc, done) => done(null, chunk) });
      content.on('error', () => {});
      content.write(Buffer.alloc(100));
      setTimeout(() => content.destroy(new Error('the source broke off')), 50);
      const desc = { mediaType: 'application/octet-stream', digest: `sha256:${'a'.repeat(64)}`, size: 200 };
      await assert.rejects(
        uploadOnSession(client, session, desc, content, {
          scopes: [pushScope('rate/broken')],
          mode: { chunked: false, chunkBytes: 4 << 20 },
          operation: 'pushing blob',
          resume: { from: async () => content, resumed: () => {} },
        }),
      );
      // A moment for anything left behind to surface.
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      process.off('uncaughtException', onEscape);
      await client.close('failure');
    }
    assert.deepEqual(escaped, []);
  });
});
