// docker-archive: both ways, and the names loaders read: what a docker-archive: destination writes
// beside the OCI layout (manifest.json), the io.containerd.image.name every export carries, and how
// a docker-archive: source picks its image.
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { extract } from 'tar-stream';
import { copy } from '../../src/api/copy.js';
import type { Descriptor, Platform } from '../../src/oci/descriptor.js';
import { NotFoundError } from '../../src/oci/errors.js';
import { MediaType } from '../../src/oci/media-types.js';
import { parseReference } from '../../src/oci/reference.js';
import { openDestination, openSource } from '../../src/targets/open-target.js';
import { MemoryTarget } from '../../src/targets/memory.js';
import { addBlob, addImage, addJson, addMultiPlatformImage } from '../support/memory-images.js';

const IMAGE_NAME = 'io.containerd.image.name';
const REF_NAME = 'org.opencontainers.image.ref.name';

/** A memory source that says it is a registry repository, as the engine learns a source's name. */
function registrySource(registry: string, repository: string): MemoryTarget {
  return Object.assign(new MemoryTarget(`${registry}/${repository}`), { location: { registry, repository } });
}

/** The named files of a tar, parsed as JSON, and the names of every entry. */
async function archiveFiles(path: string): Promise<{ names: string[]; json: Record<string, unknown> }> {
  const x = extract();
  createReadStream(path).pipe(x as unknown as NodeJS.WritableStream);
  const names: string[] = [];
  const json: Record<string, unknown> = {};
  for await (const e of x) {
    names.push(e.header.name);
    const chunks: Buffer[] = [];
    for await (const c of e) chunks.push(c as Buffer);
    if (!e.header.name.startsWith('blobs/')) json[e.header.name] = JSON.parse(Buffer.concat(chunks).toString());
  }
  return { names, json };
}

interface Item {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}
type Index = { manifests: Descriptor[] };

/** Copies `src`'s `tag` to the file reference `destination` the way the CLI does. */
async function exportTo(src: MemoryTarget, tag: string, destination: string, platform?: Platform | Platform[]): Promise<Descriptor> {
  const dstRef = parseReference(destination);
  const dst = await openDestination(dstRef);
  try {
    const root = await copy(src, { tags: [tag] }, dst, dstRef, platform ? { platform } : {});
    await dst.close('success');
    return root;
  } catch (err) {
    await dst.close('failure');
    throw err;
  }
}

function blobPath(desc: Descriptor): string {
  return `blobs/sha256/${desc.digest.slice(7)}`;
}

