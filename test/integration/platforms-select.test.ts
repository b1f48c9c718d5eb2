import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyToMany } from '../../src/api/copy.js';
import type { CopyEvent } from '../../src/copy/events.js';
import { eventLine } from '../../src/job/render/event-lines.js';
import { parseReference } from '../../src/oci/reference.js';
import { openDestination, openSource } from '../../src/targets/open-target.js';
import { copyRefs } from '../support/copy-refs.js';
import { makeImageLayout, pushLayoutWithSkopeo, type ImageLayout } from '../support/images.js';
import { getManifest, OCI_INDEX, OCI_MANIFEST, pushBlob, putManifest, type Desc } from '../support/referrer-artifacts.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { runAction } from '../support/run-action.js';
import { skopeoInspectRaw, skopeoPullAllBlobs } from '../support/skopeo.js';

type Resolved = Extract<CopyEvent, { type: 'resolved' }>;
const WRITES = new Set(['PUT', 'POST', 'PATCH']);
const amd64 = { os: 'linux', architecture: 'amd64' };
const arm64 = { os: 'linux', architecture: 'arm64' };

describe('platforms: a single-platform image is checked, a list makes a new index', () => {
  let source: TestRegistry;
  let target: TestRegistry;
  let work: string;
  let multi: ImageLayout;
  let single: ImageLayout;
  /** The source index as buildx writes one: three platforms, and an attestation manifest for two of them. */
  let index: { desc: Desc; doc: { manifests: Desc[]; annotations: Record<string, string> } };

  before(async () => {
    [source, target] = await Promise.all([startRegistry(), startRegistry()]);
    work = await mkdtemp(join(tmpdir(), 'oci-copy-platforms-'));
    multi = await makeImageLayout(join(work, 'multi'), {
      tag: 'v1',
      platforms: [
        { architecture: 'amd64', layers: [{ size: 9_000 }] },
        { architecture: 'arm64', variant: 'v8', layers: [{ size: 8_000 }] },
        { architecture: 'arm', variant: 'v7', layers: [{ size: 7_000 }] },
      ],
    });
    await pushLayoutWithSkopeo(multi.dir, 'v1', `${source.host}/src/multi`);
    const attestationFor = async (manifest: Desc) => {
      const config = await pushBlob(source, 'src/multi', Buffer.from('{}'), 'application/vnd.oci.image.config.v1+json');
      const layer = await pushBlob(
        source,
        'src/multi',
        Buffer.from(`{"predicateType":"https://slsa.dev/provenance/v0.2","for":"${manifest.digest}"}`),
        'application/vnd.in-toto+json',
      );
      const att = await putManifest(
        source,
        'src/multi',
        'tmp',
        { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] },
        OCI_MANIFEST,
      );
      return {
        ...att,
        platform: { architecture: 'unknown', os: 'unknown' },
        annotations: { 'vnd.docker.reference.digest': manifest.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
      };
    };
    const platforms = multi.manifests.map((m) => m.descriptor as Desc);
    const doc = {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [...platforms, await attestationFor(platforms[0]), await attestationFor(platforms[2])],
      annotations: { 'org.opencontainers.image.version': '1.2.0', 'org.opencontainers.image.source': 'https://example.com/app' },
    };
    index = { desc: await putManifest(source, 'src/multi', 'v1', doc, OCI_INDEX), doc };
    single = await makeImageLayout(join(work, 'single'), { tag: 'v1', platforms: [{ architecture: 'amd64', layers: [{ size: 5_000 }] }] });
    await pushLayoutWithSkopeo(single.dir, 'v1', `${source.host}/src/single`);
  });

  after(async () => {
    await Promise.all([source?.stop(), target?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('refuses a single-platform image that is not the platform asked for, naming both, and writes nothing', async () => {
    await target.resetRequests();
    await assert.rejects(
      copyRefs(`${source.host}/src/single:v1`, `${target.host}/dst/single:v1`, { platform: arm64 }),
      /^NotFoundError: platform linux\/arm64 is not in \[registry\] [^ ]+\/src\/single \(v1\): it is a single-platform image for linux\/amd64$/,
    );
    assert.deepEqual(
      (await target.settledRequests()).filter((q) => WRITES.has(q.method)),
      [],
    );
  });

  it('refuses a platform for an artifact whose config names none', async () => {
    const config = await pushBlob(source, 'src/artifact', Buffer.from('{}'), 'application/vnd.oci.empty.v1+json');
    const layer = await pushBlob(source, 'src/artifact', Buffer.from('a chart'), 'application/vnd.example.chart.v1');
    await putManifest(
      source,
      'src/artifact',
      'v1',
      { schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: 'application/vnd.example.chart', config, layers: [layer] },
      OCI_MANIFEST,
    );
    await assert.rejects(
      copyRefs(`${source.host}/src/artifact:v1`, `${target.host}/dst/artifact:v1`, { platform: amd64 }),
      /^NotFoundError: platform linux\/amd64 asked for, but \[registry\] \S+\/src\/artifact \(v1\) names no platform: it is not an image whose config gives os and architecture; copy it without a platform$/,
    );
  });

  it('copies a single-platform image that is the platform asked for, and says which it is', async () => {
    const { root, events } = await copyRefs(`${source.host}/src/single:v1`, `${target.host}/dst/single:v1`, { platform: amd64 });
    assert.equal(root.digest, single.root.digest);
    const resolved = events.find((e): e is Resolved => e.type === 'resolved')!;
    assert.deepEqual(resolved.platforms, [
      { platform: amd64, mediaType: single.root.mediaType, digest: single.root.digest, size: single.root.size },
    ]);
  });

  it('makes a new index of two of three platforms, keeping the annotations and their attestations; skopeo pulls it whole', async () => {
    const { root, events } = await copyRefs(`${source.host}/src/multi:v1`, `${target.host}/dst/two:v1`, {
      platform: [amd64, { os: 'linux', architecture: 'arm', variant: 'v7' }],
    });
    const [amd, arm64m, arm7, attAmd, attArm7] = index.doc.manifests;
    const expected = { ...index.doc, manifests: [amd, arm7, attAmd, attArm7] };
    const expectedBytes = Buffer.from(JSON.stringify(expected));
    assert.equal(
      root.digest,
      `sha256:${createHash('sha256').update(expectedBytes).digest('hex')}`,
      'the new index is the source index with two entries gone',
    );
    assert.notEqual(root.digest, index.desc.digest);
    const stored = JSON.parse(await skopeoInspectRaw(`${target.host}/dst/two:v1`)) as typeof index.doc;
    assert.deepEqual(stored, expected);
    assert.deepEqual(stored.annotations, index.doc.annotations);
    assert.equal((await getManifest(target, 'dst/two', arm64m.digest)).status, 404, 'the platform not asked for stays behind');

    const pulled = await skopeoPullAllBlobs(`${target.host}/dst/two:v1`);
    try {
      const layout = JSON.parse(await readFile(join(pulled, 'index.json'), 'utf8')) as { manifests: Desc[] };
      assert.equal(layout.manifests[0].digest, root.digest, 'skopeo copied the new index as it is');
    } finally {
      await rm(pulled, { recursive: true, force: true });
    }

    const resolved = events.find((e): e is Resolved => e.type === 'resolved')!;
    assert.equal(resolved.source.digest, index.desc.digest);
    assert.deepEqual(
      resolved.platforms!.map((p) => [p.platform.architecture, p.digest, p.size]),
      [
        ['amd64', amd.digest, amd.size],
        ['arm', arm7.digest, arm7.size],
      ],
    );
    assert.ok(events.map(eventLine).includes(`Selected linux/amd64, linux/arm/v7 of index ${index.desc.digest}: new index ${root.digest}`));
  });

  it('refuses a list with a platform the index lacks, naming what it has', async () => {
    await target.resetRequests();
    await assert.rejects(
      copyRefs(`${source.host}/src/multi:v1`, `${target.host}/dst/missing:v1`, {
        platform: [amd64, { os: 'linux', architecture: 's390x' }],
      }),
      /platform linux\/s390x is not in \[registry\] [^ ]+\/src\/multi \(v1\): it has linux\/amd64, linux\/arm64\/v8, linux\/arm\/v7$/,
    );
    assert.deepEqual(
      (await target.settledRequests()).filter((q) => WRITES.has(q.method)),
      [],
    );
  });

  it('a list of every platform is the source index itself, digest unchanged; one platform is its manifest', async () => {
    const all = await copyRefs(`${source.host}/src/multi:v1`, `${target.host}/dst/all:v1`, {
      platform: [arm64, amd64, { os: 'linux', architecture: 'arm' }],
    });
    assert.equal(all.root.digest, index.desc.digest);
    const one = await copyRefs(`${source.host}/src/multi:v1`, `${target.host}/dst/one:v1`, { platform: [arm64] });
    assert.equal(one.root.digest, multi.manifests[1].descriptor.digest);
  });

  it('every destination of one copy gets the same new index', async () => {
    const srcRef = parseReference(`${source.host}/src/multi:v1`);
    const refs = [parseReference(`${target.host}/many/a:v1`), parseReference(`oci:${join(work, 'many-layout')}:v1`)];
    const src = await openSource(srcRef);
    const dsts = await Promise.all(refs.map((r) => openDestination(r)));
    const root = await copyToMany(
      src,
      srcRef,
      dsts.map((target, i) => ({ target, ref: refs[i] })),
      { platform: [amd64, arm64] },
    );
    await Promise.all([src.close('success'), ...dsts.map((d) => d.close('success'))]);
    assert.equal(await skopeoInspectRaw(`${target.host}/many/a:v1`), await skopeoInspectRaw(`oci:${join(work, 'many-layout')}:v1`));
    assert.equal(
      JSON.parse(await skopeoInspectRaw(`${target.host}/many/a:v1`)).manifests.length,
      3,
      'two platforms and the amd64 attestation',
    );
    assert.notEqual(root.digest, index.desc.digest);
  });

  it('the bundled action takes a comma-separated list, for several destinations', async () => {
    const run = await runAction({
      source: `${source.host}/src/multi:v1`,
      destination: `${target.host}/action/a:v1\n${target.host}/action/b:v1`,
      platform: 'linux/amd64, linux/arm64',
      'blob-cache': 'false',
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const a = await skopeoInspectRaw(`${target.host}/action/a:v1`);
    assert.equal(a, await skopeoInspectRaw(`${target.host}/action/b:v1`));
    assert.equal(run.outputs.digest, `sha256:${createHash('sha256').update(a).digest('hex')}`);
    assert.match(
      run.stdout,
      new RegExp(`Selected linux/amd64, linux/arm64/v8 of index ${index.desc.digest}: new index ${run.outputs.digest}`),
    );
  });
});
