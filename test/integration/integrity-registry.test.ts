// check and repair against real registries with damage made in the destination's storage: a
// deleted layer, a deleted child manifest revision, a truncated blob, a blob with other bytes of
// the same size, a deleted .sig tag and a referrer missing from the fallback index. The source is
// another registry, so the damage is the destination's alone (one registry's blobs are shared by
// all its repositories).
import assert from 'node:assert/strict';
import { open, rm, truncate } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { JobOutcome } from '../../src/job/outcome/outcome.js';
import { runJob } from '../../src/job/run-job.js';
import type { JobSettings } from '../../src/job/settings.js';
import { integrityRecords } from '../../src/job/render/records.js';
import { parseSyncEntries, type SyncEntry } from '../../src/plan/entries.js';
import { sync } from '../../src/api/sync.js';
import { makeImageLayout, pushImageOverHttp, type ImageLayout } from '../support/images.js';
import { cosignTag, pushCosignAttachment, pushReferrer, SIGNATURE, writeFallbackIndex, type Desc } from '../support/referrer-artifacts.js';
import { startRegistry, type RegistryRequest, type TestRegistry } from '../support/registry.js';
import { skopeoPullAllBlobs } from '../support/skopeo.js';
import { ACTION_COMPILED, runAction } from '../support/run-action.js';
import { startFaultProxy } from '../support/fault-proxy.js';

const V2 = 'docker/registry/v2';
const hexOf = (digest: string) => digest.slice('sha256:'.length);
const blobData = (r: TestRegistry, digest: string) => join(r.storage, V2, 'blobs/sha256', hexOf(digest).slice(0, 2), hexOf(digest), 'data');
const revision = (r: TestRegistry, repo: string, digest: string) =>
  join(r.storage, V2, 'repositories', repo, '_manifests/revisions/sha256', hexOf(digest));
const tagDir = (r: TestRegistry, repo: string, tag: string) => join(r.storage, V2, 'repositories', repo, '_manifests/tags', tag);

/** Requests that write: what a check must never send, and what a repair is counted by. */
const writes = (seen: RegistryRequest[]) => seen.filter((r) => r.method !== 'GET' && r.method !== 'HEAD' && !r.path.includes('-probe'));

interface Scene {
  image: ImageLayout;
  /** amd64's two layers, arm64's layer. */
  a1: string;
  a2: string;
  b1: string;
  armManifest: string;
  sig?: Desc;
  referrer?: Desc;
}

