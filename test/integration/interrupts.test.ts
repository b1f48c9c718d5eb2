// A run stopped by SIGTERM (a cancelled job, `kill`) or SIGINT (Ctrl-C) while it exports removes
// what it was writing, says it was interrupted and exits 143 or 130; a later run into the same
// layout or archive removes the partial files a crash left, and keeps a live process's.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collect, runCli, startCli } from '../support/cli.js';
import type { FaultProxy } from '../support/fault-proxy.js';
import { startProxiedSource, type ProxiedSource } from '../support/proxied-source.js';
import type { TestRegistry } from '../support/registry.js';
import { REPO_ROOT } from '../support/run-action.js';
import { PROCESS_SPACE } from '../../src/targets/partial-files.js';

/** Resolves once `dir` holds a file matching `pattern` (polling), or rejects after a few seconds. */
async function appears(dir: string, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const found = (await readdir(dir).catch(() => [] as string[])).find((f) => pattern.test(f));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`nothing matching ${pattern} appeared in ${dir}`);
}

describe('interrupted runs', () => {
  let src: ProxiedSource;
  let work: string;
  let home: string;
  let registry: TestRegistry;
  let proxy: FaultProxy;
  let big: string;

  before(async () => {
    src = await startProxiedSource(6_000_000);
    ({ work, registry, proxy, big } = src);
    home = join(work, 'home');
  });

  after(async () => {
    await src?.stop();
  });

  /** The big layer crawls, so the run is surely mid-export when the signal comes. */
  const slowBigLayer = () => {
    proxy.reset();
    proxy.addFault({
      method: 'GET',
      path: new RegExp(`/blobs/${big}$`),
      times: Infinity,
      fault: { kind: 'slow', bytesPerSecond: 500_000 },
    });
  };

  it('SIGTERM during an export to an archive leaves no file, says so, and exits 143', async () => {
    slowBigLayer();
    const dir = join(work, 'archive-out');
    await mkdir(dir);
    const child = startCli([src.source, `oci-archive:${join(dir, 'app.tar')}:v1`], { home });
    const done = collect(child);
    await appears(dir, /^\.app\.tar\.\d+@[0-9a-f]+-[0-9a-f]+\.partial$/);
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    const run = await done;
    assert.equal(run.code, 143, run.stderr);
    const last = run.stderr.trim().split('\n').pop();
    assert.equal(last, 'oci-copy: interrupted (SIGTERM): removed 1 unfinished file');
    assert.deepEqual(await readdir(dir), [], 'no archive and no partial file');
  });

  it('SIGINT during an export to a new layout removes the layout and exits 130', async () => {
    slowBigLayer();
    const layout = join(work, 'layout-out');
    const child = startCli([src.source, `oci:${layout}:v1`], { home });
    const done = collect(child);
    await appears(join(layout, 'blobs', 'sha256'), /^\.[0-9a-f]{64}\.\d+@[0-9a-f]+-[0-9a-f]+\.partial$/);
    child.kill('SIGINT');
    const run = await done;
    assert.equal(run.code, 130, run.stderr);
    assert.match(run.stderr.trim().split('\n').pop()!, /^oci-copy: interrupted \(SIGINT\): removed \d+ unfinished files?$/);
    // The layout was new and no image was tagged in it: it goes, half-written blob and all.
    await assert.rejects(readdir(layout), { code: 'ENOENT' });
  });

  it('the bundled action, cancelled by SIGTERM mid-export, leaves no file and fails saying why', async () => {
    slowBigLayer();
    const dir = join(work, 'action-out');
    await mkdir(dir);
    const runner = await mkdtemp(join(work, 'runner-'));
    const env = {
      PATH: process.env.PATH,
      HOME: runner,
      RUNNER_TEMP: join(runner, 'temp'),
      INPUT_SOURCE: src.source,
      INPUT_DESTINATION: `oci-archive:${join(dir, 'app.tar')}:v1`,
      'INPUT_BLOB-CACHE': 'false',
    };
    const child: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'index.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const done = collect(child);
    await appears(dir, /\.partial$/);
    child.kill('SIGTERM');
    const run = await done;
    assert.equal(run.code, 143, run.stdout + run.stderr);
    assert.ok(run.stdout.split('\n').includes('::error::interrupted (SIGTERM): removed 1 unfinished file'), run.stdout);
    assert.equal(run.stdout.split('\n').filter((l) => l.startsWith('::error::')).length, 1, 'one error line');
    assert.deepEqual(await readdir(dir), []);
  });

  it('a later run removes the partial files an earlier crash left, and keeps a live process’s and another container’s', async () => {
    proxy.reset();
    const layout = join(work, 'crashed-layout');
    assert.equal((await runCli([`${registry.host}/src/app:v1`, `oci:${layout}:v1`], { home })).code, 0);
    const blobs = join(layout, 'blobs', 'sha256');
    const hex = 'ab'.repeat(32);
    const crashed = `.${hex}.999999999@${PROCESS_SPACE}-0123456789ab.partial`;
    const crashedUnspaced = `.${hex}.999999998-0123456789ab.partial`;
    const live = `.${hex}.${process.pid}@${PROCESS_SPACE}-0123456789ab.partial`;
    // Another PID namespace (a container with the layout mounted): its id means nothing here.
    const otherSpace = `.${hex}.999999999@1-0123456789ab.partial`;
    const otherSpaceAbandoned = `.${hex}.999999999@1-abcdef012345.partial`;
    const old = `.${hex}.0123456789ab.partial`;
    const oldIndex = `.index.json.999999999-cafe00000000.partial`;
    for (const name of [crashed, crashedUnspaced, live, otherSpace, otherSpaceAbandoned, old])
      await writeFile(join(blobs, name), 'half a blob');
    await writeFile(join(layout, oldIndex), '{');
    const threeHoursAgo = new Date(Date.now() - 3 * 3600_000);
    for (const name of [old, otherSpaceAbandoned]) await utimes(join(blobs, name), threeHoursAgo, threeHoursAgo);

    const archive = join(work, 'crashed.tar');
    const crashedArchive = join(work, '.crashed.tar.999999999-0123456789ab.partial');
    await writeFile(crashedArchive, 'half an archive');

    const again = await runCli([`${registry.host}/src/app:v1`, `oci:${layout}:v2`], { home });
    assert.equal(again.code, 0, again.stderr);
    const left = (await readdir(blobs)).filter((f) => f.endsWith('.partial'));
    assert.deepEqual(
      left.sort(),
      [live, otherSpace].sort(),
      'the dead processes’ and the abandoned ones went; the live one and the other container’s fresh one stay',
    );
    assert.ok(!(await readdir(layout)).includes(oldIndex));

    const exported = await runCli([`${registry.host}/src/app:v1`, `oci-archive:${archive}:v1`], { home });
    assert.equal(exported.code, 0, exported.stderr);
    assert.ok(!(await readdir(work)).includes('.crashed.tar.999999999-0123456789ab.partial'));
  });
});
