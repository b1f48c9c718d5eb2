import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Readable } from 'node:stream';
import { digestOf, VerifyingStream } from '../../src/oci/digest.js';
import { NotFoundError } from '../../src/oci/errors.js';
import { MediaType } from '../../src/oci/media-types.js';
import { HttpClient } from '../../src/targets/registry/http.js';
import { openRegistryRepository, type RegistryRepository } from '../../src/targets/registry/repository.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { blob, readAll } from '../support/blobs.js';

function image(seed: string) {
  const config = blob(`{"architecture":"amd64","os":"linux","seed":"${seed}"}`, MediaType.OciConfig);
  const layer = blob(`layer bytes ${seed} `.repeat(5000));
  const manifest = blob(
    JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciManifest, config: config.desc, layers: [layer.desc] }),
    MediaType.OciManifest,
  );
  return { config, layer, manifest };
}

describe('registry repository on the real registry', () => {
  let registry: TestRegistry;
  let http: HttpClient;
  const repo = (name: string): RegistryRepository =>
    openRegistryRepository({ transport: 'registry', registry: registry.host, repository: name, tags: [] }, { http });

  before(async () => {
    registry = await startRegistry();
    http = new HttpClient();
  });
  after(async () => {
    await http.close();
    await registry.stop();
  });

  it('pushes blobs and a manifest, then finds, resolves, fetches and tags them', async () => {
    const r = repo('app/one');
    assert.equal(r.description, `[registry] ${registry.host}/app/one`);
    assert.deepEqual(r.location, { registry: registry.host, repository: 'app/one' });
    const { config, layer, manifest } = image('one');
    assert.equal(await r.exists(layer.desc), false);
    assert.equal(await r.exists(manifest.desc), false);
    await r.push(config.desc, Readable.from([config.bytes]));
    await r.push(layer.desc, Readable.from([layer.bytes.subarray(0, 1000), layer.bytes.subarray(1000)]));
    await r.push(manifest.desc, Readable.from([manifest.bytes]));
    assert.equal(await r.exists(layer.desc), true);
    assert.equal(await r.exists(manifest.desc), true);

    await r.tag(manifest.desc, 'v1');
    assert.deepEqual(await r.resolve('v1'), manifest.desc);
    assert.deepEqual(await r.resolve(manifest.desc.digest), manifest.desc);

    const got = await readAll((await r.fetch(layer.desc)).pipe(new VerifyingStream(layer.desc)));
    assert.equal(got.length, layer.desc.size);
    const m = await readAll(await r.fetch(manifest.desc));
    assert.equal(digestOf(m), manifest.desc.digest);

    // a fresh instance has no cached bytes: tagging GETs the manifest by digest
    const fresh = repo('app/one');
    await fresh.tag(manifest.desc, 'latest');
    assert.deepEqual(await fresh.resolve(undefined), manifest.desc);
    await fresh.tag(manifest.desc, manifest.desc.digest); // a digest reference is a no-op
    await r.close('success');
    await fresh.close('success');
  });

  it('names host/repo:tag when a tag is missing', async () => {
    const r = repo('app/one');
    await assert.rejects(r.resolve('nope'), (err: unknown) => {
      assert.ok(err instanceof NotFoundError);
      assert.match(err.message, new RegExp(`${registry.host}/app/one:nope`));
      return true;
    });
    const missing = blob('never pushed');
    await assert.rejects(r.fetch(missing.desc), NotFoundError);
  });

  it('sends the manifest Accept types (an OCI index resolves with its media type)', async () => {
    const r = repo('app/index');
    const { config, layer, manifest } = image('index');
    await r.push(config.desc, Readable.from([config.bytes]));
    await r.push(layer.desc, Readable.from([layer.bytes]));
    await r.push(manifest.desc, Readable.from([manifest.bytes]));
    const index = blob(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciIndex,
        manifests: [{ ...manifest.desc, platform: { os: 'linux', architecture: 'amd64' } }],
      }),
      MediaType.OciIndex,
    );
    await r.push(index.desc, Readable.from([index.bytes]));
    await r.tag(index.desc, 'multi');
    const resolved = await r.resolve('multi');
    assert.equal(resolved.mediaType, MediaType.OciIndex);
    assert.equal(resolved.digest, index.desc.digest);
    // the registry answers 404 for OCI manifests without the right Accept
    const res = await fetch(`${registry.url}/v2/app/index/manifests/multi`, { method: 'HEAD', headers: { accept: '*/*' } });
    assert.equal(res.status, 404);
  });

  it('refuses to push a manifest whose children are missing, naming the registry code', async () => {
    const r = repo('app/broken');
    const { manifest } = image('broken');
    await assert.rejects(r.push(manifest.desc, Readable.from([manifest.bytes])), (err: Error) => {
      assert.match(err.message, new RegExp(`pushing manifest ${manifest.desc.digest} to ${registry.host}/app/broken: 400 Bad Request`));
      assert.match(err.message, /MANIFEST_BLOB_UNKNOWN/);
      return true;
    });
  });

  it('mounts a blob across repositories (201) and uploads on the session when the source lacks it (202)', async () => {
    const src = repo('mount/src');
    const dst = repo('mount/dst');
    const { layer } = image('mount');
    await src.push(layer.desc, Readable.from([layer.bytes]));
    await registry.resetRequests();
    assert.equal(await dst.mount(layer.desc, 'mount/src'), 'mounted');
    assert.equal(await dst.exists(layer.desc), true);
    const reqs = await registry.settledRequests();
    assert.ok(reqs.some((q) => q.method === 'POST' && q.status === 201 && q.path.includes('mount=')));
    assert.ok(!reqs.some((q) => q.method === 'PUT'), 'no bytes uploaded for a mount');

    const other = image('not-in-source').layer;
    await registry.resetRequests();
    let opened = 0;
    const outcome = await dst.mount(other.desc, 'mount/empty', async () => {
      opened++;
      return Readable.from([other.bytes]);
    });
    assert.equal(outcome, 'uploaded');
    assert.equal(opened, 1);
    assert.equal(await dst.exists(other.desc), true);
    const posts = (await registry.settledRequests()).filter((q) => q.method === 'POST');
    assert.equal(posts.length, 1, 'the upload reused the mount session');

    const third = image('refused').layer;
    assert.equal(await dst.mount(third.desc, 'mount/empty'), 'refused');
    assert.equal(await dst.exists(third.desc), false);
    assert.ok(
      (await registry.settledRequests()).some((q) => q.method === 'DELETE'),
      'the abandoned session is deleted',
    );

    // an invalid `from` is a refusal, not an error
    assert.equal(await dst.mount(third.desc, 'Not A Repo'), 'refused');
  });

  it('lists referrers through the tag schema when the registry has no referrers API', async () => {
    const r = repo('app/refs');
    const { config, layer, manifest } = image('refs');
    await r.push(config.desc, Readable.from([config.bytes]));
    await r.push(layer.desc, Readable.from([layer.bytes]));
    await r.push(manifest.desc, Readable.from([manifest.bytes]));
    assert.deepEqual(await r.referrers(manifest.desc), []);
    const empty = blob('{}', MediaType.OciEmpty);
    await r.push(empty.desc, Readable.from([empty.bytes]));
    const sig = blob(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        artifactType: 'application/example.signature',
        config: empty.desc,
        layers: [empty.desc],
        subject: manifest.desc,
      }),
      MediaType.OciManifest,
    );
    await r.push(sig.desc, Readable.from([sig.bytes]));
    const sigDesc = { ...sig.desc, artifactType: 'application/example.signature' };
    const index = blob(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [sigDesc] }), MediaType.OciIndex);
    await r.push(index.desc, Readable.from([index.bytes]));
    await r.tag(index.desc, `sha256-${manifest.desc.digest.slice(7)}`);
    assert.deepEqual(await r.referrers(manifest.desc), [sigDesc]);
    assert.deepEqual(await r.referrers(manifest.desc, 'application/example.signature'), [sigDesc]);
    assert.deepEqual(await r.referrers(manifest.desc, 'application/other'), []);
  });

  it('a push of content that fails verification rejects with that error and stores nothing', async () => {
    const r = repo('app/bad');
    const good = blob('the promised bytes');
    const wrong = Readable.from([Buffer.from('other bytes, same len')]).pipe(new VerifyingStream(good.desc));
    await assert.rejects(r.push(good.desc, wrong), (err: Error) => {
      assert.match(err.message, /size mismatch|digest mismatch/);
      return true;
    });
    assert.equal(await r.exists(good.desc), false);

    // right size, wrong bytes: the mismatch shows only at the end, after the registry got every byte
    const big = blob('a'.repeat(1 << 20));
    const parts = Array.from({ length: 16 }, (_, i) => Buffer.alloc(1 << 16, i === 15 ? 'b' : 'a'));
    const late = Readable.from(parts).pipe(new VerifyingStream(big.desc));
    await assert.rejects(r.push(big.desc, late), /digest mismatch/);
    assert.equal(await r.exists(big.desc), false);
  });
});
