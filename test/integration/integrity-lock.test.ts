// A check against a lock, on the command line against real registries: the mirror is built with
// --lock-file, the source registry is then stopped, and `oci-copy check --locked` compares the
// destination with the lock alone: intact, then a layer removed from the destination's storage is
// named by digest, then a tag moved at the destination is drift against the locked digest. A
// whole-repository entry takes its tags from the lock, the source stopped too.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { makeImageLayout, pushImageOverHttp } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

describe('oci-copy check --locked: a mirror checked against its lock, without the source', () => {
  let src: TestRegistry;
  let dst: TestRegistry;
  let work: string;
  let root: string;
  let layer: string;
  let other: string;
  const cli = (args: string[]) => runCli(args, { home: join(work, 'home'), cwd: work });

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-lock-check-'));
    [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
    const image = await makeImageLayout(join(work, 'img'), {
      tag: '1',
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 4000, seed: 'locked-1' }] }],
    });
    await pushImageOverHttp(image, src.url, 'team/app', '1');
    root = image.root.digest;
    layer = image.manifests[0].layers[0].digest;
    const second = await makeImageLayout(join(work, 'img2'), {
      tag: '2',
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 3000, seed: 'locked-2' }] }],
    });
    await pushImageOverHttp(second, src.url, 'team/app', '2');
    other = second.root.digest;
  });
  let srcStopped = false;
  after(async () => {
    await Promise.all([srcStopped ? undefined : src?.stop(), dst?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('checks intact, names a missing layer, and reports a moved tag as drift, the source stopped', async () => {
    const copy = await cli(['--lock-file', 'app.lock.json', '--no-blob-cache', `${src.host}/team/app:1`, `${dst.host}/mirror/app:1`]);
    assert.equal(copy.code, 0, copy.stderr);
    // The other image is in the mirror too, under another tag: moving tag 1 to it later is drift.
    const copy2 = await cli(['--no-blob-cache', `${src.host}/team/app:2`, `${dst.host}/mirror/app:2`]);
    assert.equal(copy2.code, 0, copy2.stderr);
    const srcHost = src.host;
    await src.stop();
    srcStopped = true;
    const check = ['check', '--locked', '--lock-file', 'app.lock.json', '--json', `${srcHost}/team/app:1`, `${dst.host}/mirror/app:1`];

    const intact = await cli(check);
    assert.equal(intact.code, 0, intact.stderr);
    const [record] = JSON.parse(intact.stdout) as Array<{ status: string; digest: string; problems: unknown[] }>;
    assert.equal(record.status, 'intact');
    assert.equal(record.digest, root);
    assert.match(intact.stderr, /app\.lock\.json: 1 image checked against its locked digest, the source not read/);
    assert.doesNotMatch(intact.stderr, /Wrote|Would write/, 'a check writes no lock');

    await rm(join(dst.storage, 'docker/registry/v2/blobs/sha256', layer.slice(7, 9), layer.slice(7), 'data'));
    const damaged = await cli(check);
    assert.equal(damaged.code, 1, damaged.stderr);
    const [hurt] = JSON.parse(damaged.stdout) as Array<{ status: string; problems: Array<{ kind: string; digest: string }> }>;
    assert.equal(hurt.status, 'damaged');
    assert.deepEqual(
      hurt.problems.map((p) => p.digest),
      [layer],
    );
    assert.match(damaged.stderr, new RegExp(`missing blob ${layer}`));

    // Tag 1 now names the other image: drift against the lock, found without the source.
    const manifest = await fetch(`${dst.url}/v2/mirror/app/manifests/2`, {
      headers: { Accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' },
    });
    const put = await fetch(`${dst.url}/v2/mirror/app/manifests/1`, {
      method: 'PUT',
      headers: { 'Content-Type': manifest.headers.get('content-type')! },
      body: Buffer.from(await manifest.arrayBuffer()),
    });
    assert.equal(put.status, 201);
    const drifted = await cli(check);
    assert.equal(drifted.code, 1, drifted.stderr);
    const [moved] = JSON.parse(drifted.stdout) as Array<{ status: string; problems: Array<{ kind: string; detail: string }> }>;
    assert.equal(moved.status, 'drifted');
    const drift = moved.problems.find((p) => p.kind === 'drift');
    assert.ok(drift, JSON.stringify(moved.problems));
    // The tag's digest, then the lock's with the line that holds it: which is which, at a glance.
    assert.match(drift.detail, new RegExp(`^tag 1 names ${other} \\(line \\d+ of the lock \\S*app\\.lock\\.json names ${root}\\)$`));
  });
});

describe('oci-copy sync --check --locked: a whole repository checked against its lock, without the source', () => {
  let src: TestRegistry;
  let dst: TestRegistry;
  let work: string;
  let srcStopped = false;
  const digests = new Map<string, string>();
  const cli = (args: string[]) => runCli(args, { home: join(work, 'home'), cwd: work });

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-lock-repo-check-'));
    [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
    for (const tag of ['1.0', '1.1', '2.0']) {
      const image = await makeImageLayout(join(work, `img-${tag}`), {
        tag,
        platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 2000, seed: `repo-${tag}` }] }],
      });
      await pushImageOverHttp(image, src.url, 'team/tool', tag);
      digests.set(tag, image.root.digest);
    }
  });
  after(async () => {
    await Promise.all([srcStopped ? undefined : src?.stop(), dst?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('takes the tags the lock holds, its filters applied, and names a tag gone from the mirror against its lock line', async () => {
    const repos = [`${src.host}/team/tool`, `${dst.host}/mirror/tool`];
    const mirrored = await cli(['sync', '--lock-file', 'tool.lock.json', '--no-blob-cache', ...repos]);
    assert.equal(mirrored.code, 0, mirrored.stderr);
    await src.stop();
    srcStopped = true;

    const check = ['sync', '--check', '--locked', '--lock-file', 'tool.lock.json', '--json', '--no-blob-cache', ...repos];
    const intact = await cli(check);
    assert.equal(intact.code, 0, intact.stderr);
    const records = (JSON.parse(intact.stdout) as { check: Array<{ destination: string; status: string; digest: string }> }).check;
    assert.deepEqual(
      records.map((r) => [r.destination, r.status, r.digest]).sort(),
      ['1.0', '1.1', '2.0'].map((t) => [`${dst.host}/mirror/tool:${t}`, 'intact', digests.get(t)]),
    );
    assert.match(intact.stderr, /tool\.lock\.json: 3 images checked against their locked digests, the source not read/);
    // Each image is headed as checked, not as a copy would head it (unchanged).
    assert.match(
      intact.stderr,
      new RegExp(`^Checked ${src.host}/team/tool:1\\.0 => ${dst.host}/mirror/tool:1\\.0 \\(${digests.get('1.0')}\\)$`, 'm'),
    );
    assert.doesNotMatch(intact.stderr, /^Unchanged /m);

    // The entry's filters apply to the lock's tags as they would to the source's.
    const filtered = await cli([...check, '--tags', '1\\..*']);
    assert.equal(filtered.code, 0, filtered.stderr);
    assert.deepEqual((JSON.parse(filtered.stdout) as { check: Array<{ destination: string }> }).check.map((r) => r.destination).sort(), [
      `${dst.host}/mirror/tool:1.0`,
      `${dst.host}/mirror/tool:1.1`,
    ]);

    // Filters that select none of the lock's tags say so of the lock's tags, and that nothing was checked.
    const none = await cli([...check, '--tags', '9\\..*']);
    assert.match(
      none.stderr,
      new RegExp(
        `entry 1, ${src.host}/team/tool: tags "9\\\\\\.\\.\\*" selects none of the 3 tags the lock tool\\.lock\\.json holds for it \\(2\\.0, 1\\.1, 1\\.0\\): nothing to check`,
      ),
    );

    await rm(join(dst.storage, 'docker/registry/v2/repositories/mirror/tool/_manifests/tags/1.1'), { recursive: true });
    const drifted = await cli(check);
    assert.equal(drifted.code, 1, drifted.stderr);
    assert.match(
      drifted.stderr,
      new RegExp(`tag 1\\.1 missing \\(line \\d+ of the lock tool\\.lock\\.json names ${digests.get('1.1')}\\) in ${dst.host}/mirror/tool`),
    );
  });
});
