import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeImageLayout, pushLayoutWithSkopeo, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { runAction } from '../support/run-action.js';

interface BlobOutput {
  digest: string;
  mediaType: string;
  size: number;
  action: string;
  from?: string;
  destination?: string;
}

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** The digest a tag names in a registry, asked over plain HTTP; undefined when it is not there. */
async function tagDigest(registry: TestRegistry, repo: string, tag: string): Promise<string | undefined> {
  const res = await fetch(`${registry.url}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers: { Accept: ACCEPT } });
  return res.status === 200 ? (res.headers.get('docker-content-digest') ?? undefined) : undefined;
}

async function hasBlob(registry: TestRegistry, repo: string, digest: string): Promise<boolean> {
  const res = await fetch(`${registry.url}/v2/${repo}/blobs/${digest}`, { method: 'HEAD' });
  return res.status === 200;
}

const WRITES = new Set(['PUT', 'POST', 'PATCH', 'DELETE']);

describe('workflow features through the bundled action', () => {
  let one: TestRegistry;
  let two: TestRegistry;
  let work: string;
  let image: ImageLayout;

  before(async () => {
    [one, two] = await Promise.all([startRegistry(), startRegistry()]);
    work = await mkdtemp(join(tmpdir(), 'oci-copy-features-'));
    image = await makeImageLayout(join(work, 'seed'), {
      tag: 'v1',
      sharedLayers: { base: { size: 60_000 } },
      platforms: [
        { os: 'linux', architecture: 'amd64', layers: ['base', { size: 40_000 }] },
        { os: 'linux', architecture: 'arm64', layers: ['base', { size: 30_000 }] },
      ],
    });
    await pushLayoutWithSkopeo(image.dir, 'v1', `${one.host}/src/app`);
    await pushLayoutWithSkopeo(image.dir, 'v1', `${two.host}/have/app`);
  });

  after(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('platform: linux/arm64 tags the arm64 manifest and moves no amd64 blob', async () => {
    const [amd64, arm64] = image.manifests;
    const amd64Only = [amd64.descriptor, amd64.config, amd64.layers[1]].map((d) => d.digest);
    await two.resetRequests();
    const run = await runAction({
      source: `${one.host}/src/app:v1`,
      destination: `${two.host}/arm/app:v1`,
      platform: 'linux/arm64',
      'blob-cache': 'false',
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.outputs.digest, arm64.descriptor.digest);
    assert.equal(run.outputs['media-type'], 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(await tagDigest(two, 'arm/app', 'v1'), arm64.descriptor.digest);
    for (const d of [arm64.config, ...arm64.layers]) assert.ok(await hasBlob(two, 'arm/app', d.digest), `${d.digest} is there`);
    for (const digest of amd64Only) {
      assert.equal(await hasBlob(two, 'arm/app', digest), false, `${digest} (amd64) is not there`);
      const touched = (await two.settledRequests()).filter((q) => q.path.includes(digest) && q.method !== 'HEAD');
      assert.deepEqual(touched, [], `no request moved ${digest}`);
    }
    assert.equal(await tagDigest(two, 'arm/app', image.root.digest), undefined, 'the index did not travel');
    const blobs = JSON.parse(run.outputs.blobs) as BlobOutput[];
    assert.deepEqual(new Set(blobs.map((b) => b.digest)), new Set([arm64.descriptor, arm64.config, ...arm64.layers].map((d) => d.digest)));
  });

  it('a platform the index lacks fails with one line naming what it has', async () => {
    const run = await runAction({
      source: `${one.host}/src/app:v1`,
      destination: `${two.host}/none/app:v1`,
      platform: 'linux/s390x',
      'blob-cache': 'false',
    });
    assert.equal(run.code, 1);
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    assert.equal(errors.length, 1, run.stdout);
    assert.match(errors[0], /linux\/s390x.*linux\/amd64, linux\/arm64/);
    assert.equal(await tagDigest(two, 'none/app', 'v1'), undefined);
  });

  it('several tags in one destination tag the same root with one copy', async () => {
    await two.resetRequests();
    const run = await runAction({
      source: `${one.host}/src/app:v1`,
      destination: `${two.host}/tags/app:1.2.3,1.2,latest`,
      'blob-cache': 'false',
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    for (const tag of ['1.2.3', '1.2', 'latest']) assert.equal(await tagDigest(two, 'tags/app', tag), image.root.digest, tag);
    assert.equal(await tagDigest(two, 'tags/app', 'v1'), undefined, 'the source tag is not added');
    // every blob went up once however many tags
    const uploads = (await two.settledRequests()).filter((q) => q.method === 'POST' && q.path.startsWith('/v2/tags/app/blobs/uploads/'));
    assert.equal(uploads.length, image.blobs.filter((b) => !b.mediaType.includes('manifest') && !b.mediaType.includes('index')).length);
    assert.match(run.summary, /tagged <code>1\.2\.3<\/code>, <code>1\.2<\/code>, <code>latest<\/code>/);
  });

  it('several destinations, one per line, all receive the same root, each in its own log group', async () => {
    await one.resetRequests();
    const destinations = [`${two.host}/multi/a:v1`, `${two.host}/multi/b:stable`, `${one.host}/multi/c:v1`];
    const run = await runAction({ source: `${one.host}/src/app:v1`, destination: destinations.join('\n'), 'blob-cache': 'false' });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.outputs.digest, image.root.digest);
    assert.equal(await tagDigest(two, 'multi/a', 'v1'), image.root.digest);
    assert.equal(await tagDigest(two, 'multi/b', 'stable'), image.root.digest);
    assert.equal(await tagDigest(one, 'multi/c', 'v1'), image.root.digest);
    // each manifest was fetched from the source once for the three destinations
    for (const m of [image.root, ...image.manifests.map((x) => x.descriptor)]) {
      const gets = (await one.settledRequests()).filter((q) => q.method === 'GET' && q.path === `/v2/src/app/manifests/${m.digest}`);
      assert.ok(gets.length <= 1, `${m.digest} fetched ${gets.length} times`);
    }
    const groups = run.stdout.split('\n').filter((l) => l.startsWith('::group::'));
    assert.equal(groups.length, 3, run.stdout);
    for (const [i, d] of ['multi/a', 'multi/b', 'multi/c'].entries()) assert.ok(groups[i].includes(d), `${groups[i]} names ${d}`);
    assert.equal(run.stdout.split('\n').filter((l) => l === '::endgroup::').length, 3);
    const blobs = JSON.parse(run.outputs.blobs) as BlobOutput[];
    assert.deepEqual(new Set(blobs.map((b) => b.destination)), new Set(destinations));
    // the same-registry destination mounted its blobs from the source repository
    const mounted = blobs.filter((b) => b.destination === destinations[2] && b.action === 'mounted');
    assert.ok(mounted.length > 0 && mounted.every((b) => b.from === 'src/app'), JSON.stringify(blobs));
    assert.equal((run.summary.match(/^### Copy: /gm) ?? []).length, 3);
  });

  it('dry-run writes nothing and reports copy, mount and exists per node', async () => {
    await one.resetRequests();
    await two.resetRequests();
    const destinations = [`${two.host}/dry/app:v1`, `${one.host}/dry/app:v1`, `${two.host}/have/app:v1`];
    const run = await runAction({
      source: `${one.host}/src/app:v1`,
      destination: destinations.join('\n'),
      'dry-run': 'true',
      'blob-cache': 'false',
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const writes = [...(await one.settledRequests()), ...(await two.settledRequests())].filter((q) => WRITES.has(q.method));
    assert.deepEqual(writes, [], 'no PUT, POST, PATCH or DELETE');
    assert.equal(await tagDigest(two, 'dry/app', 'v1'), undefined);
    assert.equal(run.outputs.digest, image.root.digest);
    const blobs = JSON.parse(run.outputs.blobs) as BlobOutput[];
    for (const b of blobs) assert.ok(['copy', 'mount', 'exists'].includes(b.action), `${b.digest} ${b.action}`);
    const of = (d: string) => blobs.filter((b) => b.destination === d);
    const isManifest = (b: BlobOutput) => /manifest|index/.test(b.mediaType);
    assert.ok(of(destinations[0]).length === image.blobs.length && of(destinations[0]).every((b) => b.action === 'copy'));
    for (const b of of(destinations[1])) assert.equal(b.action, isManifest(b) ? 'copy' : 'mount', `${b.digest} on the source's registry`);
    assert.ok(
      of(destinations[1])
        .filter((b) => b.action === 'mount')
        .every((b) => b.from === 'src/app'),
    );
    assert.ok(of(destinations[2]).length > 0 && of(destinations[2]).every((b) => b.action === 'exists'));
    assert.match(run.summary, /### Dry run of copy: /);
    assert.match(run.summary, /\| to copy \| \d+ \| .*\n\| to mount from other repositories \| \d+ \| /);
    assert.match(run.stdout, /::group::Dry run: copy /);
    assert.match(run.stdout, /Would copy /);
  });

  it('dry-run to a layout and an archive creates neither', async () => {
    const layout = join(work, 'dry-layout');
    const archive = join(work, 'dry.tar');
    const run = await runAction({
      source: `${one.host}/src/app:v1`,
      destination: `oci:${layout}:v1\noci-archive:${archive}:v1`,
      'dry-run': 'true',
      'blob-cache': 'false',
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    await assert.rejects(stat(layout), 'no layout directory');
    await assert.rejects(stat(archive), 'no archive file');
    const blobs = JSON.parse(run.outputs.blobs) as BlobOutput[];
    assert.equal(blobs.length, image.blobs.length * 2);
    assert.ok(blobs.every((b) => b.action === 'copy'));
    assert.match(run.summary, /### Dry run of export: /);
  });
});
