import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, runCliInTerminal } from '../support/cli.js';
import { makeImageLayout, pushLayoutWithSkopeo, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { skopeoInspectRaw } from '../support/skopeo.js';

const lines = (text: string) => text.split(/\r?\n/).filter(Boolean);

describe('-q, --quiet: errors and the final line only', () => {
  let registry: TestRegistry;
  let work: string;
  let home: string;
  let image: ImageLayout;
  const cli = (args: string[]) => runCli(args, { home });

  before(async () => {
    registry = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'oci-copy-cli-quiet-'));
    home = join(work, 'home');
    image = await makeImageLayout(join(work, 'seed'), {
      tag: 'v1',
      platforms: [
        { os: 'linux', architecture: 'amd64', layers: [{ size: 30_000 }] },
        { os: 'linux', architecture: 'arm64', layers: [{ size: 20_000 }] },
      ],
    });
    await pushLayoutWithSkopeo(image.dir, 'v1', `${registry.host}/src/app`);
  });
  after(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('a copy prints its totals line alone, and copies', async () => {
    const run = await cli(['-q', `${registry.host}/src/app:v1`, `${registry.host}/dst/app:v1`]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '');
    assert.deepEqual(lines(run.stderr).length, 1, run.stderr);
    // Within one registry the layers are mounted, the rest copied: every node counted once.
    const totals = /^(\d+) copied \([0-9.]+ KiB\), (\d+) mounted \([0-9.]+ KiB\), 0 already there, in [0-9.]+ m?s\n$/.exec(run.stderr);
    assert.ok(totals, run.stderr);
    assert.equal(Number(totals[1]) + Number(totals[2]), image.blobs.length);
    const raw = JSON.parse(await skopeoInspectRaw(`${registry.host}/dst/app:v1`)) as { manifests: unknown[] };
    assert.equal(raw.manifests.length, 2);
  });

  it('an unchanged copy prints the line that says so, with the digest', async () => {
    const run = await cli(['--quiet', `${registry.host}/src/app:v1`, `${registry.host}/dst/app:v1`]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, `Unchanged: ${registry.host}/dst/app:v1 already names ${image.root.digest}\n`);
  });

  it('a command named after the flags is that command: -q copy SRC DST, -q sync SRC-REPO DST-REPO', async () => {
    const copy = await cli(['-q', 'copy', `${registry.host}/src/app:v1`, `${registry.host}/named/app:v1`]);
    assert.equal(copy.code, 0, copy.stderr);
    assert.equal(lines(copy.stderr).length, 1, copy.stderr);
    assert.match(copy.stderr, /^\d+ copied .* already there, in /);
    const sync = await cli(['--quiet', 'sync', `${registry.host}/src/app`, `${registry.host}/named-sync/app`]);
    assert.equal(sync.code, 0, sync.stderr);
    assert.equal(lines(sync.stderr).length, 1, sync.stderr);
    assert.match(sync.stderr, /^1 of 1 images copied, /);
  });

  it('on a terminal: no status line, no event lines, the final line', async () => {
    const run = await runCliInTerminal(['-q', `${registry.host}/src/app:v1`, `oci:${join(work, 'layout')}:v1`], { home });
    assert.equal(run.code, 0, run.stdout);
    assert.doesNotMatch(run.stdout, /\x1b\[K|Copying|Digest/);
    assert.equal(lines(run.stdout).length, 1, run.stdout);
    assert.match(run.stdout, new RegExp(`^${image.blobs.length} copied \\(.*\\), 0 mounted \\(0 B\\), 0 already there, in `));
  });

  it('a sync prints its totals line alone', async () => {
    const run = await cli(['sync', '-q', `${registry.host}/src/app`, `${registry.host}/mirror/app`]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(lines(run.stderr).length, 1, run.stderr);
    assert.match(run.stderr, /^1 of 1 images copied, 0 unchanged, 0 failed; [0-9.]+ KiB copied, [0-9.]+ KiB mounted; in /);
  });

  it('a failed copy prints its error alone', async () => {
    const run = await cli(['-q', `${registry.host}/src/app:v9`, `${registry.host}/dst/app:v9`]);
    assert.equal(run.code, 1);
    assert.equal(lines(run.stderr).length, 1, run.stderr);
    assert.match(run.stderr, /^oci-copy: .*v9/);
  });

  it('several destinations, one failing: its error, named, and the line that ends the run', async () => {
    const file = join(work, 'a-file');
    await writeFile(file, 'not a directory');
    const bad = `oci:${file}/layout:v1`;
    const run = await cli(['-q', `${registry.host}/src/app:v1`, `${registry.host}/dst2/app:v1`, bad]);
    assert.equal(run.code, 1);
    const [error, last, ...more] = lines(run.stderr);
    assert.deepEqual(more, [], run.stderr);
    assert.ok(error.startsWith(`${bad}: Failed: `), error);
    assert.equal(last, `oci-copy: 1 of 2 destinations failed: ${bad}`);
  });

  it('--quiet with --debug is refused', async () => {
    const run = await cli(['-q', '--debug', `${registry.host}/src/app:v1`, `${registry.host}/dst/app:v1`]);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, 'oci-copy: --quiet and --debug ask for fewer and for more lines: give one\n');
  });
});
