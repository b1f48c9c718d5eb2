import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { copy } from '../../src/api/copy.js';
import type { Descriptor } from '../../src/oci/descriptor.js';
import { ContentError, NotFoundError } from '../../src/oci/errors.js';
import { openArchiveFile } from '../../src/targets/archive/reader.js';
import { openArchiveFileWriter } from '../../src/targets/archive/writer.js';
import { openLayout } from '../../src/targets/layout/layout.js';
import type { ReferrerLister, Target } from '../../src/targets/target.js';
import { blob } from '../support/blobs.js';

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const INDEX = 'application/vnd.oci.image.index.v1+json';
const EMPTY = 'application/vnd.oci.empty.v1+json';
const SIGNATURE = 'application/vnd.example.signature.v1';
const SBOM_CONFIG = 'application/vnd.example.sbom.config.v1+json';
const REF_NAME = 'org.opencontainers.image.ref.name';

type Node = ReturnType<typeof blob>;

/** An image (config, layer, manifest) in the order a copy pushes it: children first. */
function image(seed: string): { nodes: Node[]; root: Node } {
  const config = blob(JSON.stringify({ architecture: 'amd64', os: 'linux', seed }), 'application/vnd.oci.image.config.v1+json');
  const layer = blob(`layer ${seed}`.repeat(50), 'application/vnd.oci.image.layer.v1.tar');
  const root = blob(JSON.stringify({ schemaVersion: 2, mediaType: MANIFEST, config: config.desc, layers: [layer.desc] }), MANIFEST);
  return { nodes: [config, layer, root], root };
}

/** A referrer artifact of `subject`: `artifactType` when given, else its config's media type stands for it. */
function referrer(
  subject: Descriptor,
  options: { artifactType?: string; configType?: string; payload: string; annotations?: Record<string, string> },
) {
  const config = options.configType ? blob(JSON.stringify({ kind: options.payload }), options.configType) : blob('{}', EMPTY);
  const layer = blob(options.payload, 'application/octet-stream');
  const root = blob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST,
      ...(options.artifactType ? { artifactType: options.artifactType } : {}),
      config: config.desc,
      layers: [layer.desc],
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
      ...(options.annotations ? { annotations: options.annotations } : {}),
    }),
    MANIFEST,
  );
  const listed: Descriptor = {
    ...root.desc,
    artifactType: options.artifactType ?? options.configType,
    ...(options.annotations ? { annotations: options.annotations } : {}),
  };
  return { nodes: [config, layer, root], root, listed };
}

async function pushAll(target: Target, nodes: Node[]): Promise<void> {
  for (const n of nodes) await target.push(n.desc, Readable.from([n.bytes]));
}

/** An image tagged v1 with a signature and an SBOM, and a signature of the SBOM. */
function scene() {
  const img = image('app');
  const signature = referrer(img.root.desc, {
    artifactType: SIGNATURE,
    payload: 'signature',
    annotations: { 'org.example.signer': 'release-key' },
  });
  const sbom = referrer(img.root.desc, { configType: SBOM_CONFIG, payload: '{"spdxVersion":"SPDX-2.3"}' });
  const sbomSignature = referrer(sbom.root.desc, { artifactType: SIGNATURE, payload: 'signature of the sbom' });
  return { img, signature, sbom, sbomSignature };
}

async function writeScene(target: Target, s: ReturnType<typeof scene>): Promise<void> {
  await pushAll(target, s.img.nodes);
  await pushAll(target, s.signature.nodes);
  await pushAll(target, s.sbom.nodes);
  await pushAll(target, s.sbomSignature.nodes);
  await target.tag(s.img.root.desc, 'v1');
}

const byDigest = (list: Descriptor[]) => [...list].sort((a, b) => a.digest.localeCompare(b.digest));

