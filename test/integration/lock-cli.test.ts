// --lock-file and --locked on the command line, against real registries: a copy writes its lock, a
// locked copy of a source tag deleted since reads the locked digest and says the tag is gone, a
// locked sync keeps the lock's digests, and the flags' mistakes are usage errors.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { makeImageLayout, pushImageOverHttp } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

describe('oci-copy --lock-file and --locked', () => {
  let src: TestRegistry;
  let dst: TestRegistry;
  let work: string;
  const home = () => join(work, 'home');
  const digests = new Map<string, string>();

  const push = async (tag: string, seed: string) => {
    const image = await makeImageLayout(join(work, `${tag}-${seed}`), {
      tag,
      platforms: [{ os: 'linux', architecture: 'arm64', layers: [{ size: 1800, seed }] }],
    });
    await pushImageOverHttp(image, src.url, 'team/svc', tag);
    return image.root.digest;
  };
  const destinationDigest = async (repo: string, tag: string) => {
    const res = await fetch(`${dst.url}/v2/${repo}/manifests/${tag}`, {
      method: 'HEAD',
      headers: { Accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' },
    });
    return res.status === 200 ? res.headers.get('docker-content-digest') : undefined;
  };

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-lock-cli-'));
    [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
    for (const tag of ['1', '2']) digests.set(tag, await push(tag, `svc-${tag}`));
  });
  after(async () => {
    await Promise.all([src?.stop(), dst?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('copy --lock-file writes the lock relative to the working directory; --locked copies a deleted source tag by its locked digest', async () => {
    const run = await runCli(['--lock-file', 'svc.lock.json', `${src.host}/team/svc:1`, `${dst.host}/svc`], { home: home(), cwd: work });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /Wrote svc\.lock\.json: 1 image \(new\)/);
    assert.equal(
      await readFile(join(work, 'svc.lock.json'), 'utf8'),
      `{"version":1,"images":[\n{"source":"${src.host}/team/svc:1","destination":"${dst.host}/svc:1","digest":"${digests.get('1')}"}\n]}\n`,
    );
    // The source loses its tag; a new destination is built from the lock alone.
    await rm(join(src.storage, 'docker/registry/v2/repositories/team/svc/_manifests/tags/1'), { recursive: true });
    const lock = await readFile(join(work, 'svc.lock.json'), 'utf8');
    await writeFile(join(work, 'svc.lock.json'), lock.replace(`${dst.host}/svc:1`, `${dst.host}/rebuilt:1`));
    const locked = await runCli(['--locked', '--lock-file', 'svc.lock.json', `${src.host}/team/svc:1`, `${dst.host}/rebuilt`], {
      home: home(),
      cwd: work,
    });
    assert.equal(locked.code, 0, locked.stderr);
    assert.match(
      locked.stderr,
      new RegExp(
        `drift: ${src.host}/team/svc:1 is gone from the source \\(line 2 of the lock svc\\.lock\\.json names ${digests.get('1')}\\): the locked digest is copied`,
      ),
    );
    assert.match(locked.stderr, /svc\.lock\.json: 1 image held to its locked digest, 1 with drift/);
    assert.equal(await destinationDigest('rebuilt', '1'), digests.get('1'));
  });

  it('sync --locked keeps the locked digests and --json gives the drift; a tag the lock does not know fails the run', async () => {
    const args = [`${src.host}/team/svc`, `${dst.host}/mirror/svc`, '--tags', '2'];
    const first = await runCli(['sync', '--lock-file', 'sync.lock.json', ...args], { home: home(), cwd: work });
    assert.equal(first.code, 0, first.stderr);
    const moved = await push('2', 'svc-2-rebuilt');
    const locked = await runCli(['sync', '--locked', '--lock-file', 'sync.lock.json', '--json', ...args], { home: home(), cwd: work });
    assert.equal(locked.code, 0, locked.stderr);
    const [image] = JSON.parse(locked.stdout) as Array<Record<string, unknown>>;
    assert.deepEqual(
      [image.status, image.digest, image.drift],
      ['unchanged', digests.get('2'), { locked: digests.get('2'), source: moved }],
    );
    assert.equal(await destinationDigest('mirror/svc', '2'), digests.get('2'));
    const dry = await runCli(['sync', '--locked', '--lock-file', 'sync.lock.json', '--dry-run', ...args], { home: home(), cwd: work });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stderr, /Dry run: sync\.lock\.json: 1 image held to its locked digest, 1 with drift/);

    await push('3', 'svc-3');
    const unknown = await runCli(
      ['sync', '--locked', '--lock-file', 'sync.lock.json', `${src.host}/team/svc`, `${dst.host}/mirror/svc`, '--tags', '[23]'],
      {
        home: home(),
        cwd: work,
      },
    );
    assert.equal(unknown.code, 1, unknown.stderr);
    assert.match(unknown.stderr, new RegExp(`sync\\.lock\\.json has no entry for ${src.host}/team/svc:3 => ${dst.host}/mirror/svc:3`));
    assert.equal(await destinationDigest('mirror/svc', '3'), undefined);
  });

  it('--locked without --lock-file, and a lock that does not read, are one line each', async () => {
    const bare = await runCli(['--locked', `${src.host}/team/svc:2`, `${dst.host}/x`], { home: home(), cwd: work });
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /--locked copies what a lock names, and --lock-file is not given: add --lock-file FILE/);
    await writeFile(join(work, 'broken.json'), '{"version":1,"images":[\n{"source":"a/b:1","destination":"c/d:1"}\n]}\n');
    const broken = await runCli(['sync', '--locked', '--lock-file', 'broken.json', `${src.host}/team/svc`, `${dst.host}/x`], {
      home: home(),
      cwd: work,
    });
    assert.notEqual(broken.code, 0);
    assert.match(
      broken.stderr,
      /lock file broken\.json line 2 \(entry 1\) has no "digest": each entry needs source, destination and digest/,
    );
    assert.equal(broken.stderr.trim().split('\n').length, 1, broken.stderr);
    const help = await runCli(['sync', '--help'], { home: home() });
    assert.match(help.stdout, /--lock-file FILE/);
    assert.match(help.stdout, /--locked/);
  });
});
