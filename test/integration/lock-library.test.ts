// A mirror locked through the library's sync(): the lock written, stable across re-runs, a dry run
// that writes nothing, then a source tag moved and the locked run copying the old digest.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { imageRecords, InputError, sync } from '../../src/lib.js';
import { makeImageLayout, pushImageOverHttp } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

/** Results in the order of their destinations (a sync lists a repository's tags highest version first). */
function byDestination<T extends { destination: string }>(results: readonly T[]): T[] {
  return [...results].sort((a, b) => (a.destination < b.destination ? -1 : 1));
}

describe('a locked mirror through sync()', () => {
  let src: TestRegistry;
  let dst: TestRegistry;
  let work: string;
  let lockPath: string;
  let list: string;
  const digests = new Map<string, string>();

  const push = async (tag: string, seed: string) => {
    const image = await makeImageLayout(join(work, `${tag}-${seed}`), {
      tag,
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 2000, seed }] }],
    });
    await pushImageOverHttp(image, src.url, 'team/tool', tag);
    return image.root.digest;
  };
  /** What a tag names at the destination, by a HEAD as a puller asks. */
  const destinationDigest = async (tag: string) => {
    const res = await fetch(`${dst.url}/v2/mirror/team/tool/manifests/${tag}`, {
      method: 'HEAD',
      headers: { Accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' },
    });
    return res.status === 200 ? res.headers.get('docker-content-digest') : undefined;
  };
  const writes = async () => (await dst.settledRequests()).filter((r) => r.method !== 'HEAD' && r.method !== 'GET');

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-lock-lib-'));
    [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
    for (const tag of ['1.0', '1.1']) digests.set(tag, await push(tag, `first-${tag}`));
    lockPath = join(work, 'mirror.lock.json');
    list = `- source: ${src.host}/team/tool\n  destination: ${dst.host}/mirror/\n`;
  });
  after(async () => {
    await Promise.all([src?.stop(), dst?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('writes every image it left in place, sorted, one entry a line, and the same bytes on a re-run', async () => {
    const first = await sync(list, { lock: { path: lockPath } });
    assert.deepEqual(
      byDestination(first.results).map((r) => r.status),
      ['copied', 'copied'],
    );
    const expected = [
      '{"version":1,"images":[',
      `{"source":"${src.host}/team/tool:1.0","destination":"${dst.host}/mirror/team/tool:1.0","digest":"${digests.get('1.0')}"},`,
      `{"source":"${src.host}/team/tool:1.1","destination":"${dst.host}/mirror/team/tool:1.1","digest":"${digests.get('1.1')}"}`,
      ']}',
      '',
    ].join('\n');
    assert.equal(await readFile(lockPath, 'utf8'), expected);
    assert.deepEqual(
      { state: first.lock?.state, images: first.lock?.images, changed: first.lock?.changed, leftOut: first.lock?.leftOut },
      { state: 'written', images: 2, changed: true, leftOut: [] },
    );
    assert.equal(first.lock?.line, `Wrote ${lockPath}: 2 images (new)`);

    const again = await sync(list, { lock: { path: lockPath } });
    assert.deepEqual(
      again.results.map((r) => r.status),
      ['unchanged', 'unchanged'],
    );
    assert.equal(await readFile(lockPath, 'utf8'), expected);
    assert.equal(again.lock?.changed, false);
    assert.match(again.lock?.line ?? '', /: 2 images \(unchanged\)$/);
    assert.deepEqual(await readdir(work).then((names) => names.filter((n) => n.includes('lock'))), ['mirror.lock.json']);
  });

  it('writes nothing in a dry run, and says what it would write', async () => {
    const before = await stat(lockPath);
    await dst.resetRequests();
    const dry = await sync(list.replace('/mirror/', '/elsewhere/'), {
      copy: { dryRun: true },
      lock: { path: lockPath, name: 'mirror.lock.json' },
    });
    assert.deepEqual(
      dry.results.map((r) => r.status),
      ['copy', 'copy'],
    );
    assert.equal(dry.lock?.state, 'would-write');
    assert.equal(dry.lock?.line, 'Dry run: would write mirror.lock.json (2 images, changed from the file there); nothing written');
    assert.equal((await stat(lockPath)).mtimeMs, before.mtimeMs);
    assert.deepEqual(await writes(), []);
  });

  it('with locked, copies the locked digest of a tag that moved, reports the drift, and leaves the lock as it was', async () => {
    const moved = await push('1.1', 'second-1.1');
    assert.notEqual(moved, digests.get('1.1'));
    const lockText = await readFile(lockPath, 'utf8');
    // The destination's tag is gone (a registry lost it): the locked run must put the locked digest back.
    await rm(join(dst.storage, 'docker/registry/v2/repositories/mirror/team/tool/_manifests/tags/1.1'), { recursive: true });
    assert.equal(await destinationDigest('1.1'), undefined);
    const lines: string[] = [];
    const locked = await sync(list, {
      lock: { path: lockPath, name: 'mirror.lock.json', locked: true },
      onPlan: () => ({ lockNote: (line) => void lines.push(line) }),
    });
    assert.deepEqual(
      byDestination(locked.results).map((r) => [r.destination, r.status, r.root?.digest]),
      [
        [`${dst.host}/mirror/team/tool:1.0`, 'unchanged', digests.get('1.0')],
        [`${dst.host}/mirror/team/tool:1.1`, 'copied', digests.get('1.1')],
      ],
    );
    assert.equal(await destinationDigest('1.1'), digests.get('1.1'));
    const [kept, drifted] = byDestination(locked.results);
    assert.deepEqual(drifted.warnings, [
      `drift: ${src.host}/team/tool:1.1 names ${moved} now (line 3 of the lock mirror.lock.json names ${digests.get('1.1')}): the locked digest is copied, not the tag's; run without locked to follow the tag`,
    ]);
    assert.deepEqual(kept.warnings, []);
    const records = new Map(imageRecords(locked).map((r) => [r.destination, r]));
    assert.deepEqual(records.get(drifted.destination)?.drift, { locked: digests.get('1.1'), source: moved });
    assert.equal(records.get(kept.destination)?.drift, undefined);
    assert.equal(locked.failure, undefined);
    assert.deepEqual(lines, [
      'mirror.lock.json: 2 images held to their locked digests, 1 with drift (the source tag names another digest now, or is gone); the file is left as it was',
    ]);
    assert.equal(await readFile(lockPath, 'utf8'), lockText);

    // Without locked the tag is followed, and the lock says the new digest.
    const followed = await sync(list, { lock: { path: lockPath } });
    assert.deepEqual(
      byDestination(followed.results).map((r) => [r.status, r.root?.digest]),
      [
        ['unchanged', digests.get('1.0')],
        ['copied', moved],
      ],
    );
    assert.match(await readFile(lockPath, 'utf8'), new RegExp(`team/tool:1.1","digest":"${moved}"`));
    await writeFile(lockPath, lockText);
  });

  it('with locked, refuses an image the lock does not know in one line, and the others go on', async () => {
    await push('1.2', 'first-1.2');
    const locked = await sync(list, { lock: { path: lockPath, name: 'mirror.lock.json', locked: true } });
    const byTag = new Map(locked.results.map((r) => [r.destination.replace(/.*:/, ''), r]));
    assert.equal(byTag.get('1.2')?.status, 'failed');
    assert.equal(
      byTag.get('1.2')?.error,
      `mirror.lock.json has no entry for ${src.host}/team/tool:1.2 => ${dst.host}/mirror/team/tool:1.2: with locked, only the images the lock names are copied; run without locked to add it`,
    );
    assert.equal(await destinationDigest('1.2'), undefined);
    assert.equal(byTag.get('1.0')?.status, 'unchanged');
    assert.equal(byTag.get('1.1')?.status, 'copied');
    assert.equal(byTag.get('1.1')?.root?.digest, digests.get('1.1'));
    assert.match(locked.failure ?? '', /1\.2/);
  });

  it('refuses a lock that does not read, naming the file and the entry, before anything is written', async () => {
    const bad = join(work, 'bad.lock.json');
    const good = await readFile(lockPath, 'utf8');
    await dst.resetRequests();
    const cases: Array<[string, RegExp]> = [
      [
        good.replace(/"digest":"sha256:[0-9a-f]{64}"}\n\]/, `"digest":"sha512:${'e'.repeat(128)}"}\n]`),
        /^lock file bad\.lock\.json line 3 \(entry 2\): "digest" is "sha512:e+", not sha256/,
      ],
      [good.replace('"destination"', '"to"'), /^lock file bad\.lock\.json line 2 \(entry 1\) has no "destination"/],
      [good.replace('"images":[', '"images":[[,'), /^lock file bad\.lock\.json line 1 is not JSON/],
    ];
    for (const [text, expected] of cases) {
      await writeFile(bad, text);
      await assert.rejects(sync(list, { lock: { path: bad, name: 'bad.lock.json', locked: true } }), (err: Error) => {
        assert.ok(err instanceof InputError, err.message);
        assert.match(err.message, expected);
        return true;
      });
    }
    await assert.rejects(
      sync(list, { lock: { path: join(work, 'none.json'), name: 'none.json', locked: true } }),
      /^InputError: lock file none\.json does not exist: run once without locked to write it$/,
    );
    assert.deepEqual(await writes(), []);
  });
});