async function checkReads(lister: ReferrerLister & Pick<Target, 'resolve'>, s: ReturnType<typeof scene>): Promise<void> {
  assert.equal((await lister.resolve(undefined)).digest, s.img.root.desc.digest, 'the one tagged image, referrers not counted');
  assert.equal((await lister.resolve('v1')).digest, s.img.root.desc.digest);
  assert.deepEqual(byDigest(await lister.referrers(s.img.root.desc)), byDigest([s.signature.listed, s.sbom.listed]));
  assert.deepEqual(await lister.referrers(s.img.root.desc, SIGNATURE), [s.signature.listed]);
  assert.deepEqual(await lister.referrers(s.sbom.root.desc), [s.sbomSignature.listed]);
  assert.deepEqual(await lister.referrers(s.signature.root.desc), []);
}

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'layout-referrers-test-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('referrers in a layout directory', () => {
  it('lists pushed referrers untagged in index.json and finds them again', async () => {
    const dir = join(work, 'layout');
    const layout = await openLayout(dir, { create: true });
    const s = scene();
    await writeScene(layout, s);
    await layout.close('success');
    const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
    const tagged = index.manifests.filter((d) => d.annotations?.[REF_NAME]);
    assert.deepEqual(tagged, [{ ...s.img.root.desc, annotations: { [REF_NAME]: 'v1' } }]);
    const untagged = index.manifests.filter((d) => !d.annotations?.[REF_NAME]);
    assert.deepEqual(byDigest(untagged), byDigest([s.signature.listed, s.sbom.listed, s.sbomSignature.listed]));
    assert.equal(untagged.find((d) => d.digest === s.sbom.root.desc.digest)!.artifactType, SBOM_CONFIG);
    assert.deepEqual(await layout.tags(), ['v1']);

    const reopened = await openLayout(dir);
    await checkReads(reopened, s);
  });

  it('lists nothing new when the copy fails', async () => {
    const dir = join(work, 'failed');
    // A layout that was there before (a new one is removed whole when its copy fails).
    await (await openLayout(dir, { create: true })).close('success');
    const layout = await openLayout(dir, { create: true });
    const s = scene();
    await pushAll(layout, s.img.nodes);
    await pushAll(layout, s.signature.nodes);
    await layout.close('failure');
    const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
    assert.deepEqual(index.manifests, []);
  });

  it('does not count referrers when several images are there and no tag is given', async () => {
    const dir = join(work, 'several');
    const layout = await openLayout(dir, { create: true });
    const s = scene();
    await writeScene(layout, s);
    const other = image('other');
    await pushAll(layout, other.nodes);
    await layout.tag(other.root.desc, 'v2');
    await layout.close('success');
    await assert.rejects(
      (await openLayout(dir)).resolve(undefined),
      (err: Error) =>
        err instanceof NotFoundError && /holds 2 images and no tag was given: name one of its tags \(v1, v2\)/.test(err.message),
    );
  });

  it('honours a sha256-<hex> referrers index that another tool tagged', async () => {
    const dir = join(work, 'tagschema');
    const layout = await openLayout(dir, { create: true });
    const img = image('schema');
    const signature = referrer(img.root.desc, { artifactType: SIGNATURE, payload: 'sig' });
    await pushAll(layout, img.nodes);
    // The referrer's blobs only: it is listed by the tag-schema index, not as an entry of its own.
    for (const n of signature.nodes) await writeFile(join(dir, 'blobs', 'sha256', n.desc.digest.slice(7)), n.bytes);
    const referrersIndex = blob(JSON.stringify({ schemaVersion: 2, mediaType: INDEX, manifests: [signature.listed] }), INDEX);
    await writeFile(join(dir, 'blobs', 'sha256', referrersIndex.desc.digest.slice(7)), referrersIndex.bytes);
    await layout.tag(img.root.desc, 'v1');
    await layout.tag(referrersIndex.desc, img.root.desc.digest.replace(':', '-'));
    await layout.close('success');

    const reopened = await openLayout(dir);
    assert.deepEqual(await reopened.referrers(img.root.desc), [signature.listed]);
    assert.equal((await reopened.resolve(undefined)).digest, img.root.desc.digest, 'the referrers index is no image of its own');
  });

  it('refuses a listed manifest whose bytes do not match', async () => {
    const dir = join(work, 'tampered');
    const layout = await openLayout(dir, { create: true });
    const s = scene();
    await writeScene(layout, s);
    await layout.close('success');
    const path = join(dir, 'blobs', 'sha256', s.signature.root.desc.digest.slice(7));
    const bytes = await readFile(path);
    bytes[bytes.length - 2] ^= 1;
    await writeFile(path, bytes);
    await assert.rejects(
      (await openLayout(dir)).referrers(s.img.root.desc),
      (err: Error) => err instanceof ContentError && err.message.includes(s.signature.root.desc.digest),
    );
  });
});

describe('referrers in an archive', () => {
  it('lists pushed referrers untagged in index.json and finds them again', async () => {
    const file = join(work, 'referrers.tar');
    const writer = await openArchiveFileWriter(file);
    const s = scene();
    await writeScene(writer, s);
    assert.equal((await writer.resolve(undefined)).digest, s.img.root.desc.digest);
    await writer.close('success');

    const reader = await openArchiveFile(file);
    const untagged = reader.index.manifests.filter((d) => !d.annotations?.[REF_NAME]);
    assert.deepEqual(byDigest(untagged), byDigest([s.signature.listed, s.sbom.listed, s.sbomSignature.listed]));
    await checkReads(reader, s);
    assert.deepEqual(await reader.tags(), ['v1']);

    // Copied on into a layout with referrers, everything arrives and is listed there too.
    const dir = join(work, 'from-archive');
    const layout = await openLayout(dir, { create: true });
    await copy(reader, { tags: ['v1'] }, layout, { tags: [] }, { referrers: true });
    await Promise.all([reader.close('success'), layout.close('success')]);
    await checkReads(await openLayout(dir), s);
  });

  it('keeps the referrers of the archive it extends', async () => {
    const file = join(work, 'extended.tar');
    const s = scene();
    const first = await openArchiveFileWriter(file);
    await writeScene(first, s);
    await first.close('success');
    const second = await openArchiveFileWriter(file);
    const other = image('second');
    await pushAll(second, other.nodes);
    await second.tag(other.root.desc, 'v2');
    await second.close('success');
    const reader = await openArchiveFile(file);
    assert.deepEqual(byDigest(await reader.referrers(s.img.root.desc)), byDigest([s.signature.listed, s.sbom.listed]));
    assert.deepEqual(await reader.tags(), ['v1', 'v2']);
    await assert.rejects(reader.resolve(undefined), /holds 2 images/);
    await reader.close('success');
  });
});
