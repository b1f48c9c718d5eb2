// A single-manifest image's platform row comes from its config. When the copy moves the config,
// the platform is read from the bytes it moved: the source is asked for the config once. When the
// destination already has it, the config is read beside the copy. Against real registries.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runJob } from '../../src/job/run-job.js';
import { parseReference } from '../../src/oci/reference.js';
import { makeImageLayout, pushImageOverHttp, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

describe("a single-manifest image's platform", () => {
  let src: TestRegistry;
  let dst: TestRegistry;
  let work: string;
  let image: ImageLayout;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-platform-'));
    [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
    image = await makeImageLayout(join(work, 'app'), {
      tag: '1.0',
      index: false,
      platforms: [{ os: 'linux', architecture: 'arm', variant: 'v7', layers: [{ size: 3000, seed: 'arm' }] }],
    });
    await pushImageOverHttp(image, src.url, 'team/app', '1.0');
  });
  after(async () => {
    await Promise.all([src?.stop(), dst?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  const configGets = async (registry: TestRegistry) => {
    const config = image.manifests[0].config.digest;
    return (await registry.settledRequests()).filter((r) => r.method === 'GET' && r.path.endsWith(`/blobs/${config}`)).length;
  };

  it('is read from the config the copy moved, with no second fetch of it', async () => {
    await src.resetRequests();
    const outcome = await runJob({
      work: {
        kind: 'copy',
        source: parseReference(`${src.host}/team/app:1.0`),
        destinations: [parseReference(`${dst.host}/copy/app:1.0`)],
      },
    });
    const [r] = outcome.results;
    assert.equal(r.status, 'copied', r.error);
    assert.deepEqual(
      r.platforms.map((p) => [p.platform, p.digest]),
      [['linux/arm/v7', image.root.digest]],
    );
    assert.equal(await configGets(src), 1, 'the source is asked for the config once, by the copy');
  });

  it('is read beside the copy when the destination has the config already', async () => {
    // The destination repository has every blob (an earlier copy under another tag); only the tag is new.
    await src.resetRequests();
    const outcome = await runJob({
      work: {
        kind: 'copy',
        source: parseReference(`${src.host}/team/app:1.0`),
        destinations: [parseReference(`${dst.host}/copy/app:2.0`)],
      },
    });
    const [r] = outcome.results;
    assert.equal(r.status, 'copied', r.error);
    assert.deepEqual(
      r.platforms.map((p) => [p.platform, p.digest]),
      [['linux/arm/v7', image.root.digest]],
    );
    assert.equal(await configGets(src), 1, 'nothing moved the config, so it was read once for its platform');
  });
});
