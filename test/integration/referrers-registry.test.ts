import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { copy } from '../../src/api/copy.js';
import { parseReference, type RegistryReference } from '../../src/oci/reference.js';
import { openDestination, openSource } from '../../src/targets/open-target.js';
import { openRegistryRepository } from '../../src/targets/registry/index.js';
import { makeImageLayout, pushLayoutWithSkopeo, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import {
  describeBytes,
  EMPTY,
  fallbackTag,
  getManifest,
  OCI_INDEX,
  OCI_MANIFEST,
  pushReferrer,
  SBOM_CONFIG,
  SIGNATURE,
  writeFallbackIndex,
  type Desc,
} from '../support/referrer-artifacts.js';
import { REPO_ROOT, runAction } from '../support/run-action.js';

const ATTESTATION = 'application/vnd.example.attestation.v1';

/** An image with a signature and an SBOM, and a signature of the SBOM, all listed through the tag schema. */
async function seedSource(registry: TestRegistry, image: ImageLayout, repo: string) {
  await pushLayoutWithSkopeo(image.dir, 'v1', `${registry.host}/${repo}`);
  const subject = image.root;
  const signature = await pushReferrer(registry, repo, subject, {
    artifactType: SIGNATURE,
    payload: 'signature of the image',
    annotations: { 'org.example.signer': 'release-key' },
  });
  const sbom = await pushReferrer(registry, repo, subject, { configType: SBOM_CONFIG, payload: '{"spdxVersion":"SPDX-2.3"}' });
  const sbomSignature = await pushReferrer(registry, repo, sbom, { artifactType: SIGNATURE, payload: 'signature of the sbom' });
  await writeFallbackIndex(registry, repo, subject, [signature, sbom]);
  await writeFallbackIndex(registry, repo, sbom, [sbomSignature]);
  return { subject, signature, sbom, sbomSignature };
}

async function copyWithReferrers(
  source: string,
  destination: string,
  options: { platform?: { os: string; architecture: string } } = {},
): Promise<void> {
  const srcRef = parseReference(source);
  const dstRef = parseReference(destination);
  const src = await openSource(srcRef);
  const dst = await openDestination(dstRef);
  try {
    await copy(src, srcRef, dst, dstRef, { referrers: true, ...options });
    await Promise.all([src.close('success'), dst.close('success')]);
  } catch (err) {
    await Promise.all([src.close('failure'), dst.close('failure')]);
    throw err;
  }
}

const byDigest = (list: Desc[]) => [...list].sort((a, b) => a.digest.localeCompare(b.digest));

describe('referrers on registries without the referrers API (tag schema both ways)', () => {
  let source: TestRegistry;
  let target: TestRegistry;
  let work: string;
  let image: ImageLayout;
  let seeded: Awaited<ReturnType<typeof seedSource>>;

  before(async () => {
    [source, target] = await Promise.all([startRegistry(), startRegistry()]);
    work = await mkdtemp(join(tmpdir(), 'oci-copy-referrers-'));
    image = await makeImageLayout(join(work, 'seed'), { tag: 'v1', platforms: [{ architecture: 'amd64', layers: [{ size: 20_000 }] }] });
    seeded = await seedSource(source, image, 'src/app');
  });

  after(async () => {
    await Promise.all([source?.stop(), target?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('the registry has no referrers API, so the tag schema is what is exercised', async () => {
    const res = await fetch(`${source.url}/v2/src/app/referrers/${seeded.subject.digest}`);
    await res.arrayBuffer();
    assert.equal(res.status, 404);
  });

  it('copies both referrers and the referrer of a referrer, and writes the destination fallback indexes', async () => {
    await target.resetRequests();
    await copyWithReferrers(`${source.host}/src/app:v1`, `${target.host}/dst/app:v1`);
    for (const d of [seeded.signature, seeded.sbom, seeded.sbomSignature]) {
      assert.equal((await getManifest(target, 'dst/app', d.digest)).status, 200, `${d.digest} arrived`);
    }
    const index = await getManifest(target, 'dst/app', fallbackTag(seeded.subject.digest));
    assert.equal(index.status, 200);
    assert.equal(index.doc!.mediaType, OCI_INDEX);
    assert.deepEqual(byDigest(index.doc!.manifests), byDigest([seeded.signature, seeded.sbom]));
    // the SBOM had no artifactType: its config's media type stands for it
    assert.equal(index.doc!.manifests.find((d) => d.digest === seeded.sbom.digest)!.artifactType, SBOM_CONFIG);
    assert.deepEqual(index.doc!.manifests.find((d) => d.digest === seeded.signature.digest)!.annotations, {
      'org.example.signer': 'release-key',
    });
    const nested = await getManifest(target, 'dst/app', fallbackTag(seeded.sbom.digest));
    assert.deepEqual(nested.doc!.manifests, [seeded.sbomSignature]);
    // each fallback index is read before it is written, never written blind
    const tagPath = `/v2/dst/app/manifests/${fallbackTag(seeded.subject.digest)}`;
    const calls = (await target.settledRequests()).filter((q) => q.path === tagPath);
    assert.deepEqual(
      calls
        .map((q) => q.method)
        .filter((m) => m !== 'HEAD')
        .slice(0, 2),
      ['GET', 'PUT'],
    );
    // the tag comes last, once the signatures are in: a signed image is never tagged unsigned
    const puts = (await target.settledRequests()).filter((q) => q.method === 'PUT' && q.path.includes('/manifests/')).map((q) => q.path);
    assert.equal(puts.at(-1), '/v2/dst/app/manifests/v1');
    for (const d of [seeded.signature, seeded.sbom, seeded.sbomSignature]) {
      assert.ok(puts.indexOf(`/v2/dst/app/manifests/${d.digest}`) < puts.length - 1, `${d.digest} before the tag`);
    }
  });

  it('merges into a destination fallback index that already lists another referrer', async () => {
    const pre = await (async () => {
      // the destination holds the subject and an attestation the source never had
      await pushLayoutWithSkopeo(image.dir, 'v1', `${target.host}/merge/app`);
      const attestation = await pushReferrer(target, 'merge/app', seeded.subject, { artifactType: ATTESTATION, payload: 'provenance' });
      await writeFallbackIndex(target, 'merge/app', seeded.subject, [attestation]);
      return attestation;
    })();
    await copyWithReferrers(`${source.host}/src/app:v1`, `${target.host}/merge/app:v1`);
    const index = await getManifest(target, 'merge/app', fallbackTag(seeded.subject.digest));
    assert.deepEqual(index.doc!.manifests[0], pre, 'the entry already there stays first, unchanged');
    assert.deepEqual(byDigest(index.doc!.manifests), byDigest([pre, seeded.signature, seeded.sbom]));

    // a second copy finds everything listed and leaves the index alone
    await target.resetRequests();
    await copyWithReferrers(`${source.host}/src/app:v1`, `${target.host}/merge/app:v1`);
    assert.ok(
      !(await target.settledRequests()).some((q) => q.method === 'PUT' && q.path.includes('/manifests/sha256-')),
      'no index rewritten',
    );
    const again = await getManifest(target, 'merge/app', fallbackTag(seeded.subject.digest));
    assert.equal(again.doc!.manifests.length, 3);
  });

  it('concurrent referrer pushes to one subject all end up listed', async () => {
    const ref = parseReference(`${target.host}/race/app`) as RegistryReference;
    const repo = openRegistryRepository(ref);
    try {
      const subjectBytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }));
      const subject = describeBytes(subjectBytes, OCI_INDEX);
      await repo.push(subject, Readable.from([subjectBytes]));
      const empty = Buffer.from('{}');
      const emptyDesc = describeBytes(empty, EMPTY);
      await repo.push(emptyDesc, Readable.from([empty]));
      const referrers = Array.from({ length: 8 }, (_, i) => {
        const bytes = Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: OCI_MANIFEST,
            artifactType: `application/vnd.example.n${i}`,
            config: emptyDesc,
            layers: [emptyDesc],
            subject,
          }),
        );
        return { bytes, desc: describeBytes(bytes, OCI_MANIFEST) };
      });
      await Promise.all(referrers.map((r) => repo.push(r.desc, Readable.from([r.bytes]))));
      const index = await getManifest(target, 'race/app', fallbackTag(subject.digest));
      assert.deepEqual(index.doc!.manifests.map((d) => d.digest).sort(), referrers.map((r) => r.desc.digest).sort());
      assert.deepEqual(
        (await repo.referrers(subject, 'application/vnd.example.n3')).map((d) => d.digest),
        [referrers[3].desc.digest],
      );
    } finally {
      await repo.close('success');
    }
  });

  it('with a platform, the referrers of that manifest come along and those of the index do not', async () => {
    const multi = await makeImageLayout(join(work, 'multi'), {
      tag: 'v1',
      platforms: [
        { architecture: 'amd64', layers: [{ size: 5_000 }] },
        { architecture: 'arm64', layers: [{ size: 6_000 }] },
      ],
    });
    await pushLayoutWithSkopeo(multi.dir, 'v1', `${source.host}/src/multi`);
    const arm64 = multi.manifests[1].descriptor;
    const indexSignature = await pushReferrer(source, 'src/multi', multi.root, {
      artifactType: SIGNATURE,
      payload: 'signature of the index',
    });
    const armSignature = await pushReferrer(source, 'src/multi', arm64, { artifactType: SIGNATURE, payload: 'signature of arm64' });
    await writeFallbackIndex(source, 'src/multi', multi.root, [indexSignature]);
    await writeFallbackIndex(source, 'src/multi', arm64, [armSignature]);
    await copyWithReferrers(`${source.host}/src/multi:v1`, `${target.host}/arm/multi:v1`, {
      platform: { os: 'linux', architecture: 'arm64' },
    });
    assert.equal((await getManifest(target, 'arm/multi', armSignature.digest)).status, 200);
    assert.deepEqual((await getManifest(target, 'arm/multi', fallbackTag(arm64.digest))).doc!.manifests, [armSignature]);
    assert.equal(
      (await getManifest(target, 'arm/multi', indexSignature.digest)).status,
      404,
      'no referrer of a subject that was not copied',
    );
    assert.equal((await getManifest(target, 'arm/multi', fallbackTag(multi.root.digest))).status, 404);
  });

  it('the bundled action copies referrers with referrers: true and keeps the fallback index', async () => {
    const run = await runAction({
      source: `${source.host}/src/app:v1`,
      destination: `${target.host}/action/app:v1`,
      referrers: 'true',
      'blob-cache': 'false',
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const index = await getManifest(target, 'action/app', fallbackTag(seeded.subject.digest));
    assert.deepEqual(byDigest(index.doc!.manifests), byDigest([seeded.signature, seeded.sbom]));
    const blobs = JSON.parse(run.outputs.blobs) as Desc[];
    for (const d of [seeded.signature, seeded.sbom, seeded.sbomSignature]) {
      assert.ok(
        blobs.some((b) => b.digest === d.digest),
        `blobs output lists ${d.digest}`,
      );
    }
  });

  it('the command line copies referrers into a layout with --referrers', async () => {
    const layout = join(work, 'cli-layout');
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          join(REPO_ROOT, 'lib', 'src', 'cli', 'index.js'),
          `${source.host}/src/app:v1`,
          `oci:${layout}:v1`,
          '--referrers',
          '--json',
          '--no-blob-cache',
        ],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b) => (stdout += b));
      child.stderr.on('data', (b) => (stderr += b));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { digest: string; blobs: Desc[] };
    assert.equal(out.digest, seeded.subject.digest);
    for (const d of [seeded.signature, seeded.sbom, seeded.sbomSignature]) {
      assert.ok(
        out.blobs.some((b) => b.digest === d.digest),
        `${d.digest} reported`,
      );
      await stat(join(layout, 'blobs', 'sha256', d.digest.slice(7)));
    }
  });

  it('the bundled action without referrers copies none', async () => {
    const run = await runAction({ source: `${source.host}/src/app:v1`, destination: `${target.host}/plain/app:v1`, 'blob-cache': 'false' });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal((await getManifest(target, 'plain/app', seeded.signature.digest)).status, 404);
    assert.equal((await getManifest(target, 'plain/app', fallbackTag(seeded.subject.digest))).status, 404);
  });
});