/** What an image manifest in a memory target holds. */
function manifestOf(src: MemoryTarget, desc: Descriptor): { config: Descriptor; layers: Descriptor[] } {
  return JSON.parse(src.blobs.get(desc.digest)!.content.toString());
}

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'archive-docker-test-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('docker-archive: destination', () => {
  it('writes the OCI layout whole and manifest.json with the linux/amd64 image of an index, named after the source', async () => {
    const src = registrySource('127.0.0.1:5000', 'acme/app');
    const { index } = addMultiPlatformImage(src, '1.2');
    const out = join(work, 'index.tar');
    const root = await exportTo(src, '1.2', `docker-archive:${out}`);
    assert.equal(root.digest, index.digest, 'the index itself is the root, digest unchanged');

    const { names, json } = await archiveFiles(out);
    assert.equal(names[0], 'oci-layout');
    for (const b of src.blobs.values()) assert.ok(names.includes(blobPath(b.desc)), `the archive holds ${b.desc.digest}`);
    const entries = (json['index.json'] as Index).manifests;
    assert.deepEqual(entries, [{ ...index, annotations: { [IMAGE_NAME]: '127.0.0.1:5000/acme/app:1.2', [REF_NAME]: '1.2' } }]);

    const children = JSON.parse(src.blobs.get(index.digest)!.content.toString()).manifests as Descriptor[];
    const amd64 = manifestOf(src, children.find((c) => c.platform?.architecture === 'amd64')!);
    assert.deepEqual(json['manifest.json'] as Item[], [
      { Config: blobPath(amd64.config), RepoTags: ['127.0.0.1:5000/acme/app:1.2'], Layers: amd64.layers.map(blobPath) },
    ]);
  });

  it('lists the platform the copy asked for, and the first image when an index has no linux/amd64', async () => {
    const src = registrySource('registry.example.com', 'acme/app');
    const layer = addBlob(src, MediaType.OciLayerGzip, 500);
    const arm = addImage(src, [layer], { os: 'linux', architecture: 'arm64', variant: 'v8' });
    const s390 = addImage(src, [layer], { os: 'linux', architecture: 's390x' });
    const attestation = addImage(src, [layer], { os: 'unknown', architecture: 'unknown' });
    const index = addJson(src, MediaType.OciIndex, {
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      manifests: [attestation, s390, arm],
    });
    src.tagged.set('2', index);

    const first = join(work, 'first.tar');
    await exportTo(src, '2', `docker-archive:${first}`);
    assert.equal(
      ((await archiveFiles(first)).json['manifest.json'] as Item[])[0].Config,
      blobPath(manifestOf(src, s390).config),
      'unknown/unknown never counts',
    );

    // The engine tells the writer the platform it was asked for; an index kept whole lists that image.
    const dstRef = parseReference(`docker-archive:${join(work, 'asked.tar')}`);
    const dst = await openDestination(dstRef);
    for (const b of src.blobs.values()) await dst.push(b.desc, new PassThrough().end(b.content));
    await dst.tag(index, '2', { repository: 'registry.example.com/acme/app', platform: { os: 'linux', architecture: 'arm64' } });
    await dst.close('success');
    assert.equal(
      ((await archiveFiles(join(work, 'asked.tar'))).json['manifest.json'] as Item[])[0].Config,
      blobPath(manifestOf(src, arm).config),
    );

    // A list of platforms makes a new index of them: manifest.json lists the first one asked for.
    const listed = join(work, 'listed.tar');
    const made = await exportTo(src, '2', `docker-archive:${listed}`, [
      { os: 'linux', architecture: 'arm64' },
      { os: 'linux', architecture: 's390x' },
    ]);
    const listedFiles = (await archiveFiles(listed)).json;
    assert.equal((listedFiles['index.json'] as Index).manifests[0].digest, made.digest);
    assert.notEqual(made.digest, index.digest);
    assert.equal((listedFiles['manifest.json'] as Item[])[0].Config, blobPath(manifestOf(src, arm).config));

    // With a platform the copy takes that manifest alone: the archive is that image.
    const one = join(work, 'one.tar');
    const root = await exportTo(src, '2', `docker-archive:${one}`, { os: 'linux', architecture: 'arm64' });
    assert.equal(root.digest, arm.digest);
    const files = (await archiveFiles(one)).json;
    assert.equal((files['index.json'] as Index).manifests[0].digest, arm.digest);
    assert.deepEqual(files['manifest.json'], [
      { Config: blobPath(manifestOf(src, arm).config), RepoTags: ['registry.example.com/acme/app:2'], Layers: [blobPath(layer)] },
    ]);
  });

  it("names the image as the reference says, and spells Docker Hub's names as docker does", async () => {
    const src = registrySource('docker.io', 'library/alpine');
    const image = addImage(src, [addBlob(src, MediaType.OciLayerGzip, 300)]);
    src.tagged.set('3.20', image);
    const hub = join(work, 'hub.tar');
    await exportTo(src, '3.20', `docker-archive:${hub}`);
    let files = (await archiveFiles(hub)).json;
    assert.deepEqual((files['index.json'] as Index).manifests[0].annotations, {
      [IMAGE_NAME]: 'docker.io/library/alpine:3.20',
      [REF_NAME]: '3.20',
    });
    assert.deepEqual((files['manifest.json'] as Item[])[0].RepoTags, ['alpine:3.20']);

    const named = join(work, 'named.tar');
    await exportTo(src, '3.20', `docker-archive:${named}:example.com/team/app:2`);
    files = (await archiveFiles(named)).json;
    assert.deepEqual((files['index.json'] as Index).manifests[0].annotations, { [IMAGE_NAME]: 'example.com/team/app:2', [REF_NAME]: '2' });
    assert.deepEqual((files['manifest.json'] as Item[])[0].RepoTags, ['example.com/team/app:2']);
  });

  it('keeps the images already in the archive, manifest.json included, and leaves referrers out of it', async () => {
    const a = registrySource('registry.example.com', 'a/x');
    const imageA = addImage(a, [addBlob(a, MediaType.OciLayerGzip, 200)]);
    a.tagged.set('latest', imageA);
    const b = registrySource('registry.example.com', 'b/y');
    const imageB = addImage(b, [addBlob(b, MediaType.OciLayerGzip, 200)]);
    b.tagged.set('latest', imageB);
    const signature = addJson(b, MediaType.OciManifest, {
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: addJson(b, MediaType.OciConfig, {}),
      layers: [addBlob(b, 'application/vnd.dev.cosign.simplesigning.v1+json', 50)],
      subject: imageB,
    });

    const out = join(work, 'two.tar');
    await exportTo(a, 'latest', `docker-archive:${out}`);
    const dstRef = parseReference(`docker-archive:${out}`);
    const dst = await openDestination(dstRef);
    await copy(b, { tags: ['latest'] }, dst, dstRef, { referrers: true });
    await dst.close('success');

    const { json } = await archiveFiles(out);
    const entries = (json['index.json'] as Index).manifests;
    assert.deepEqual(
      entries.map((e) => [e.digest, e.annotations?.[IMAGE_NAME]]),
      [
        [imageA.digest, 'registry.example.com/a/x:latest'],
        [signature.digest, undefined],
        [imageB.digest, 'registry.example.com/b/y:latest'],
      ],
      'the same tag of two repositories lives side by side; the signature is listed untagged',
    );
    assert.deepEqual(
      (json['manifest.json'] as Item[]).map((i) => [i.Config, i.RepoTags]),
      [
        [blobPath(manifestOf(a, imageA).config), ['registry.example.com/a/x:latest']],
        [blobPath(manifestOf(b, imageB).config), ['registry.example.com/b/y:latest']],
      ],
    );

    // Rewritten as oci-archive:, a docker archive stays loadable; a fresh oci-archive: has no manifest.json.
    await exportTo(b, 'latest', `oci-archive:${out}:again`);
    assert.equal(((await archiveFiles(out)).json['manifest.json'] as Item[]).length, 2);
    const fresh = join(work, 'fresh-oci.tar');
    await exportTo(b, 'latest', `oci-archive:${fresh}`);
    const freshFiles = await archiveFiles(fresh);
    assert.ok(!freshFiles.names.includes('manifest.json'));
    assert.equal(
      (freshFiles.json['index.json'] as Index).manifests[0].annotations?.[IMAGE_NAME],
      'registry.example.com/b/y:latest',
      'oci-archive: names the image too',
    );
  });

  it('refuses @INDEX as a destination, with the form to use', async () => {
    await assert.rejects(
      openDestination(parseReference(`docker-archive:${join(work, 'x.tar')}:@0`)),
      /picks an image to read: a destination is named NAME:TAG/,
    );
  });
});

