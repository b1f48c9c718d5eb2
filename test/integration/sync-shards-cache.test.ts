// Two workflow runs of a sync spread over two shards, on fresh runners that share nothing but the
// Actions cache service (the emulator, driven by the real @actions/cache): each shard saves its
// blob-info cache under a key of its own, and a shard of the next run restores what both learnt,
// so it mounts even the blobs the other shard moved, and uploads none.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { shardOf } from '../../src/plan/plan.js';
import { freshRunner, startCacheService, type CacheService } from '../support/cache-service.js';
import { makeImageLayout, pushImageOverHttp } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { runAction } from '../support/run-action.js';

const TAGS = ['1', '2', '3', '4', '5', '6'];

describe('the blob-info caches of a sharded sync, across two runs', () => {
  let work: string;
  let src: TestRegistry;
  let dst: TestRegistry;
  let service: CacheService;
  let runnerTemp: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-shard-cache-'));
    runnerTemp = join(work, 'runner-temp');
    [src, dst, service] = await Promise.all([startRegistry(), startRegistry(), startCacheService()]);
    for (const tag of TAGS) {
      const image = await makeImageLayout(join(work, `img-${tag}`), {
        tag,
        platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 20_000, seed: `layer-${tag}` }] }],
      });
      await pushImageOverHttp(image, src.url, 'lib/app', tag);
    }
  });

  after(async () => {
    await Promise.all([src?.stop(), dst?.stop(), service?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  const runner = (runId: string) => freshRunner(service, runnerTemp, work, runId);

  const list = (prefix: string) => `- source: ${src.host}/lib/app\n  destination: ${dst.host}/${prefix}/`;
  /** The shard (of 2) an image of the list lands in, as the plan decides. */
  const shardOfTag = (prefix: string, tag: string) => shardOf(`${src.host}/lib/app:${tag} => ${dst.host}/${prefix}/lib/app:${tag}`, 2);

  it('a shard of the second run restores both shards of the first, and mounts what either moved', async () => {
    // Names decide shards (and ports are random): a first-run prefix that gives each shard an image.
    const first = Array.from({ length: 50 }, (_, i) => `first${i}`).find((p) =>
      [1, 2].every((k) => TAGS.some((t) => shardOfTag(p, t) === k)),
    )!;
    for (const shard of ['1/2', '2/2']) {
      const run = await runAction({ images: list(first), shard, 'blob-cache-key': 'mirror' }, await runner('301'));
      assert.equal(run.code, 0, run.stdout + run.stderr);
    }
    const saved = service
      .entries()
      .filter((e) => e.finalized)
      .map((e) => e.key)
      .sort();
    assert.deepEqual(saved, ['mirror-shard1of2-301-1', 'mirror-shard2of2-301-1']);

    // A second-run prefix whose shard 1 takes images that each shard of the first run copied.
    const firstShard = new Map(TAGS.map((t) => [t, shardOfTag(first, t)]));
    const prefix = Array.from({ length: 50 }, (_, i) => `second${i}`).find((p) => {
      const mine = TAGS.filter((t) => shardOfTag(p, t) === 1);
      return mine.some((t) => firstShard.get(t) === 1) && mine.some((t) => firstShard.get(t) === 2);
    });
    assert.ok(prefix, 'some prefix splits the images across the first run’s shards');

    await dst.resetRequests();
    service.resetRequests();
    const second = await runAction({ images: list(prefix), shard: '1/2', 'blob-cache-key': 'mirror' }, await runner('302'));
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.match(
      second.stdout,
      /Restored blob-info cache mirror-shard(1|2)of2-301-1, mirror-shard(2|1)of2-301-1: \d+ known blob locations/,
    );
    assert.match(second.stdout, /Restored blob-info cache mirror-shard1of2-301-1, /, 'its own shard first');
    const downloads = service.requests().filter((r) => r.operation === 'GetBlob');
    assert.equal(downloads.length, 2, 'one download per shard, none twice');
    const log = (await dst.settledRequests()).filter((r) => r.path.startsWith(`/v2/${prefix}/`));
    assert.deepEqual(
      log.filter((r) => r.method === 'PUT' && r.path.includes('/blobs/uploads/')),
      [],
      'no blob uploaded',
    );
    assert.ok(
      log.some((r) => r.method === 'POST' && r.path.includes('mount=') && r.status === 201),
      'blobs mounted',
    );
    assert.match(second.summary, /saved as mirror-shard1of2-302-1/);
  });
});
