// What the bundled action tells of its outcome in the log, the outputs and the job summary, as a
// new user reads them: a single-manifest image's platform, referrers left behind as a warning, a
// dry run into a destination that has everything, what a sync did to each image, no-clobber with
// several destinations, and a docker archive that names no image.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatBytes } from '../../src/job/outcome/copy-report.js';
import { makeImageLayout, pushImageOverHttp, type ImageLayout } from '../support/images.js';
import { pushReferrer, SIGNATURE, writeFallbackIndex } from '../support/referrer-artifacts.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { runAction } from '../support/run-action.js';

const code = (s: string) => `<code>${s}</code>`;
const re = (s: string) => new RegExp(s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
const WRITES = new Set(['PUT', 'POST', 'PATCH', 'DELETE']);

interface ImageRecord {
  destination: string;
  status: string;
  moved?: Array<{ tag: string; from: string }>;
  platforms?: string[];
  refusedBy?: string;
  error?: string;
}

describe('what the action tells of its outcome', () => {
  let src: TestRegistry;
  let dst: TestRegistry;
  let work: string;
  let multi: ImageLayout;
  let single: ImageLayout;
  let old: ImageLayout;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-action-outcome-'));
    [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
    multi = await makeImageLayout(join(work, 'multi'), {
      tag: '1.0.0',
      platforms: [
        { os: 'linux', architecture: 'amd64', layers: [{ size: 3000, seed: 'm-amd64' }] },
        { os: 'linux', architecture: 'arm64', layers: [{ size: 4000, seed: 'm-arm64' }] },
      ],
    });
    single = await makeImageLayout(join(work, 'single'), {
      tag: '1.0.0',
      index: false,
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 5000, seed: 'single' }] }],
    });
    old = await makeImageLayout(join(work, 'old'), {
      tag: '0.9',
      index: false,
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 1000, seed: 'old' }] }],
    });
    await pushImageOverHttp(multi, src.url, 'src/multi', '1.0.0');
    await pushImageOverHttp(single, src.url, 'src/single', '1.0.0');
    const signature = await pushReferrer(src, 'src/multi', multi.root, { artifactType: SIGNATURE, payload: 'signature of the index' });
    await writeFallbackIndex(src, 'src/multi', multi.root, [signature]);
    await pushImageOverHttp(old, dst.url, 'synced/single', '1.0.0');
    for (const tag of ['1.0.0', 'latest']) await pushImageOverHttp(old, dst.url, 'taken/app', tag);
  });
  after(async () => {
    await Promise.all([src?.stop(), dst?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("gives a single-manifest image's summary its platform row, as an index has its table", async () => {
    const run = await runAction({
      source: `${src.host}/src/single:1.0.0`,
      destination: `${dst.host}/one/single:1.0.0`,
      'blob-cache': 'false',
    });
    assert.equal(run.code, 0, run.stdout);
    const m = single.manifests[0];
    const bytes = m.descriptor.size + m.config.size + m.layers.reduce((s, l) => s + l.size, 0);
    assert.match(run.summary, /^\| platform \| manifest \| image size \|$/m);
    assert.match(run.summary, re(`| ${code('linux/amd64')} | ${code(single.root.digest)} | ${formatBytes(bytes)} |`));
  });

  it('says of referrers it cannot bring along as a warning, in the log and the summary', async () => {
    const run = await runAction({
      source: `${src.host}/src/multi:1.0.0`,
      destination: `${dst.host}/arm/multi:1.0.0`,
      platform: 'linux/arm64',
      referrers: 'true',
      'blob-cache': 'false',
    });
    assert.equal(run.code, 0, run.stdout);
    const warning = run.stdout.split('\n').find((l) => l.startsWith('::warning::not copied: 1 referrer of the source index '));
    assert.ok(warning, run.stdout);
    assert.ok(warning.includes(multi.root.digest));
    assert.match(run.summary, re(`- ⚠️ not copied: 1 referrer of the source index ${multi.root.digest}`));
  });

  it('a dry run into a destination that has everything says its tags are there already, not that it would write them', async () => {
    const inputs = {
      source: `${src.host}/src/single:1.0.0`,
      destination: `${dst.host}/dry/single:1.0.0,latest`,
      referrers: 'true',
      'blob-cache': 'false',
    };
    assert.equal((await runAction(inputs)).code, 0);
    const dry = await runAction({ ...inputs, 'dry-run': 'true' });
    assert.equal(dry.code, 0, dry.stdout);
    assert.match(dry.summary, /^### Unchanged: /m);
    assert.match(dry.summary, re(`already tagged ${code('1.0.0')}, ${code('latest')}`));
    assert.doesNotMatch(dry.summary, /would be tagged/);
  });

  it("a sync's summary and images output say what happened to each image: the tag that moved, the platform, the referrers", async () => {
    const images = [
      `- source: ${src.host}/src/multi:1.0.0`,
      `  destination: ${dst.host}/synced/multi`,
      '  platform: linux/arm64',
      `- source: ${src.host}/src/single:1.0.0`,
      `  destination: ${dst.host}/synced/single`,
      '  referrers: true',
    ].join('\n');
    const run = await runAction({ images, 'blob-cache': 'false' });
    assert.equal(run.code, 0, run.stdout);
    const records = JSON.parse(run.outputs.images) as ImageRecord[];
    assert.deepEqual(
      records.map((r) => r.platforms),
      [['linux/arm64'], ['linux/amd64']],
    );
    assert.deepEqual(records[1].moved, [{ tag: '1.0.0', from: old.root.digest }]);
    const row = (repo: string) =>
      run.summary.split('\n').find((l) => l.startsWith('| copied |') && l.includes(`${dst.host}/synced/${repo}:`)) ?? '';
    assert.match(row('multi'), re(`platform ${code('linux/arm64')}`));
    assert.match(row('multi'), re(`chosen from index ${code(`${multi.root.digest.slice(0, 19)}…`)}`));
    assert.match(row('single'), re(`tag ${code('1.0.0')} moved from ${code(`${old.root.digest.slice(0, 19)}…`)}`));
    assert.match(row('single'), re(`platform ${code('linux/amd64')}`));
    assert.match(row('single'), /referrers: none found/);
    assert.ok(run.stdout.includes(`tag 1.0.0 moved from ${old.root.digest} to ${single.root.digest}`), 'the log said it too');
  });

  it('no-clobber with several destinations refuses them all before any byte moves, and the summary says which refused', async () => {
    await dst.resetRequests();
    const run = await runAction({
      source: `${src.host}/src/single:1.0.0`,
      destination: `${dst.host}/free/app:1.0.0\n${dst.host}/taken/app:1.0.0,latest`,
      'no-clobber': 'true',
      'blob-cache': 'false',
    });
    assert.equal(run.code, 1);
    assert.deepEqual(
      (await dst.settledRequests()).filter((r) => WRITES.has(r.method)),
      [],
    );
    const records = JSON.parse(run.outputs.images) as ImageRecord[];
    assert.deepEqual(
      records.map((r) => [r.status, r.refusedBy]),
      [
        ['skipped', undefined],
        ['failed', 'no-clobber'],
      ],
    );
    assert.match(records[1].error!, /^tags 1\.0\.0, latest in \[registry\] \S+ already name other digests/);
    assert.match(
      run.summary,
      re(`### ❌ Refused by no-clobber: copy ${code(`${src.host}/src/single:1.0.0`)} → ${code(`${dst.host}/taken/app:1.0.0,latest`)}`),
    );
    assert.match(
      run.summary,
      re(`### Not attempted: copy ${code(`${src.host}/src/single:1.0.0`)} → ${code(`${dst.host}/free/app:1.0.0`)}`),
    );
    assert.match(run.summary, /\*\*0 of 2 destinations got\*\*, 1 refused, 1 not attempted/);
    assert.equal(run.outputs.digest, undefined, 'no destination got the image');
  });

  it('says so when a docker archive can name its image nothing', async () => {
    const run = await runAction({
      source: `oci:${single.dir}:1.0.0`,
      destination: `docker-archive:${join(work, 'unnamed.tar')}`,
      'blob-cache': 'false',
    });
    assert.equal(run.code, 0, run.stdout);
    assert.ok(
      run.stdout.split('\n').some((l) => l.startsWith(`::warning::manifest.json names no image for ${single.root.digest} (RepoTags: [])`)),
      run.stdout,
    );
    assert.match(run.summary, /- ⚠️ manifest\.json names no image for /);
  });
});
