import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { makeImageLayout, pushLayoutWithSkopeo, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { skopeoInspectRaw } from '../support/skopeo.js';

const TAGS = ['1', '1.2', '1.2.3', 'latest', 'stable', 'v1'];

// Several tags of one index copied at once into a new repository: each image of the sync walks the
// same platform manifests. Pushed by each, distribution (whose filesystem driver rewrites a link by
// truncating it first) could answer one image's index push with DIGEST_INVALID while another image
// rewrote a child's link.
describe('sync: images that share manifests push each one once per repository', () => {
  let registry: TestRegistry;
  let work: string;
  let image: ImageLayout;

  before(async () => {
    registry = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'oci-copy-shared-manifests-'));
    image = await makeImageLayout(join(work, 'seed'), {
      tag: 'v1',
      platforms: [
        { os: 'linux', architecture: 'amd64', layers: [{ size: 20_000 }] },
        { os: 'linux', architecture: 'arm64', layers: [{ size: 20_000 }] },
        { os: 'linux', architecture: 'arm', variant: 'v7', layers: [{ size: 20_000 }] },
      ],
    });
    for (const tag of TAGS) await pushLayoutWithSkopeo(image.dir, 'v1', `${registry.host}/src/app:${tag}`);
  });
  after(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('every tag lands, and each platform manifest is PUT once into each new repository', async () => {
    const children = image.blobs.filter((b) => b.mediaType.endsWith('manifest.v1+json')).map((b) => b.digest);
    assert.equal(children.length, 3);
    for (let run = 0; run < 3; run++) {
      await registry.resetRequests();
      const repo = `mirror${run}/app`;
      const res = await runCli(['sync', `${registry.host}/src/app`, `${registry.host}/${repo}`], { home: work });
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stderr, new RegExp(`${TAGS.length} of ${TAGS.length} images copied, 0 unchanged, 0 failed`));
      const puts = (await registry.settledRequests()).filter((r) => r.method === 'PUT' && r.path.startsWith(`/v2/${repo}/manifests/`));
      for (const digest of children) {
        assert.equal(
          puts.filter((r) => r.path.endsWith(`/manifests/${digest}`)).length,
          1,
          `${digest} pushed once: ${puts.map((p) => p.path).join(', ')}`,
        );
      }
      assert.deepEqual(
        puts
          .filter((r) => !r.path.includes('sha256:'))
          .map((r) => r.path.split('/').pop())
          .sort(),
        [...TAGS].sort(),
      );
      for (const tag of TAGS) {
        const raw = JSON.parse(await skopeoInspectRaw(`${registry.host}/${repo}:${tag}`)) as { manifests: Array<{ digest: string }> };
        assert.deepEqual(raw.manifests.map((m) => m.digest).sort(), [...children].sort());
      }
    }
  });
});
