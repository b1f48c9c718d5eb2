import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CopyEvent } from '../../src/copy/events.js';
import { eventLine } from '../../src/job/render/event-lines.js';
import { TagConflictError } from '../../src/oci/errors.js';
import { copyRefs } from '../support/copy-refs.js';
import { makeImageLayout, pushLayoutWithSkopeo, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { REPO_ROOT, runAction } from '../support/run-action.js';
import { skopeo, skopeoInspectRaw } from '../support/skopeo.js';

type Tagged = Extract<CopyEvent, { type: 'tagged' }>;
const WRITES = new Set(['PUT', 'POST', 'PATCH', 'DELETE']);
const CLI = join(REPO_ROOT, 'lib', 'src', 'cli', 'index.js');
const lines = (events: CopyEvent[]) => events.map(eventLine).filter((l): l is string => l !== undefined);
const tagged = (events: CopyEvent[]) => events.filter((e): e is Tagged => e.type === 'tagged');

describe('tags that move, and no-clobber', () => {
  let source: TestRegistry;
  let target: TestRegistry;
  let work: string;
  let a: ImageLayout;
  let b: ImageLayout;
  /** The digest a destination tag names, as skopeo reads it. */
  const digestAt = async (ref: string) =>
    (JSON.parse((await skopeo(['inspect', '--tls-verify=false', `docker://${ref}`])).stdout) as { Digest: string }).Digest;

  before(async () => {
    [source, target] = await Promise.all([startRegistry(), startRegistry()]);
    work = await mkdtemp(join(tmpdir(), 'oci-copy-tags-'));
    a = await makeImageLayout(join(work, 'a'), { tag: 'a', platforms: [{ architecture: 'amd64', layers: [{ size: 6_000 }] }] });
    b = await makeImageLayout(join(work, 'b'), { tag: 'b', platforms: [{ architecture: 'amd64', layers: [{ size: 7_000 }] }] });
    await pushLayoutWithSkopeo(a.dir, 'a', `${source.host}/src/app`);
    await pushLayoutWithSkopeo(b.dir, 'b', `${source.host}/src/app`);
    await copyRefs(`${source.host}/src/app:a`, `${target.host}/dst/app:1.2`);
  });

  after(async () => {
    await Promise.all([source?.stop(), target?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('reports a registry tag that moved, with the digest it named', async () => {
    await copyRefs(`${source.host}/src/app:a`, `${target.host}/move/app:1.2`);
    const { events } = await copyRefs(`${source.host}/src/app:b`, `${target.host}/move/app:1.2`);
    assert.deepEqual(
      tagged(events).map((e) => [e.reference, e.previous, e.node.digest]),
      [['1.2', a.root.digest, b.root.digest]],
    );
    assert.ok(lines(events).includes(`tag 1.2 moved from ${a.root.digest} to ${b.root.digest}`), lines(events).join('\n'));
    assert.equal(await digestAt(`${target.host}/move/app:1.2`), b.root.digest);
  });

  it('with no-clobber, refuses before any byte moves and leaves the tag as it was', async () => {
    await target.resetRequests();
    const refused = await copyRefs(`${source.host}/src/app:b`, `${target.host}/dst/app:latest,1.2`, { noClobber: true }).then(
      () => assert.fail('the copy should have been refused'),
      (err: unknown) => err,
    );
    assert.ok(refused instanceof TagConflictError);
    assert.equal(
      refused.message,
      `tag 1.2 in [registry] ${target.host}/dst/app already names ${a.root.digest}, not ${b.root.digest}: no-clobber leaves it as it is (remove the tag there, or copy without no-clobber to move it)`,
    );
    assert.deepEqual(
      (await target.settledRequests()).filter((q) => WRITES.has(q.method)),
      [],
      'nothing written, not even the tag that was free',
    );
    assert.equal(await digestAt(`${target.host}/dst/app:1.2`), a.root.digest);
  });

  it('with no-clobber, a tag that already names the digest is fine and is not written again', async () => {
    await target.resetRequests();
    const { events } = await copyRefs(`${source.host}/src/app:a`, `${target.host}/dst/app:1.2`, { noClobber: true });
    assert.deepEqual(
      tagged(events).map((e) => [e.reference, e.previous]),
      [['1.2', a.root.digest]],
    );
    assert.deepEqual(
      (await target.settledRequests()).filter((q) => WRITES.has(q.method)),
      [],
    );
    assert.ok(lines(events).includes(`tag 1.2 already names ${a.root.digest}`));
  });

  it('with no-clobber, a layout tag and an archive tag are kept as well', async () => {
    const layout = join(work, 'layout');
    const archive = join(work, 'bundle.tar');
    await copyRefs(`${source.host}/src/app:a`, `oci:${layout}:1.2`);
    await copyRefs(`${source.host}/src/app:a`, `oci-archive:${archive}:1.2`);
    const [indexBefore, archiveBefore] = await Promise.all([readFile(join(layout, 'index.json')), readFile(archive)]);
    for (const dest of [`oci:${layout}:1.2`, `oci-archive:${archive}:1.2`]) {
      await assert.rejects(
        copyRefs(`${source.host}/src/app:b`, dest, { noClobber: true }),
        (err: unknown) => err instanceof TagConflictError && err.current === a.root.digest,
      );
    }
    assert.deepEqual(await readFile(join(layout, 'index.json')), indexBefore);
    assert.deepEqual(await readFile(archive), archiveBefore);
    const { events } = await copyRefs(`${source.host}/src/app:b`, `oci-archive:${archive}:1.2`);
    assert.deepEqual(
      tagged(events).map((e) => e.previous),
      [a.root.digest],
      'the archive reports the digest its tag named',
    );
    assert.equal(JSON.parse(await skopeoInspectRaw(`oci-archive:${archive}:1.2`)).config.digest, b.manifests[0].config.digest);
  });

  it('a destination named by digest says it stored the root by digest, and tags nothing', async () => {
    const { events } = await copyRefs(`${source.host}/src/app@${a.root.digest}`, `${target.host}/bydigest/app`);
    assert.deepEqual(tagged(events), []);
    assert.deepEqual(
      events.filter((e) => e.type === 'stored').map((e) => e.node.digest),
      [a.root.digest],
    );
    assert.ok(lines(events).includes(`Stored by digest ${a.root.digest}`));
    assert.ok(!lines(events).some((l) => l.startsWith('Tagged')));
  });

  it('a dry run on the command line lists the tags it would write, in the conditional to the end, and --json says so', async () => {
    await target.resetRequests();
    const run = await cli([`${source.host}/src/app:b`, `${target.host}/dst/app:1.2,1.3`, '--dry-run', '--json', '--no-blob-cache']);
    assert.equal(run.code, 0, run.stderr);
    const log = run.stderr.trim().split('\n');
    assert.ok(log.includes(`tag 1.2 would move from ${a.root.digest} to ${b.root.digest}`), run.stderr);
    assert.ok(log.includes('Would tag 1.3'), run.stderr);
    assert.ok(log.includes(`Would copy [registry] ${source.host}/src/app => [registry] ${target.host}/dst/app`), run.stderr);
    assert.match(log.at(-1)!, /^Would copy 3 \(.+\) and mount 0 \(0 B\); 0 already there; checked in /);
    assert.ok(!log.some((l) => /^(Tagged|Copied|Stored)\b/.test(l)), run.stderr);
    const account = JSON.parse(run.stdout) as { dryRun: boolean; tags: string[] };
    assert.equal(account.dryRun, true);
    assert.deepEqual(account.tags, ['1.2', '1.3']);
    assert.deepEqual(
      (await target.settledRequests()).filter((q) => WRITES.has(q.method)),
      [],
    );
  });

  it('one tag for two image names in an archive: neither moves the other, and no-clobber lets both in', async () => {
    await copyRefs(`${source.host}/src/app:a`, `${source.host}/team-a/x:latest`);
    await copyRefs(`${source.host}/src/app:b`, `${source.host}/team-b/y:latest`);
    const bundle = `oci-archive:${join(work, 'two-names.tar')}`;
    for (const repo of ['team-a/x', 'team-b/y', 'team-a/x']) {
      const run = await cli([`${source.host}/${repo}:latest`, bundle, '--no-clobber', '--no-blob-cache']);
      assert.equal(run.code, 0, run.stderr);
      assert.doesNotMatch(run.stderr, /moved from/);
    }
    const listing = JSON.parse(await tarFile(join(work, 'two-names.tar'), 'index.json')) as {
      manifests: Array<{ digest: string; annotations?: Record<string, string> }>;
    };
    const names = listing.manifests.map((m) => [m.annotations?.['io.containerd.image.name'], m.digest]).sort();
    assert.deepEqual(names, [
      [`${source.host}/team-a/x:latest`, a.root.digest],
      [`${source.host}/team-b/y:latest`, b.root.digest],
    ]);
  });

  it('--no-clobber on the command line fails with the one-line reason, exit 1', async () => {
    const run = await cli([`${source.host}/src/app:b`, `${target.host}/dst/app:1.2`, '--no-clobber', '--no-blob-cache']);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr.trim().split('\n').at(-1),
      `oci-copy: tag 1.2 in [registry] ${target.host}/dst/app already names ${a.root.digest}, not ${b.root.digest}: no-clobber leaves it as it is (remove the tag there, or copy without no-clobber to move it)`,
    );
  });

  it('the bundled action with no-clobber: true fails the step naming the tag; without it, logs the move', async () => {
    const refused = await runAction({
      source: `${source.host}/src/app:b`,
      destination: `${target.host}/dst/app:1.2`,
      'no-clobber': 'true',
      'blob-cache': 'false',
    });
    assert.equal(refused.code, 1);
    assert.match(
      refused.stdout,
      /::error::tag 1\.2 in \[registry\] \S+ already names sha256:[0-9a-f]{64}, not sha256:[0-9a-f]{64}: no-clobber leaves it as it is/,
    );
    assert.equal(await digestAt(`${target.host}/dst/app:1.2`), a.root.digest);
    const moved = await runAction({ source: `${source.host}/src/app:b`, destination: `${target.host}/dst/app:1.2`, 'blob-cache': 'false' });
    assert.equal(moved.code, 0, moved.stdout);
    assert.ok(moved.stdout.split('\n').includes(`tag 1.2 moved from ${a.root.digest} to ${b.root.digest}`), moved.stdout);
  });

  /** Runs the CLI with pipes and a private HOME. */
  /** One file of a tar, as `tar -xOf` prints it. */
  function tarFile(tar: string, name: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn('tar', ['-xOf', tar, name], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`tar exited ${code}`))));
    });
  }

  function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        env: { PATH: process.env.PATH, HOME: work },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }
});
