import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isManifest } from '../../src/oci/media-types.js';
import { freshRunner, startCacheService, type CacheService } from '../support/cache-service.js';
import { makeImageLayout, pushLayoutWithSkopeo, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { runAction } from '../support/run-action.js';
import { skopeoPullAllBlobs } from '../support/skopeo.js';

interface BlobOutput {
  digest: string;
  mediaType: string;
  action: string;
  from?: string;
}

/**
 * Two workflow runs on two fresh runners that share nothing but the Actions cache service: the
 * second learns from the first where the blobs already are on the destination registry.
 */
describe('the blob-info cache carried between workflow runs', () => {
  let work: string;
  let image: ImageLayout;
  let source: TestRegistry;
  let destination: TestRegistry;
  let service: CacheService;
  // Hosted runners keep RUNNER_TEMP at one path every run, and the cache version hashes that path.
  let runnerTemp: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-cache-runs-'));
    runnerTemp = join(work, 'runner-temp');
    image = await makeImageLayout(join(work, 'seed'), {
      tag: 'v1',
      sharedLayers: { base: { size: 100_000 } },
      platforms: [
        { os: 'linux', architecture: 'amd64', layers: ['base', { size: 30_000 }] },
        { os: 'linux', architecture: 'arm64', layers: ['base', { size: 40_000 }] },
      ],
    });
    [source, destination, service] = await Promise.all([startRegistry(), startRegistry(), startCacheService()]);
    await pushLayoutWithSkopeo(image.dir, 'v1', `${source.host}/upstream/app`);
  });

  after(async () => {
    await Promise.all([source?.stop(), destination?.stop(), service?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  const runner = (runId: string) => freshRunner(service, runnerTemp, work, runId);

  const blobs = (image: ImageLayout) => image.blobs.filter((b) => !isManifest(b.mediaType));

  it('the second run mounts every blob from where the first put it, uploading none', async () => {
    const first = await runAction(
      { source: `${source.host}/upstream/app:v1`, destination: `${destination.host}/mirror/app:v1`, 'blob-cache-key': 'blobs' },
      await runner('101'),
    );
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const firstBlobs = JSON.parse(first.outputs.blobs) as BlobOutput[];
    assert.ok(firstBlobs.filter((b) => !isManifest(b.mediaType)).every((b) => b.action === 'copied'));
    const saved = service.entries().filter((e) => e.finalized);
    assert.deepEqual(
      saved.map((e) => e.key),
      ['blobs-101-1'],
    );
    assert.match(first.summary, /saved as blobs-101-1/);

    await destination.resetRequests();
    const second = await runAction(
      { source: `${source.host}/upstream/app:v1`, destination: `${destination.host}/team/app:v1`, 'blob-cache-key': 'blobs' },
      await runner('102'),
    );
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.match(second.stdout, /Restored blob-info cache blobs-101-1/);
    const secondBlobs = JSON.parse(second.outputs.blobs) as BlobOutput[];
    const layers = secondBlobs.filter((b) => !isManifest(b.mediaType));
    assert.equal(layers.length, blobs(image).length);
    for (const b of layers) assert.deepEqual([b.action, b.from], ['mounted', 'mirror/app'], b.digest);

    // The registry's own log, not the action's report: mounts only, no bytes.
    const into = (await destination.settledRequests()).filter((r) => r.path.startsWith('/v2/team/app/blobs/uploads/'));
    assert.equal(into.filter((r) => r.method === 'POST' && r.path.includes('mount=') && r.status === 201).length, blobs(image).length);
    assert.deepEqual(
      into.filter((r) => r.method === 'PUT' || r.method === 'PATCH'),
      [],
    );
    assert.match(second.stdout, /Mounted sha256:[0-9a-f]{64} from mirror\/app/);
    assert.doesNotMatch(second.stdout, new RegExp(`Copying ${blobs(image)[0].digest.slice(7, 19)}`));
    assert.match(second.summary, /\| mounted from other repositories \| [1-9]\d* \| /);

    const pulled = await skopeoPullAllBlobs(`docker://${destination.host}/team/app:v1`);
    await rm(pulled, { recursive: true, force: true });
  });

  it('a cache service that is down is a warning, never a failed step', async () => {
    const env = await runner('103');
    env.ACTIONS_RESULTS_URL = 'http://127.0.0.1:9/';
    const run = await runAction({ source: `${source.host}/upstream/app:v1`, destination: `${destination.host}/other/app:v1` }, env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /::warning::/);
    assert.ok(run.outputs.digest);
  });
});
