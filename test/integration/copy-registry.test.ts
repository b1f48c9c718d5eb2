import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyRefs } from '../support/copy-refs.js';
import { makeImageLayout, pushLayoutWithSkopeo, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { skopeoInspectRaw, skopeoPullAllBlobs } from '../support/skopeo.js';

const blobWrites = async (r: TestRegistry) => (await r.settledRequests()).filter((q) => /\/blobs\/uploads\//.test(q.path));

describe('copy between registries and layouts', () => {
  let one: TestRegistry;
  let two: TestRegistry;
  let work: string;
  let image: ImageLayout;

  before(async () => {
    [one, two] = await Promise.all([startRegistry(), startRegistry()]);
    work = await mkdtemp(join(tmpdir(), 'oci-copy-e2e-'));
    image = await makeImageLayout(join(work, 'seed'), {
      tag: 'v1',
      sharedLayers: { base: { size: 300_000, seed: 'base' } },
      platforms: [
        { os: 'linux', architecture: 'amd64', layers: ['base', { size: 120_000 }] },
        { os: 'linux', architecture: 'arm64', variant: 'v8', layers: ['base', { size: 80_000 }] },
      ],
    });
    await pushLayoutWithSkopeo(image.dir, 'v1', `${one.host}/src/app`);
  });

  after(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('copies a multi-platform index registry → registry, digest unchanged, every blob pullable', async () => {
    const { root, actions } = await copyRefs(`${one.host}/src/app:v1`, `${two.host}/dst/app`);
    assert.equal(root.digest, image.root.digest);
    assert.equal(actions.size, image.blobs.length, 'one account per node');
    assert.ok([...actions.values()].every((a) => a === 'copied'));
    const raw = await skopeoInspectRaw(`docker://${two.host}/dst/app:v1`);
    assert.equal(JSON.parse(raw).manifests.length, 2);
    const pulled = await skopeoPullAllBlobs(`docker://${two.host}/dst/app:v1`);
    await rm(pulled, { recursive: true, force: true });
  });

  it('reads each node from the source once: one GET per manifest and blob, no HEAD to resolve the tag', async () => {
    await one.resetRequests();
    await copyRefs(`${one.host}/src/app:v1`, `${two.host}/once/app:v1`);
    const reads = (await one.settledRequests()).map((q) => `${q.method} ${q.path}`);
    assert.deepEqual(
      reads.filter((r) => r.startsWith('HEAD ')),
      [],
      'no HEAD on the source',
    );
    assert.equal(reads.filter((r) => r === 'GET /v2/src/app/manifests/v1').length, 1, 'the tag is read once');
    assert.equal(reads.filter((r) => r.includes(`/manifests/${image.root.digest}`)).length, 0, 'the root is not read again by digest');
    assert.equal(reads.length, image.blobs.length, reads.join('\n'));
  });

  it('stores and tags the root with one PUT to the first tag, last, and PUTs further tags after it', async () => {
    await two.resetRequests();
    const { root, events } = await copyRefs(`${one.host}/src/app:v1`, `${two.host}/tagged/app:a,b`);
    const puts = (await two.settledRequests()).filter((q) => q.method === 'PUT' && q.path.includes('/manifests/')).map((q) => q.path);
    const children = image.manifests.map((m) => `/v2/tagged/app/manifests/${m.descriptor.digest}`);
    assert.deepEqual(new Set(puts.slice(0, -2)), new Set(children), 'the platform manifests by digest first');
    assert.deepEqual(puts.slice(-2), ['/v2/tagged/app/manifests/a', '/v2/tagged/app/manifests/b']);
    assert.ok(!puts.includes(`/v2/tagged/app/manifests/${root.digest}`), 'the root is not also pushed by digest');
    assert.deepEqual(
      events.filter((e) => e.type === 'tagged').map((e) => (e as { reference: string }).reference),
      ['a', 'b'],
    );
    assert.equal(JSON.parse(await skopeoInspectRaw(`docker://${two.host}/tagged/app@${root.digest}`)).manifests.length, 2);
  });

  it('a second identical copy uploads no blob bytes and reports every node exists', async () => {
    await two.resetRequests();
    const { actions } = await copyRefs(`${one.host}/src/app:v1`, `${two.host}/dst/app:v1`);
    assert.equal(actions.size, image.blobs.length);
    assert.deepEqual(new Set(actions.values()), new Set(['exists']));
    assert.deepEqual(await blobWrites(two), [], 'the registry saw no upload');
    assert.ok(
      !(await two.settledRequests()).some((q) => q.method === 'PUT' && q.path.includes('/manifests/sha256:')),
      'no manifest pushed by digest',
    );
  });

  it('copies registry → layout and layout → registry with the same digest', async () => {
    const layout = join(work, 'exported');
    const out = await copyRefs(`${one.host}/src/app:v1`, `oci:${layout}:v1`);
    assert.equal(out.root.digest, image.root.digest);
    const back = await copyRefs(`oci:${layout}:v1`, `${two.host}/imported/app:v2`);
    assert.equal(back.root.digest, image.root.digest);
    assert.equal(JSON.parse(await skopeoInspectRaw(`docker://${two.host}/imported/app:v2`)).manifests.length, 2);
    const pulled = await skopeoPullAllBlobs(`docker://${two.host}/imported/app:v2`);
    await rm(pulled, { recursive: true, force: true });
    // skopeo reads the layout we wrote
    assert.equal(JSON.parse(await skopeoInspectRaw(`oci:${layout}:v1`)).manifests.length, 2);
  });

  it('fails on a tag that is not there, naming it', async () => {
    await assert.rejects(copyRefs(`${one.host}/src/app:nope`, `${two.host}/dst/app`), /nope/);
  });
});
