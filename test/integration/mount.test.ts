import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileBlobInfoCache } from '../../src/blob-cache/file-cache.js';
import { copy } from '../../src/api/copy.js';
import { isManifest } from '../../src/oci/media-types.js';
import { parseReference } from '../../src/oci/reference.js';
import { openDestination, openSource } from '../../src/targets/open-target.js';
import { copyRefs } from '../support/copy-refs.js';
import { makeImageLayout, pushLayoutWithSkopeo, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { skopeoInspectRaw, skopeoPullAllBlobs } from '../support/skopeo.js';
import { startTokenServer, type TokenServer } from '../support/token-server.js';

/** The registry's own account of uploads into `repo`: mount POSTs, plain POSTs, PUTs and PATCHes of blobs. */
async function uploads(registry: TestRegistry, repo: string) {
  const into = (await registry.settledRequests()).filter((r) => r.path.startsWith(`/v2/${repo}/blobs/uploads/`));
  return {
    mounted: into.filter((r) => r.method === 'POST' && r.path.includes('mount=') && r.status === 201),
    mountRefused: into.filter((r) => r.method === 'POST' && r.path.includes('mount=') && r.status !== 201),
    plainPosts: into.filter((r) => r.method === 'POST' && !r.path.includes('mount=')),
    bytes: into.filter((r) => r.method === 'PUT' || r.method === 'PATCH'),
  };
}

function blobCount(image: ImageLayout): number {
  return image.blobs.filter((b) => !isManifest(b.mediaType)).length;
}

describe('cross-repository mounts on the real registry', () => {
  let work: string;
  let image: ImageLayout;
  let registry: TestRegistry;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-mount-'));
    image = await makeImageLayout(join(work, 'seed'), {
      tag: 'v1',
      sharedLayers: { base: { size: 200_000 } },
      platforms: [
        { os: 'linux', architecture: 'amd64', layers: ['base', { size: 50_000 }] },
        { os: 'linux', architecture: 'arm64', layers: ['base', { size: 60_000 }] },
      ],
    });
    registry = await startRegistry();
    await pushLayoutWithSkopeo(image.dir, 'v1', `${registry.host}/org/app-dev`);
  });

  after(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('a promotion within one registry mounts every blob and uploads none', async () => {
    await registry.resetRequests();
    const { root, done } = await copyRefs(`${registry.host}/org/app-dev:v1`, `${registry.host}/org/app:1.2`);
    assert.equal(root.digest, image.root.digest);
    const u = await uploads(registry, 'org/app');
    assert.equal(u.mounted.length, blobCount(image), 'one 201 mount per blob');
    assert.deepEqual(u.bytes, [], 'no blob bytes PUT or PATCHed');
    assert.deepEqual(u.plainPosts, [], 'no upload session opened');
    assert.ok(u.mounted.every((r) => r.path.includes('from=org%2Fapp-dev') || r.path.includes('from=org/app-dev')));
    const mounted = done.filter((e) => e.action === 'mounted');
    assert.equal(mounted.length, blobCount(image));
    assert.ok(mounted.every((e) => e.from === 'org/app-dev'));
    assert.equal(JSON.parse(await skopeoInspectRaw(`docker://${registry.host}/org/app:1.2`)).manifests.length, 2);
  });

  it('mounts from where the blob-info cache remembers, and falls back to an upload on the 202 session', async () => {
    const cache = new FileBlobInfoCache();
    // The cache says the blobs are in a repository that does not hold them: the registry answers 202.
    for (const b of image.blobs) cache.record({ registry: registry.host, repository: 'nowhere/empty' }, b.digest);
    await registry.resetRequests();
    const { root, done } = await copyRefs(`oci:${image.dir}:v1`, `${registry.host}/org/from-layout:v1`, { blobCache: cache });
    assert.equal(root.digest, image.root.digest);
    const u = await uploads(registry, 'org/from-layout');
    assert.equal(u.mountRefused.length, blobCount(image), 'each blob tried the remembered repository once');
    assert.deepEqual(u.plainPosts, [], 'the upload used the session the refused mount opened');
    assert.equal(u.bytes.length, blobCount(image));
    assert.ok(done.filter((e) => !isManifest(e.node.mediaType)).every((e) => e.action === 'copied'));
    // Now the cache knows where the blobs really are: a copy into another repository mounts them.
    assert.deepEqual(cache.candidates(registry.host, image.blobs[0].digest, 5)[0], 'org/from-layout');
    await registry.resetRequests();
    const again = await copyRefs(`oci:${image.dir}:v1`, `${registry.host}/org/second:v1`, { blobCache: cache });
    assert.equal(again.done.filter((e) => e.action === 'mounted').length, blobCount(image));
    assert.deepEqual((await uploads(registry, 'org/second')).bytes, []);
  });

  it('mount: false uploads every blob', async () => {
    const srcRef = parseReference(`${registry.host}/org/app-dev:v1`);
    const dstRef = parseReference(`${registry.host}/org/no-mount:v1`);
    const [src, dst] = [await openSource(srcRef), await openDestination(dstRef)];
    await registry.resetRequests();
    await copy(src, srcRef, dst, dstRef, { mount: false });
    await Promise.all([src.close('success'), dst.close('success')]);
    const u = await uploads(registry, 'org/no-mount');
    assert.equal(u.mounted.length + u.mountRefused.length, 0);
    assert.equal(u.bytes.length, blobCount(image));
  });
});

