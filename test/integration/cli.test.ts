import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeImageLayout, pushLayoutWithSkopeo, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { CLI, collect, runCli, type CliRun } from '../support/cli.js';
import { skopeoInspectRaw } from '../support/skopeo.js';

const WRITES = new Set(['PUT', 'POST', 'PATCH', 'DELETE']);

let home: string;

/** The CLI with pipes (so no stream is a terminal) and a private HOME for its blob-info cache. */
const cli = (args: string[]) => runCli(args, { home });

/** `oci-copy SRC oci-archive:-` piped into `oci-copy oci-archive:- DST`, as a shell pipe would. */
function pipeCli(exportArgs: string[], importArgs: string[]): Promise<[CliRun, CliRun]> {
  const env = { PATH: process.env.PATH, HOME: home };
  const producer = spawn(process.execPath, [CLI, ...exportArgs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const consumer = spawn(process.execPath, [CLI, ...importArgs], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  producer.stdout.pipe(consumer.stdin);
  return Promise.all([collect(producer), collect(consumer)]);
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
    const out = JSON.parse(run.stdout) as {
      digest: string;
      mediaType: string;
      size: number;
      blobs: Array<{ digest: string; action: string; from?: string }>;
    };
    assert.equal(out.digest, image.root.digest);
    assert.equal(out.mediaType, 'application/vnd.oci.image.index.v1+json');
    assert.equal(out.size, image.root.size);
    assert.deepEqual(new Set(out.blobs.map((b) => b.digest)), new Set(image.blobs.map((b) => b.digest)));
    const mounted = out.blobs.filter((b) => b.action === 'mounted');
    assert.ok(mounted.length > 0 && mounted.every((b) => b.from === 'src/app'), run.stdout);
  });

  it('--dry-run writes nothing and says what it would do', async () => {
    await registry.resetRequests();
    const layout = join(work, 'dry-layout');
    const toRegistry = await cli([`${registry.host}/src/app:v1`, `${registry.host}/dry/app:v1`, '--dry-run', '--json']);
    assert.equal(toRegistry.code, 0, toRegistry.stderr);
    assert.deepEqual(
      (await registry.settledRequests()).filter((q) => WRITES.has(q.method)),
      [],
    );
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
    const run = await cli([
      `${registry.host}/src/app:v1`,
      `${registry.host}/one/app:v1`,
      '--platform',
      'linux/arm64',
      '--referrers',
      '--json',
    ]);
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

  it('a missing image exits 1 with one line naming it', async () => {
    const run = await cli([`${registry.host}/src/app:nope`, `${registry.host}/x/app:v1`]);
    assert.equal(run.code, 1);
    const lines = run.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0], /^oci-copy: .*src\/app:nope.*not found/);
  });

  it('copies to several destinations, given as arguments and with --to, all with the same digest', async () => {
    const layout = join(work, 'many-layout');
    const archive = join(work, 'many.tar');
    await registry.resetRequests();
    const run = await cli([
      `${registry.host}/src/app:v1`,
      `oci:${layout}:v1`,
      '--to',
      `oci-archive:${archive}:v1`,
      '--to',
      `${registry.host}/many/app:v1`,
      '--json',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as {
      digest: string;
      destinations: Array<{ destination: string; tags: string[] }>;
      blobs: Array<{ destination: string; action: string }>;
    };
    assert.equal(out.digest, image.root.digest);
    assert.deepEqual(
      out.destinations.map((d) => d.destination),
      [`oci:${layout}:v1`, `oci-archive:${archive}:v1`, `${registry.host}/many/app:v1`],
    );
    assert.deepEqual([...new Set(out.blobs.map((b) => b.destination))].length, 3, 'each blob record names its destination');
    for (const ref of [`oci:${layout}:v1`, `oci-archive:${archive}:v1`, `docker://${registry.host}/many/app:v1`]) {
      assert.equal(JSON.parse(await skopeoInspectRaw(ref)).manifests.length, 2, ref);
    }
    // One heading per destination, in order, then one account each.
    const headings = run.stderr.split('\n').filter((l) => l.startsWith(`Copying ${registry.host}/src/app:v1 => `));
    assert.deepEqual(
      headings.map((l) => l.split(' => ')[1]),
      [`oci:${layout}:v1`, `oci-archive:${archive}:v1`, `${registry.host}/many/app:v1`],
    );
    assert.equal(run.stderr.split('\n').filter((l) => l === `Digest: ${image.root.digest}`).length, 3);
    // The source tag is resolved once for every destination (a HEAD), and its manifest read once.
    const log = await registry.settledRequests();
    assert.equal(log.filter((q) => q.path === '/v2/src/app/manifests/v1').length, 1);
    assert.ok(log.filter((q) => q.method === 'GET' && q.path === `/v2/src/app/manifests/${image.root.digest}`).length <= 1);
  });
});