describe('what a lock records beside a plain copy', () => {
  let src: TestRegistry;
  let dst: TestRegistry;
  let work: string;
  let index: { root: string; arm64: string; amd64: string };
  let release: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-lock-lib2-'));
    [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
    const multi = await makeImageLayout(join(work, 'multi'), {
      tag: '1',
      platforms: [
        { os: 'linux', architecture: 'amd64', layers: [{ size: 1500, seed: 'amd64' }] },
        { os: 'linux', architecture: 'arm64', layers: [{ size: 1500, seed: 'arm64' }] },
      ],
    });
    await pushImageOverHttp(multi, src.url, 'base/os', '1');
    const platformDigest = (arch: string) => multi.manifests.find((m) => m.descriptor.platform?.architecture === arch)!.descriptor.digest;
    index = { root: multi.root.digest, arm64: platformDigest('arm64'), amd64: platformDigest('amd64') };
    const rel = await makeImageLayout(join(work, 'rel'), {
      tag: 'v1',
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 900, seed: 'v1' }] }],
    });
    await pushImageOverHttp(rel, src.url, 'apps/rel', 'v1');
    release = rel.root.digest;
  });
  after(async () => {
    await Promise.all([src?.stop(), dst?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('locks a platform chosen from an index with the index as sourceDigest, and refuses other platforms with that lock', async () => {
    const lockPath = join(work, 'platform.lock.json');
    const list = `- source: ${src.host}/base/os:1\n  destination: ${dst.host}/os\n  platform: linux/arm64\n`;
    const first = await sync(list, { lock: { path: lockPath } });
    assert.equal(first.results[0].status, 'copied');
    assert.equal(
      await readFile(lockPath, 'utf8'),
      `{"version":1,"images":[\n{"source":"${src.host}/base/os:1","destination":"${dst.host}/os:1","digest":"${index.arm64}","sourceDigest":"${index.root}"}\n]}\n`,
    );
    await rm(join(dst.storage, 'docker/registry/v2/repositories/os/_manifests/tags/1'), { recursive: true });
    const locked = await sync(list, { lock: { path: lockPath, name: 'platform.lock.json', locked: true } });
    assert.deepEqual([locked.results[0].status, locked.results[0].root?.digest, locked.results[0].warnings], ['copied', index.arm64, []]);
    const other = await sync(list.replace('arm64', 'amd64'), { lock: { path: lockPath, name: 'platform.lock.json', locked: true } });
    assert.equal(other.results[0].status, 'failed');
    assert.equal(
      other.results[0].error,
      `platform.lock.json line 2 locks ${index.arm64}, but the platforms asked for make ${index.amd64} of the source's ${index.root}: lock it again without locked, or ask for the platforms it was locked with`,
    );
  });

  it('keeps the entry of an immutable tag it did not compare, and leaves out what failed with a warning', async () => {
    const lockPath = join(work, 'immutable.lock.json');
    const list = [
      `- source: ${src.host}/apps/rel`,
      `  destination: ${dst.host}/rel/`,
      "  immutable-tags: ['v*']",
      `- source: ${src.host}/apps/missing:1`,
      `  destination: ${dst.host}/missing`,
    ].join('\n');
    const first = await sync(list, { lock: { path: lockPath, name: 'immutable.lock.json' } });
    assert.deepEqual(
      first.results.map((r) => r.status),
      ['copied', 'failed'],
    );
    const expected = `{"version":1,"images":[\n{"source":"${src.host}/apps/rel:v1","destination":"${dst.host}/rel/apps/rel:v1","digest":"${release}"}\n]}\n`;
    assert.equal(await readFile(lockPath, 'utf8'), expected);
    assert.deepEqual(first.lock?.leftOut, [{ source: `${src.host}/apps/missing:1`, destination: `${dst.host}/missing`, why: 'failed' }]);
    assert.ok(
      first.warnings.includes(`immutable.lock.json leaves out 1 image the step did not leave in place: ${dst.host}/missing (failed)`),
      first.warnings.join('\n'),
    );
    const again = await sync(list, { lock: { path: lockPath, name: 'immutable.lock.json' } });
    assert.deepEqual(
      again.results.map((r) => [r.status, r.reason]),
      [
        ['unchanged', 'immutable'],
        ['failed', undefined],
      ],
    );
    assert.equal(await readFile(lockPath, 'utf8'), expected);
    // Without the lock there, nothing says the immutable tag's digest: it is left out, and said.
    await rm(lockPath);
    const fresh = await sync(list, { lock: { path: lockPath, name: 'immutable.lock.json' } });
    assert.equal(await readFile(lockPath, 'utf8'), '{"version":1,"images":[\n]}\n');
    assert.deepEqual(
      fresh.lock?.leftOut.map((l) => l.why),
      ['immutable tag not compared, and not in the lock there', 'failed'],
    );
  });
});