describe('mounts under token auth', () => {
  let work: string;
  let image: ImageLayout;
  let tokens: TokenServer;
  let registry: TestRegistry;
  const all = () => ['pull', 'push'];

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-mount-token-'));
    image = await makeImageLayout(join(work, 'seed'), {
      tag: 'v1',
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 40_000 }, { size: 30_000 }] }],
    });
    tokens = await startTokenServer({
      users: {
        ci: { password: 'ci-pass', access: all },
        // may push to release/* but read nothing else: mounts from team/* are refused
        releaser: { password: 'rel-pass', access: (name) => (name.startsWith('release/') ? ['pull', 'push'] : []) },
      },
    });
    registry = await startRegistry({ authYaml: tokens.authYaml });
    await pushLayoutWithSkopeo(image.dir, 'v1', `${registry.host}/team/app`, { destCreds: 'ci:ci-pass' });
  });

  after(async () => {
    await registry?.stop();
    await tokens?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('asks one token for pull,push on the destination and pull on the mount source, and mounts', async () => {
    const creds = { credentials: { username: 'ci', password: 'ci-pass' } };
    await registry.resetRequests();
    tokens.resetRequests();
    const { done } = await copyRefs(`${registry.host}/team/app:v1`, `${registry.host}/prod/app:v1`, { source: creds, destination: creds });
    assert.equal(done.filter((e) => e.action === 'mounted').length, blobCount(image));
    assert.deepEqual((await uploads(registry, 'prod/app')).bytes, []);
    const both = tokens
      .requests()
      .filter((r) => r.scopes.includes('repository:prod/app:pull,push') && r.scopes.includes('repository:team/app:pull'));
    assert.ok(both.length >= 1, `a token request with both scopes: ${JSON.stringify(tokens.requests().map((r) => r.scopes))}`);
  });

  it('a mount the token may not read from still lands, by upload', async () => {
    await registry.resetRequests();
    const { root, done } = await copyRefs(`${registry.host}/team/app:v1`, `${registry.host}/release/app:v1`, {
      source: { credentials: { username: 'ci', password: 'ci-pass' } },
      destination: { credentials: { username: 'releaser', password: 'rel-pass' } },
    });
    assert.equal(root.digest, image.root.digest);
    assert.ok(done.filter((e) => !isManifest(e.node.mediaType)).every((e) => e.action === 'copied'));
    const u = await uploads(registry, 'release/app');
    assert.equal(u.mounted.length, 0);
    assert.equal(u.bytes.length, blobCount(image));
    const pulled = await skopeoPullAllBlobs(`docker://${registry.host}/release/app:v1`, { creds: 'releaser:rel-pass' });
    await rm(pulled, { recursive: true, force: true });
  });
});