describe('check and repair a mirror against the real registry', () => {
  let src: TestRegistry;
  let dst: TestRegistry;
  let work: string;

  before(async () => {
    [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
    work = await mkdtemp(join(tmpdir(), 'oci-copy-integrity-'));
  });
  after(async () => {
    await Promise.all([src?.stop(), dst?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** A two-platform image of its own bytes in src `team/NAME:1.0`, signed both ways when asked, mirrored to dst `mirror/NAME:1.0`. */
  async function scene(name: string, signed = false): Promise<Scene> {
    const image = await makeImageLayout(join(work, name), {
      tag: '1.0',
      platforms: [
        {
          architecture: 'amd64',
          layers: [
            { size: 4096, seed: `${name}-a1` },
            { size: 3000, seed: `${name}-a2` },
          ],
        },
        { architecture: 'arm64', layers: [{ size: 5000, seed: `${name}-b1` }] },
      ],
    });
    await pushImageOverHttp(image, src.url, `team/${name}`, '1.0');
    const [amd, arm] = image.manifests;
    const out: Scene = {
      image,
      a1: amd.layers[0].digest,
      a2: amd.layers[1].digest,
      b1: arm.layers[0].digest,
      armManifest: arm.descriptor.digest,
    };
    if (signed) {
      out.sig = await pushCosignAttachment(src, `team/${name}`, image.root, 'sig', `signature of ${name}`);
      out.referrer = await pushReferrer(src, `team/${name}`, image.root, { artifactType: SIGNATURE, payload: `referrer of ${name}` });
      await writeFallbackIndex(src, `team/${name}`, image.root, [out.referrer]);
    }
    const copied = await runJob(job([name], {}, signed));
    assert.equal(copied.results[0].status, 'copied', copied.results[0].error);
    return out;
  }

  /** Each image's entry: src `team/NAME:1.0` to dst `mirror/NAME`. */
  const entries = (names: string[]): SyncEntry[] =>
    parseSyncEntries(
      names.map((n) => `- source: ${src.host}/team/${n}\n  destination: ${dst.host}/mirror/${n}\n  tags: ['1.0']\n`).join(''),
      'test list',
    );

  function job(names: string[], extra: Partial<JobSettings>, referrers = false): JobSettings {
    return { work: { kind: 'sync', entries: entries(names) }, image: { referrers }, ...extra };
  }

  /** Every problem of every image: kind and digest, sorted. */
  const found = (outcome: JobOutcome) =>
    outcome.results
      .flatMap((r) => r.checks.check?.problems ?? [])
      .map((p) => `${p.kind} ${p.digest}`)
      .sort();

  /** The six kinds of damage, in the destination only. */
  async function damage(d: Scene, child: Scene, signed: Scene): Promise<void> {
    await rm(blobData(dst, d.b1));
    await truncate(blobData(dst, d.a1), 1000);
    const file = await open(blobData(dst, d.a2), 'r+');
    try {
      const one = Buffer.alloc(1);
      await file.read(one, 0, 1, 2000);
      one[0] ^= 0xff;
      await file.write(one, 0, 1, 2000);
    } finally {
      await file.close();
    }
    await rm(revision(dst, 'mirror/child', child.armManifest), { recursive: true });
    await rm(tagDir(dst, 'mirror/signed', cosignTag(signed.image.root, 'sig')), { recursive: true });
    await writeFallbackIndex(dst, 'mirror/signed', signed.image.root, []);
  }

  it('check names each damage by digest, writes nothing and fails; deep also names the changed bytes; repair puts back only those pieces', async () => {
    const d = await scene('damaged');
    const child = await scene('child');
    const signed = await scene('signed', true);
    const names = ['damaged', 'child', 'signed'];
    // Before the damage: intact, by HEADs and by hashing.
    const clean = await runJob(job(names, { integrity: { mode: 'check', deep: true } }, true));
    assert.deepEqual(
      clean.results.map((r) => [r.status, r.checks.check?.status]),
      names.map(() => ['unchanged', 'intact']),
      clean.failure,
    );
    await damage(d, child, signed);

    await dst.resetRequests();
    const head = await runJob(job(names, { integrity: { mode: 'check' } }, true));
    assert.deepEqual(writes(await dst.settledRequests()), [], 'a check writes nothing');
    assert.deepEqual(
      head.results.map((r) => r.status),
      ['failed', 'failed', 'failed'],
    );
    const sigDigest = signed.sig!.digest;
    assert.deepEqual(
      found(head),
      [
        `attachment-tag ${sigDigest}`,
        `missing-blob ${d.b1}`,
        `missing-manifest ${child.armManifest}`,
        `referrer ${signed.referrer!.digest}`,
        `size ${d.a1}`,
      ].sort(),
      'by HEADs: every damage but the changed bytes',
    );
    const lines = head.results.map((r) => r.error ?? '').join('\n');
    assert.match(
      lines,
      new RegExp(`missing blob ${d.b1} \\(layer of linux/arm64 manifest ${d.armManifest}\\) in ${dst.host}/mirror/damaged`),
    );
    assert.match(lines, new RegExp(`blob ${d.a1} \\(layer of linux/amd64 manifest [^)]+\\): size 1000 instead of [0-9]+`));
    assert.match(lines, new RegExp(`child manifest ${child.armManifest} \\(linux/arm64, of index ${child.image.root.digest}\\) not found`));
    assert.match(lines, new RegExp(`tag ${cosignTag(signed.image.root, 'sig')} missing`));
    assert.match(head.failure ?? '', /3 of 3 images failed/);
    const records = integrityRecords(head);
    assert.deepEqual(
      records.map((r) => r.status),
      ['damaged', 'damaged', 'damaged'],
    );
    assert.deepEqual(Object.keys((records[0].problems as object[])[0]).sort(), ['detail', 'digest', 'kind', 'where']);

    const deep = await runJob(job(names, { integrity: { mode: 'check', deep: true } }, true));
    assert.ok(found(deep).includes(`hash ${d.a2}`), 'deep: the same-size blob with other bytes');
    assert.match(deep.results[0].error ?? '', new RegExp(`blob ${d.a2} .*bytes hash to sha256:[0-9a-f]{64} \\(deep\\)`));
    assert.equal(found(deep).length, found(head).length + 1);

    // A dry run of the repair says what it would put back, and writes nothing.
    await dst.resetRequests();
    const dry = await runJob(job(names, { integrity: { mode: 'repair', deep: true }, dryRun: true }, true));
    assert.deepEqual(writes(await dst.settledRequests()), []);
    assert.deepEqual(
      dry.results.map((r) => r.status),
      ['copy', 'copy', 'copy'],
    );
    assert.deepEqual(dry.results[0].checks.check?.putBack?.map((p) => p.digest).sort(), [d.a1, d.a2, d.b1].sort());

    // The repair: the damaged blobs are deleted, every missing piece pushed again, nothing else.
    await dst.resetRequests();
    const repair = await runJob(job(names, { integrity: { mode: 'repair', deep: true } }, true));
    const written = writes(await dst.settledRequests());
    const uploaded = written
      .filter((r) => r.method === 'PUT' && r.path.includes('/blobs/uploads/'))
      .map((r) => /digest=([^&]+)/.exec(r.path)?.[1]);
    assert.deepEqual(
      [...new Set(uploaded.map((u) => decodeURIComponent(u ?? '')))].sort(),
      [d.a1, d.a2, d.b1].sort(),
      'the only blobs uploaded are the missing and damaged ones',
    );
    assert.deepEqual(
      written
        .filter((r) => r.method === 'DELETE')
        .map((r) => r.path)
        .sort(),
      [`/v2/mirror/damaged/blobs/${d.a1}`, `/v2/mirror/damaged/blobs/${d.a2}`].sort(),
      'damaged bytes are deleted first',
    );
    const manifestPuts = written.filter((r) => r.method === 'PUT' && r.path.includes('/manifests/')).map((r) => r.path);
    assert.ok(manifestPuts.includes(`/v2/mirror/child/manifests/${child.armManifest}`), manifestPuts.join('\n'));
    assert.ok(manifestPuts.includes(`/v2/mirror/signed/manifests/${cosignTag(signed.image.root, 'sig')}`), manifestPuts.join('\n'));
    assert.ok(
      manifestPuts.every((p) => !p.endsWith('/manifests/1.0') && !p.includes(d.image.root.digest)),
      `no tag or root written again: ${manifestPuts.join('\n')}`,
    );
    assert.deepEqual(
      repair.results.map((r) => r.status),
      ['failed', 'repaired', 'repaired'],
      repair.results.map((r) => r.error).join('\n'),
    );
    // distribution keeps a digest's bytes once stored: the repair says so, and what to do.
    assert.match(
      repair.results[0].error ?? '',
      /still holds damaged bytes for .* after the repair deleted and pushed them again: .*the blob's data file\) and run the repair again$/,
    );
    assert.deepEqual(repair.results[0].checks.check?.stillDamaged?.sort(), [d.a1, d.a2].sort());

    // The operator removes those bytes, as the line says; the next repair puts them back.
    await rm(blobData(dst, d.a1));
    await rm(blobData(dst, d.a2));
    const again = await runJob(job(names, { integrity: { mode: 'repair', deep: true } }, true));
    assert.deepEqual(
      again.results.map((r) => r.status),
      ['repaired', 'unchanged', 'unchanged'],
      again.results.map((r) => r.error).join('\n'),
    );
    assert.deepEqual(again.results[0].checks.check?.putBack?.map((p) => p.digest).sort(), [d.a1, d.a2].sort());
    assert.deepEqual(integrityRecords(again)[0].status, 'repaired');

    const after = await runJob(job(names, { integrity: { mode: 'check', deep: true } }, true));
    assert.deepEqual(
      after.results.map((r) => r.checks.check?.status),
      ['intact', 'intact', 'intact'],
      after.failure,
    );
    for (const n of names) {
      const pulled = await skopeoPullAllBlobs(`${dst.host}/mirror/${n}:1.0`);
      await rm(pulled, { recursive: true, force: true });
    }
  });

  it('check reports drift: a tag naming another digest, a tag missing', async () => {
    const a = await scene('drift-a');
    const b = await scene('drift-b');
    // mirror/drift-a:1.0 now names drift-b's image; mirror/drift-b has no 1.0 any more.
    await pushImageOverHttp(b.image, dst.url, 'mirror/drift-a', '1.0');
    await rm(tagDir(dst, 'mirror/drift-b', '1.0'), { recursive: true });
    const outcome = await runJob(job(['drift-a', 'drift-b'], { integrity: { mode: 'check' } }));
    assert.deepEqual(
      integrityRecords(outcome).map((r) => r.status),
      ['drifted', 'drifted'],
    );
    assert.equal(
      outcome.results[0].error,
      `tag 1.0 names ${b.image.root.digest} (the source names ${a.image.root.digest}) in ${dst.host}/mirror/drift-a`,
    );
    assert.equal(outcome.results[1].error, `tag 1.0 missing (the source names ${b.image.root.digest}) in ${dst.host}/mirror/drift-b`);
    // The library's sync() takes the same setting.
    const viaSync = await sync(entries(['drift-a', 'drift-b']), { integrity: { mode: 'check' } });
    assert.deepEqual(
      integrityRecords(viaSync).map((r) => r.status),
      ['drifted', 'drifted'],
    );
  });

  it('the action: check fails the step naming the missing layer, the check output and the summary say damaged; repair mends it', async () => {
    const a = await scene('action');
    await rm(blobData(dst, a.b1));
    const images = `- source: ${src.host}/team/action\n  destination: ${dst.host}/mirror/action\n  tags: ['1.0']\n`;
    const checked = await runAction({ images, check: 'true', 'blob-cache': 'false' }, {}, ACTION_COMPILED);
    assert.equal(checked.code, 1, checked.stdout);
    assert.match(checked.stdout, new RegExp(`::error::.*missing blob ${a.b1} \\(layer of linux/arm64 manifest ${a.armManifest}\\)`));
    const [record] = JSON.parse(checked.outputs.check) as Array<{ status: string; problems: Array<{ kind: string; digest: string }> }>;
    assert.deepEqual([record.status, record.problems.map((p) => `${p.kind} ${p.digest}`)], ['damaged', [`missing-blob ${a.b1}`]]);
    assert.match(checked.summary, /damaged: 1 problem/);
    assert.match(checked.summary, /^### Check of a mirror: 1 image$/m);
    assert.match(checked.summary, /^\*\*0 intact\*\* · 1 damaged · /m);
    // The row's status is what the check found, not a copy's word (failed, unchanged).
    assert.match(checked.summary, /^\| \*\*damaged\*\* \| <code>/m);
    // The problem is given in full once, under Check: the Failed table points there.
    assert.match(
      checked.summary,
      /\| missing blob sha256:[0-9a-f]{12}… \(layer of linux\/arm64 manifest sha256:[0-9a-f]{12}…\) in \S+ \(in full under Check\) \|/,
    );
    assert.equal(checked.summary.split(`missing blob ${a.b1}`).length - 1, 1, checked.summary);
    assert.ok(checked.summary.includes(a.image.root.digest.slice(0, 19)), 'the row names the digest checked');
    const one = await runAction(
      { source: `${src.host}/team/action:1.0`, destination: `${dst.host}/mirror/action:1.0`, check: 'true', 'blob-cache': 'false' },
      {},
      ACTION_COMPILED,
    );
    assert.equal(one.code, 1, one.stdout);
    assert.match(one.summary, new RegExp(`^### ❌ Damaged: .*\\n\\nDigest <code>${a.image.root.digest}</code>`, 'm'));
    assert.match(one.summary, new RegExp(`^- 🩺 missing blob ${a.b1}`, 'm'));
    assert.equal(JSON.parse(one.outputs.check)[0].status, 'damaged');
    assert.match(checked.summary, new RegExp(`missing blob ${a.b1}`));

    const bad = await runAction({ images, check: 'sometimes', 'blob-cache': 'false' }, {}, ACTION_COMPILED);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /::error::input "check" is "sometimes": use true, deep or false/);

    const repaired = await runAction({ images, repair: 'true', 'blob-cache': 'false' }, {}, ACTION_COMPILED);
    assert.equal(repaired.code, 0, repaired.stdout);
    assert.equal((JSON.parse(repaired.outputs.images) as Array<{ status: string }>)[0].status, 'repaired');
    assert.equal((JSON.parse(repaired.outputs.check) as Array<{ status: string }>)[0].status, 'repaired');
    const again = await runAction({ images, check: 'deep', 'blob-cache': 'false' }, {}, ACTION_COMPILED);
    assert.equal(again.code, 0, again.stdout);
    assert.equal((JSON.parse(again.outputs.check) as Array<{ status: string }>)[0].status, 'intact');
  });

  it('a repair on a registry that refuses deletes says that it holds damaged bytes for the digest, and what to do', async () => {
    const keeper = await startRegistry({ deletes: false });
    try {
      const image = await makeImageLayout(join(work, 'nodelete'), {
        tag: '1.0',
        platforms: [{ architecture: 'amd64', layers: [{ size: 2048, seed: 'nodelete' }] }],
      });
      await pushImageOverHttp(image, src.url, 'team/nodelete', '1.0');
      const yaml = `- source: ${src.host}/team/nodelete\n  destination: ${keeper.host}/mirror/nodelete\n  tags: ['1.0']\n`;
      const settings = (extra: Partial<JobSettings>): JobSettings => ({
        work: { kind: 'sync', entries: parseSyncEntries(yaml, 'test list') },
        ...extra,
      });
      assert.equal((await runJob(settings({}))).results[0].status, 'copied');
      const layer = image.manifests[0].layers[0].digest;
      await truncate(blobData(keeper, layer), 100);
      const repaired = await runJob(settings({ integrity: { mode: 'repair' } }));
      const [r] = repaired.results;
      assert.equal(r.status, 'failed');
      assert.equal(
        r.error,
        `${keeper.host}/mirror/nodelete holds damaged bytes for ${layer} and refuses to delete blobs through its API: delete it there (or enable deletes) and run the repair again`,
      );
      assert.deepEqual(r.checks.check?.stillDamaged, [layer]);
      const seen = await keeper.settledRequests();
      assert.ok(
        seen.some((q) => q.method === 'DELETE' && q.status === 405),
        'the registry was asked, and refused',
      );
    } finally {
      await keeper.stop();
    }
  });

  it('a registry that refuses HEAD on blobs, or answers 401 while walking: one line for the image, nothing written, the others checked', async () => {
    await scene('refusing');
    const front = await startFaultProxy(dst.url);
    try {
      const entry = (host: string) => `- source: ${src.host}/team/refusing\n  destination: ${host}/mirror/refusing\n  tags: ['1.0']\n`;
      const settings = (): JobSettings => ({
        work: { kind: 'sync', entries: parseSyncEntries(entry(front.host) + entry(dst.host), 'test list') },
        integrity: { mode: 'check' },
      });
      front.addFault({ method: 'HEAD', path: /\/blobs\/sha256:/, times: Infinity, fault: { kind: 'status', status: 405 } });
      const head = await runJob(settings());
      const records = integrityRecords(head);
      assert.deepEqual(
        records.map((r) => r.status),
        ['unchecked', 'intact'],
      );
      assert.match(String(records[0].error), new RegExp(`^checking blob sha256:[0-9a-f]{64} in ${front.host}/mirror/refusing: 405 `));
      assert.equal(String(records[0].error).split('\n').length, 1);
      front.reset();
      front.addFault({ method: 'GET', path: /\/manifests\/sha256:/, times: Infinity, fault: { kind: 'status', status: 401 } });
      const denied = await runJob(settings());
      assert.deepEqual(
        integrityRecords(denied).map((r) => r.status),
        ['unchecked', 'intact'],
      );
      assert.match(String(integrityRecords(denied)[0].error), /401|denied|unauthori[sz]ed|credentials/i);
      assert.deepEqual(
        front.requests().filter((q) => q.method !== 'GET' && q.method !== 'HEAD'),
        [],
        'nothing written',
      );
    } finally {
      await front.stop();
    }
  });

  it('an immutable tag the destination has is checked all the same', async () => {
    const im = await scene('immutable');
    await rm(blobData(dst, im.a1));
    const yaml = `- source: ${src.host}/team/immutable\n  destination: ${dst.host}/mirror/immutable\n  tags: ['1.0']\n  immutable-tags: ['1.*']\n`;
    const entries = parseSyncEntries(yaml, 'test list');
    const plain = await runJob({ work: { kind: 'sync', entries } });
    assert.equal(plain.results[0].reason, 'immutable', 'a sync does not compare it');
    const checked = await runJob({ work: { kind: 'sync', entries }, integrity: { mode: 'check' } });
    assert.deepEqual(found(checked), [`missing-blob ${im.a1}`]);
  });

  it('an unreachable destination is one line for its image, and the others are checked', async () => {
    await scene('reachable');
    const down = await startRegistry();
    const host = down.host;
    await down.stop();
    const yaml = `- source: ${src.host}/team/reachable\n  destination: ${host}/mirror/reachable\n  tags: ['1.0']\n- source: ${src.host}/team/reachable\n  destination: ${dst.host}/mirror/reachable\n  tags: ['1.0']\n`;
    const outcome = await runJob({ work: { kind: 'sync', entries: parseSyncEntries(yaml, 'test list') }, integrity: { mode: 'check' } });
    const records = integrityRecords(outcome);
    assert.deepEqual(
      records.map((r) => r.status),
      ['unchecked', 'intact'],
    );
    assert.match(String(records[0].error), new RegExp(host.replace('.', '\\.')));
    assert.equal((records[0].error as string).split('\n').length, 1);
  });
});
