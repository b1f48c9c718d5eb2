import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeImageLayout, pushLayoutWithSkopeo, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { REPO_ROOT } from '../support/run-action.js';
import { skopeoInspectRaw } from '../support/skopeo.js';

const CLI = join(REPO_ROOT, 'lib', 'src', 'cli', 'index.js');
const WRITES = new Set(['PUT', 'POST', 'PATCH', 'DELETE']);

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

let home: string;

/** Runs the CLI with pipes (so stderr is not a terminal) and a private HOME for its blob-info cache. */
function cli(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `oci-copy SRC oci-archive:-` piped into `oci-copy oci-archive:- DST`, as a shell pipe would. */
function pipeCli(exportArgs: string[], importArgs: string[]): Promise<[CliRun, CliRun]> {
  const env = { PATH: process.env.PATH, HOME: home };
  const producer = spawn(process.execPath, [CLI, ...exportArgs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const consumer = spawn(process.execPath, [CLI, ...importArgs], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  producer.stdout.pipe(consumer.stdin);
  const collect = (child: ChildProcess, withStdout: boolean) =>
    new Promise<CliRun>((resolve) => {
      let stdout = '';
      let stderr = '';
      if (withStdout) child.stdout!.on('data', (b) => (stdout += b));
      child.stderr!.on('data', (b) => (stderr += b));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  return Promise.all([collect(producer, false), collect(consumer, true)]);
}

describe('the command line', () => {
  let registry: TestRegistry;
  let work: string;
  let image: ImageLayout;

  before(async () => {
    registry = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'oci-copy-cli-'));
    home = join(work, 'home');
    image = await makeImageLayout(join(work, 'seed'), {
      tag: 'v1',
      sharedLayers: { base: { size: 40_000 } },
      platforms: [
        { os: 'linux', architecture: 'amd64', layers: ['base', { size: 20_000 }] },
        { os: 'linux', architecture: 'arm64', layers: ['base', { size: 25_000 }] },
      ],
    });
    await pushLayoutWithSkopeo(image.dir, 'v1', `${registry.host}/src/app`);
  });

  after(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('copies registry → layout, logs plain lines on stderr, and keeps the blob-info cache in the user cache directory', async () => {
    const layout = join(work, 'layout');
    const run = await cli([`${registry.host}/src/app:v1`, `oci:${layout}:v1`]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '', 'stdout stays free for data');
    assert.ok(run.stderr.includes(`Digest: ${image.root.digest}`), run.stderr);
    const raw = JSON.parse(await skopeoInspectRaw(`oci:${layout}:v1`)) as { manifests: unknown[] };
    assert.equal(raw.manifests.length, 2);
    for (const b of image.blobs) await stat(join(layout, 'blobs', 'sha256', b.digest.slice(7)));
    // not a terminal: whole lines, no cursor movement or colour
    assert.doesNotMatch(run.stderr, /[\x1b\r]/);
    assert.ok(run.stderr.endsWith('\n'));
    assert.match(run.stderr, /^Copying [0-9a-f]{12} /m);
    const cache = JSON.parse(await readFile(join(home, '.cache', 'oci-copy', 'blob-info.json'), 'utf8'));
    assert.ok(JSON.stringify(cache).includes('src/app'), 'the cache learned where the blobs live');
  });

  it('--json prints the per-node account on stdout', async () => {
    const run = await cli([`${registry.host}/src/app:v1`, `${registry.host}/json/app:v1`, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { digest: string; mediaType: string; size: number; blobs: Array<{ digest: string; action: string; from?: string }> };
    assert.equal(out.digest, image.root.digest);
    assert.equal(out.mediaType, 'application/vnd.oci.image.index.v1+json');
    assert.equal(out.size, image.root.size);
    assert.deepEqual(new Set(out.blobs.map((b) => b.digest)), new Set(image.blobs.map((b) => b.digest)));
    const mounted = out.blobs.filter((b) => b.action === 'mounted');
    assert.ok(mounted.length > 0 && mounted.every((b) => b.from === 'src/app'), run.stdout);
  });

  it('--dry-run writes nothing and says what it would do', async () => {
    registry.resetRequests();
    const layout = join(work, 'dry-layout');
    const toRegistry = await cli([`${registry.host}/src/app:v1`, `${registry.host}/dry/app:v1`, '--dry-run', '--json']);
    assert.equal(toRegistry.code, 0, toRegistry.stderr);
    assert.deepEqual((await registry.settledRequests()).filter((q) => WRITES.has(q.method)), []);
    const out = JSON.parse(toRegistry.stdout) as { blobs: Array<{ action: string }> };
    assert.ok(out.blobs.every((b) => ['copy', 'mount', 'exists'].includes(b.action)));
    assert.match(toRegistry.stderr, /Would copy \[registry\]/);
    assert.match(toRegistry.stderr, /^Would mount sha256:/m);

    const toLayout = await cli([`${registry.host}/src/app:v1`, `oci:${layout}:v1`, '--dry-run']);
    assert.equal(toLayout.code, 0, toLayout.stderr);
    await assert.rejects(stat(layout), 'no layout directory created');
    assert.match(toLayout.stderr, /Would copy \[registry\] .* => \[oci-layout\] /);

    const archive = join(work, 'dry.tar');
    const toArchive = await cli([`${registry.host}/src/app:v1`, `oci-archive:${archive}:v1`, '--dry-run', '--json']);
    assert.equal(toArchive.code, 0, toArchive.stderr);
    await assert.rejects(stat(archive), 'no archive written');
    assert.ok((JSON.parse(toArchive.stdout) as { blobs: Array<{ action: string }> }).blobs.every((b) => b.action === 'copy'));

    const toStdout = await cli([`${registry.host}/src/app:v1`, 'oci-archive:-', '--dry-run']);
    assert.equal(toStdout.code, 0, toStdout.stderr);
    assert.equal(toStdout.stdout, '', 'no archive bytes on stdout');
  });

  it('--dry-run into a layout that already holds the image reports exists and changes nothing', async () => {
    const layout = join(work, 'full-layout');
    assert.equal((await cli([`${registry.host}/src/app:v1`, `oci:${layout}:v1`])).code, 0);
    const before = await readFile(join(layout, 'index.json'), 'utf8');
    const run = await cli([`${registry.host}/src/app:v1`, `oci:${layout}:v2`, '--dry-run', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { blobs: Array<{ action: string }> };
    assert.ok(out.blobs.length > 0 && out.blobs.every((b) => b.action === 'exists'), run.stdout);
    assert.equal(await readFile(join(layout, 'index.json'), 'utf8'), before, 'no tag v2 added');
  });

  it('--platform copies one platform and --referrers is accepted', async () => {
    const run = await cli([`${registry.host}/src/app:v1`, `${registry.host}/one/app:v1`, '--platform', 'linux/arm64', '--referrers', '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).digest, image.manifests[1].descriptor.digest);
  });

  it('exports oci-archive:- to stdout, piped into an import from stdin', async () => {
    const [producer, consumer] = await pipeCli(
      [`${registry.host}/src/app:v1`, 'oci-archive:-'],
      ['oci-archive:-', `${registry.host}/piped/app:v1`, '--json'],
    );
    assert.equal(producer.code, 0, producer.stderr);
    assert.equal(consumer.code, 0, consumer.stderr);
    assert.equal(JSON.parse(consumer.stdout).digest, image.root.digest);
    const raw = JSON.parse(await skopeoInspectRaw(`docker://${registry.host}/piped/app:v1`)) as { manifests: unknown[] };
    assert.equal(raw.manifests.length, 2);
  });

  it('bad arguments exit 2 with one line and no stack trace', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /expected SOURCE and DESTINATION, got 0/],
      [['only-one'], /expected SOURCE and DESTINATION, got 1/],
      [['a/b', 'c/d', '--bogus'], /bogus/],
      [['a/b', 'c/d', '--concurrency', '0'], /concurrency.*1 to 64/],
      [['a/b', 'c/d', '--platform', 'linux'], /not a platform/],
      [['a/b', 'c/d', '--platform', 'linux/amd64,linux'], /"linux" is not a platform/],
      [['a/b', 'c/d', '--no-clobber=yes'], /no-clobber/],
      [['a/b', 'c/d', '--src-creds', 'nopassword'], /--src-creds must be USER:PASSWORD/],
      [['Not A Ref', 'c/d'], /white space/],
      [['a/b', 'c/d', '--operation', 'export'], /operation/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      const lines = run.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, `${args.join(' ')}: ${run.stderr}`);
      assert.match(lines[0], /^oci-copy: /);
      assert.match(lines[0], message);
      assert.equal(run.stdout, '');
    }
  });

  it('a missing image exits 1 with one line naming it', async () => {
    const run = await cli([`${registry.host}/src/app:nope`, `${registry.host}/x/app:v1`]);
    assert.equal(run.code, 1);
    const lines = run.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0], /^oci-copy: .*src\/app:nope.*not found/);
  });

  it('on a terminal, progress is one redrawn status line', async () => {
    // `script` gives the command a pseudo-terminal and copies what it printed to our pipe.
    const command = [process.execPath, CLI, `${registry.host}/src/app:v1`, `oci:${join(work, 'tty-layout')}:v1`].map((a) => `'${a}'`).join(' ');
    const run = await new Promise<CliRun>((resolve) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], { env: { PATH: process.env.PATH, HOME: home, TERM: 'xterm' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b) => (stdout += b));
      child.stderr.on('data', (b) => (stderr += b));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.ok(run.stdout.includes('\r\x1b[K'), 'the status line is redrawn in place');
    assert.ok(run.stdout.includes(`Digest: ${image.root.digest}`));
  });

  it('--help prints usage and exits 0', async () => {
    const run = await cli(['--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^usage: oci-copy SOURCE DESTINATION/);
    assert.match(run.stdout, /--referrers/);
  });
});
