// What the command line says of a copy's outcome, tried as a new user would: an unchanged copy
// names its tags, a failed one still answers --json, no-clobber refuses every destination at once
// and names every tag, one failed destination's error is printed once and in its place, an
// unnamed docker archive is said to be unnamed, and sync --help describes sync's own flags.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { makeImageLayout, pushImageOverHttp, type ImageLayout } from '../support/images.js';
import { freePort, startRegistry, type TestRegistry } from '../support/registry.js';

const WRITES = new Set(['PUT', 'POST', 'PATCH', 'DELETE']);

describe('the command line tells the outcome', () => {
  let registry: TestRegistry;
  let work: string;
  let home: string;
  let one: ImageLayout;
  let other: ImageLayout;
  const cli = (args: string[]) => runCli([...args, '--no-blob-cache'], { home });

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-cli-outcome-'));
    home = join(work, 'home');
    registry = await startRegistry();
    one = await makeImageLayout(join(work, 'one'), {
      tag: '1.0.0',
      index: false,
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 3000, seed: 'one' }] }],
    });
    other = await makeImageLayout(join(work, 'other'), {
      tag: '0.9',
      index: false,
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 2000, seed: 'other' }] }],
    });
    await pushImageOverHttp(one, registry.url, 'src/one', '1.0.0');
    for (const tag of ['1.2', 'latest']) await pushImageOverHttp(other, registry.url, 'dst/taken', tag);
  });
  after(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('an unchanged copy names the tags it checked, in its line and in --json', async () => {
    const dest = `${registry.host}/dst/same:1.0.0,latest`;
    assert.equal((await cli([`${registry.host}/src/one:1.0.0`, dest])).code, 0);
    const again = await cli([`${registry.host}/src/one:1.0.0`, dest, '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.ok(again.stderr.split('\n').includes(`Unchanged: ${dest} already names ${one.root.digest}`), again.stderr);
    const account = JSON.parse(again.stdout) as { status: string; tags: string[] };
    assert.equal(account.status, 'unchanged');
    assert.deepEqual(account.tags, ['1.0.0', 'latest']);
  });

  it('a failed copy still prints its account with --json, and its one error line on stderr', async () => {
    const run = await cli([`${registry.host}/src/missing:1`, `${registry.host}/dst/missing:1`, '--json']);
    assert.equal(run.code, 1);
    const account = JSON.parse(run.stdout) as { status: string; error: string; destination: string };
    assert.equal(account.status, 'failed');
    assert.match(account.error, /src\/missing.*not found/);
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.equal(lines[0], `oci-copy: ${account.error}`);
  });

  it('no-clobber refuses before any byte moves to any destination, naming every tag that would move', async () => {
    await registry.resetRequests();
    const free = `${registry.host}/dst/free:1.2,latest`;
    const taken = `${registry.host}/dst/taken:1.2,latest`;
    const run = await cli([`${registry.host}/src/one:1.0.0`, free, taken, '--no-clobber', '--json']);
    assert.equal(run.code, 1);
    assert.deepEqual(
      (await registry.settledRequests()).filter((r) => WRITES.has(r.method)),
      [],
      'nothing written, not even to the free destination',
    );
    const refusal = `tags 1.2, latest in [registry] ${registry.host}/dst/taken already name other digests (1.2: ${other.root.digest}; latest: ${other.root.digest}), not ${one.root.digest}: no-clobber leaves them as they are (remove those tags there, or copy without no-clobber to move them)`;
    assert.ok(run.stderr.split('\n').includes(`Refused by no-clobber: ${refusal}`), run.stderr);
    assert.ok(run.stderr.split('\n').includes(`Not attempted: no-clobber refused the image for ${taken}`), run.stderr);
    const account = JSON.parse(run.stdout) as { destinations: Array<{ status: string; error?: string }> };
    assert.deepEqual(
      account.destinations.map((d) => d.status),
      ['skipped', 'failed'],
    );
    assert.equal(account.destinations[1].error, refusal);
  });

  it('several destinations read each blob from the source once; a re-run heads none of them as a copy', async () => {
    const second = await startRegistry();
    try {
      const layout = join(work, 'several-layout');
      const dests = [`oci:${layout}:1.0.0`, `${second.host}/dst/a:1.0.0`, `oci-archive:${join(work, 'several.tar')}:1.0.0`];
      await registry.resetRequests();
      const run = await cli([`${registry.host}/src/one:1.0.0`, ...dests, '--json']);
      assert.equal(run.code, 0, run.stderr);
      const account = JSON.parse(run.stdout) as { destinations: Array<{ durationMs: unknown }> };
      assert.ok(
        account.destinations.every((d) => typeof d.durationMs === 'number' && d.durationMs >= 0),
        run.stdout,
      );
      const reads = (await registry.settledRequests()).filter((q) => q.method === 'GET' && q.path.startsWith('/v2/src/one/blobs/'));
      assert.deepEqual(
        reads.map((q) => q.path).sort(),
        one.blobs
          .filter((b) => !b.mediaType.includes('manifest'))
          .map((b) => `/v2/src/one/blobs/${b.digest}`)
          .sort(),
        'each blob read once',
      );
      const headings = (text: string) => text.split('\n').filter((l) => l.startsWith(`Copying ${registry.host}/src/one:1.0.0 => `));
      assert.equal(headings(run.stderr).length, 3, run.stderr);
      const again = await cli([`${registry.host}/src/one:1.0.0`, ...dests.slice(0, 2)]);
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(headings(again.stderr), [], again.stderr);
      for (const d of dests.slice(0, 2))
        assert.ok(again.stderr.split('\n').includes(`Unchanged: ${d} already names ${one.root.digest}`), again.stderr);
    } finally {
      await second.stop();
    }
  });

  it("one failed destination's error is printed once, in its place, and the last line names it", async () => {
    const down = `127.0.0.1:${await freePort()}/dst/app:1.0.0`;
    const good = `${registry.host}/dst/good:1.0.0`;
    const run = await cli([`${registry.host}/src/one:1.0.0`, down, good]);
    assert.equal(run.code, 1);
    const lines = run.stderr.trim().split('\n');
    const failed = lines.findIndex((l) => l.startsWith('Failed: '));
    const error = lines[failed].slice('Failed: '.length);
    assert.match(error, /cannot reach/);
    assert.equal(run.stderr.split(error).length - 1, 1, `the error once: ${run.stderr}`);
    assert.ok(failed > lines.indexOf(`Copying ${registry.host}/src/one:1.0.0 => ${down}`), 'under its own heading');
    assert.ok(failed < lines.indexOf(`Copying ${registry.host}/src/one:1.0.0 => ${good}`), "before the next destination's lines");
    assert.equal(lines.at(-1), `oci-copy: 1 of 2 destinations failed: ${down}`);
  });

  it('an unnamed docker archive is said to be unnamed; a named one is not', async () => {
    const unnamed = await cli([`oci:${one.dir}:1.0.0`, `docker-archive:${join(work, 'unnamed.tar')}`]);
    assert.equal(unnamed.code, 0, unnamed.stderr);
    const warning = unnamed.stderr.split('\n').find((l) => l.startsWith('warning: manifest.json names no image'));
    assert.equal(
      warning,
      `warning: manifest.json names no image for ${one.root.digest} (RepoTags: []): the destination names none and the source has no repository, so docker load leaves it untagged and podman calls it localhost/1.0.0:latest; name it in the destination (docker-archive:PATH:NAME:TAG)`,
    );
    const list = JSON.parse((await promisify(execFile)('tar', ['xOf', join(work, 'unnamed.tar'), 'manifest.json'])).stdout) as Array<{
      RepoTags: string[];
    }>;
    assert.deepEqual(
      list.map((i) => i.RepoTags),
      [[]],
      'what the warning says is what was written',
    );
    const named = await cli([`oci:${one.dir}:1.0.0`, `docker-archive:${join(work, 'named.tar')}:example.com/one:1.0.0`]);
    assert.equal(named.code, 0, named.stderr);
    assert.doesNotMatch(named.stderr, /names no image/);
  });

  it('sync --help describes --json and --fail-fast as sync means them', async () => {
    const run = await runCli(['sync', '--help'], { home });
    assert.equal(run.code, 0);
    const row = (flag: string) => run.stdout.split('\n').find((l) => l.startsWith(`  ${flag} `)) ?? '';
    assert.match(row('--json'), /images array/);
    assert.doesNotMatch(row('--json'), /per-node account/);
    assert.match(row('--fail-fast'), /stop starting images after the first that fails/);
    assert.doesNotMatch(run.stdout, /with several destinations/);
  });
});