describe('docker-archive: source', () => {
  let out: string;
  let imageA: Descriptor;
  let imageB: Descriptor;
  before(async () => {
    const a = registrySource('registry.example.com', 'a/x');
    imageA = addImage(a, [addBlob(a, MediaType.OciLayerGzip, 200)]);
    a.tagged.set('1', imageA);
    const b = registrySource('docker.io', 'library/app');
    imageB = addImage(b, [addBlob(b, MediaType.OciLayerGzip, 200)]);
    b.tagged.set('1', imageB);
    out = join(work, 'source.tar');
    await exportTo(a, '1', `docker-archive:${out}`);
    await exportTo(b, '1', `docker-archive:${out}`);
  });

  async function resolved(reference: string): Promise<string> {
    const ref = parseReference(reference);
    const src = await openSource(ref);
    try {
      return (await src.resolve((ref.transport === 'registry' ? undefined : ref.image) ?? ref.tags[0])).digest;
    } finally {
      await src.close('success');
    }
  }

  it('picks an image by its name in either spelling, or by its place in manifest.json', async () => {
    assert.equal(await resolved(`docker-archive:${out}:registry.example.com/a/x:1`), imageA.digest);
    assert.equal(await resolved(`docker-archive:${out}:app:1`), imageB.digest);
    assert.equal(await resolved(`docker-archive:${out}:docker.io/library/app:1`), imageB.digest);
    assert.equal(await resolved(`docker-archive:${out}:@0`), imageA.digest);
    assert.equal(await resolved(`docker-archive:${out}:@1`), imageB.digest);
  });

  it('says which images there are when the one asked for is not there', async () => {
    await assert.rejects(
      resolved(`docker-archive:${out}:app:2`),
      (err: Error) =>
        err instanceof NotFoundError &&
        /image "docker\.io\/library\/app:2" is not in \[docker-archive\] .*: its images are registry\.example\.com\/a\/x:1, docker\.io\/library\/app:1/.test(
          err.message,
        ),
    );
    await assert.rejects(
      resolved(`docker-archive:${out}:@2`),
      /@2 is not in \[docker-archive\] .*: its manifest\.json lists 2 image\(s\), @0 to @1/,
    );
    await assert.rejects(resolved(`docker-archive:${out}`), /holds 2 images and no tag was given/);
  });

  it('an image copied from it keeps its name in the next archive', async () => {
    const ref = parseReference(`docker-archive:${out}:app:1`);
    const src = await openSource(ref);
    const next = join(work, 'next.tar');
    const dstRef = parseReference(`oci-archive:${next}`);
    const dst = await openDestination(dstRef);
    await copy(src, ref, dst, dstRef);
    await Promise.all([src.close('success'), dst.close('success')]);
    const entries = ((await archiveFiles(next)).json['index.json'] as Index).manifests;
    assert.deepEqual(entries[0].annotations, { [IMAGE_NAME]: 'docker.io/library/app:1', [REF_NAME]: '1' });
  });
});
