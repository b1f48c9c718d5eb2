// requests-per-second at a real registry: the requests of a copy arrive spaced, seen by a front
// that records when each one came (it forwards everything untouched).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openRegistryRepository, RequestRate } from '../../src/targets/registry/index.js';
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
    // Nine gaps of 200 ms: 1.8 s from the first to the last. The first request also opens the
    // connection and so arrives late: a tenth of slack (unlimited, the ten take a few milliseconds).
    const span = arrivals[9] - arrivals[0];
    assert.ok(span >= 1600, `10 requests at 5 a second arrived within ${span} ms`);
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]);
    assert.ok(
      gaps.every((g) => g >= 100),
      `each request waits for its slot: gaps ${gaps.join(', ')} ms`,
    );
    // The registry answered all of them: the rate holds requests, it drops none.
    const seen = await registry.settledRequests();
    assert.equal(seen.filter((r) => r.method === 'HEAD' && r.path.startsWith('/v2/lib/app/manifests/t')).length, 10);
  });
});
