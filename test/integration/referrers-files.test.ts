// Referrers (signatures, SBOMs) through air-gapped bundles: registry → archive or layout → registry
// with referrers copied on both legs, against the real registry, which lists referrers only
// through the `sha256-<hex>` tag schema. skopeo checks that the bundles stay readable.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copy } from '../../src/api/copy.js';
import { parseReference } from '../../src/oci/reference.js';
import { openArchiveFile } from '../../src/targets/archive/reader.js';
import { openLayout } from '../../src/targets/layout/layout.js';
import { openDestination, openSource } from '../../src/targets/open-target.js';
import { makeImageLayout, pushLayoutWithSkopeo, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import {
  describeBytes,
  fallbackTag,
  getManifest,
  OCI_MANIFEST,
  pushReferrer,
  SBOM_CONFIG,
  SIGNATURE,
  writeFallbackIndex,
  type Desc,
} from '../support/referrer-artifacts.js';
import { skopeoInspectRaw } from '../support/skopeo.js';

const REF_NAME = 'org.opencontainers.image.ref.name';

async function copyWithReferrers(source: string, destination: string): Promise<string> {
  const srcRef = parseReference(source);
  const dstRef = parseReference(destination);
  const src = await openSource(srcRef);
  const dst = await openDestination(dstRef);
  try {
    const root = await copy(src, srcRef, dst, dstRef, { referrers: true });
    await Promise.all([src.close('success'), dst.close('success')]);
    return root.digest;
  } catch (err) {
    await Promise.all([src.close('failure'), dst.close('failure')]);
    throw err;
  }
}

const byDigest = (list: Desc[]) => [...list].sort((a, b) => a.digest.localeCompare(b.digest));

describe('referrers through archives and layouts', () => {
  let source: TestRegistry;
  let target: TestRegistry;
  let work: string;
  let image: ImageLayout;
  let seeded: { subject: Desc; signature: Desc; sbom: Desc; sbomSignature: Desc };

  before(async () => {
    [source, target] = await Promise.all([startRegistry(), startRegistry()]);
    work = await mkdtemp(join(tmpdir(), 'oci-copy-referrers-files-'));
    image = await makeImageLayout(join(work, 'seed'), { tag: 'v1', platforms: [{ architecture: 'amd64', layers: [{ size: 30_000 }] }] });
    await pushLayoutWithSkopeo(image.dir, 'v1', `${source.host}/src/app`);
    const subject = image.root;
    const signature = await pushReferrer(source, 'src/app', subject, {
      artifactType: SIGNATURE,
      payload: 'signature of the image',
      annotations: { 'org.example.signer': 'release-key' },
    });
    const sbom = await pushReferrer(source, 'src/app', subject, { configType: SBOM_CONFIG, payload: '{"spdxVersion":"SPDX-2.3"}' });
    const sbomSignature = await pushReferrer(source, 'src/app', sbom, { artifactType: SIGNATURE, payload: 'signature of the sbom' });
    await writeFallbackIndex(source, 'src/app', subject, [signature, sbom]);
    await writeFallbackIndex(source, 'src/app', sbom, [sbomSignature]);
    seeded = { subject, signature, sbom, sbomSignature };
  });

  after(async () => {
    await Promise.all([source?.stop(), target?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** The final registry holds every referrer, and its tag-schema indexes list them as the source did. */
  async function checkArrived(repo: string): Promise<void> {
    for (const d of [seeded.subject, seeded.signature, seeded.sbom, seeded.sbomSignature]) {
      assert.equal((await getManifest(target, repo, d.digest)).status, 200, `${d.digest} arrived in ${repo}`);
    }
    const index = await getManifest(target, repo, fallbackTag(seeded.subject.digest));
    assert.equal(index.status, 200, 'the subject has a referrers index');
    assert.deepEqual(byDigest(index.doc!.manifests), byDigest([seeded.signature, seeded.sbom]));
    assert.equal(index.doc!.manifests.find((d) => d.digest === seeded.sbom.digest)!.artifactType, SBOM_CONFIG);
    assert.deepEqual(index.doc!.manifests.find((d) => d.digest === seeded.signature.digest)!.annotations, {
      'org.example.signer': 'release-key',
    });
    assert.deepEqual((await getManifest(target, repo, fallbackTag(seeded.sbom.digest))).doc!.manifests, [seeded.sbomSignature]);
  }

  it('registry → archive → registry carries the signature, the SBOM and the signature of the SBOM', async () => {
    const archive = join(work, 'bundle.tar');
    assert.equal(await copyWithReferrers(`${source.host}/src/app:v1`, `oci-archive:${archive}:v1`), seeded.subject.digest);

    const reader = await openArchiveFile(archive);
    const untagged = reader.index.manifests.filter((d) => !d.annotations?.[REF_NAME]);
    assert.deepEqual(byDigest(untagged), byDigest([seeded.signature, seeded.sbom, seeded.sbomSignature]), 'referrers are listed untagged');
    assert.deepEqual(await reader.tags(), ['v1']);
    assert.equal((await reader.resolve('v1')).digest, seeded.subject.digest);
    await reader.close('success');

    assert.equal(await copyWithReferrers(`oci-archive:${archive}:v1`, `${target.host}/from-archive/app:v1`), seeded.subject.digest);
    await checkArrived('from-archive/app');
  });

  it('skopeo still reads the archive by tag, and an archive reference without a tag finds the one image', async () => {
    const archive = join(work, 'bundle.tar');
    const raw = await skopeoInspectRaw(`oci-archive:${archive}:v1`);
    assert.equal(describeBytes(Buffer.from(raw), OCI_MANIFEST).digest, seeded.subject.digest);
    assert.equal(await copyWithReferrers(`oci-archive:${archive}`, `${target.host}/untagged-archive/app:v1`), seeded.subject.digest);
    await checkArrived('untagged-archive/app');
  });

  it('registry → layout → registry carries them too, and the layout resolves without a tag', async () => {
    const dir = join(work, 'bundle-layout');
    assert.equal(await copyWithReferrers(`${source.host}/src/app:v1`, `oci:${dir}:v1`), seeded.subject.digest);
    const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: Desc[] };
    assert.deepEqual(
      index.manifests.filter((d) => d.annotations?.[REF_NAME]).map((d) => [d.digest, d.annotations![REF_NAME]]),
      [[seeded.subject.digest, 'v1']],
    );
    assert.equal(index.manifests.length, 4);

    const layout = await openLayout(dir);
    assert.equal((await layout.resolve(undefined)).digest, seeded.subject.digest);
    assert.deepEqual(byDigest(await layout.referrers(seeded.subject)), byDigest([seeded.signature, seeded.sbom]));
    assert.deepEqual(await layout.referrers(seeded.subject, SBOM_CONFIG), [seeded.sbom]);

    const raw = await skopeoInspectRaw(`oci:${dir}:v1`);
    assert.equal(describeBytes(Buffer.from(raw), OCI_MANIFEST).digest, seeded.subject.digest);

    assert.equal(await copyWithReferrers(`oci:${dir}`, `${target.host}/from-layout/app:v1`), seeded.subject.digest);
    await checkArrived('from-layout/app');
  });

  it('layout → archive → layout keeps the referrers listed at every step', async () => {
    const archive = join(work, 'second.tar');
    const dir = join(work, 'second-layout');
    await copyWithReferrers(`oci:${join(work, 'bundle-layout')}:v1`, `oci-archive:${archive}:v1`);
    await copyWithReferrers(`oci-archive:${archive}:v1`, `oci:${dir}:v1`);
    const layout = await openLayout(dir);
    assert.deepEqual(byDigest(await layout.referrers(seeded.subject)), byDigest([seeded.signature, seeded.sbom]));
    assert.deepEqual(await layout.referrers(seeded.sbom), [seeded.sbomSignature]);
  });

  it('without referrers, the archive holds the image alone', async () => {
    const archive = join(work, 'plain.tar');
    const srcRef = parseReference(`${source.host}/src/app:v1`);
    const dstRef = parseReference(`oci-archive:${archive}:v1`);
    const src = await openSource(srcRef);
    const dst = await openDestination(dstRef);
    await copy(src, srcRef, dst, dstRef);
    await Promise.all([src.close('success'), dst.close('success')]);
    const reader = await openArchiveFile(archive);
    assert.deepEqual(
      reader.index.manifests.map((d) => d.digest),
      [seeded.subject.digest],
    );
    assert.deepEqual(await reader.referrers(seeded.subject), []);
    assert.equal(
      reader.blobs().some((b) => b.digest === seeded.signature.digest),
      false,
    );
    await reader.close('success');
  });
});
