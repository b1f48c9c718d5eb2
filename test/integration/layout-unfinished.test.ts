// A copy into an `oci:` layout that fails creates nothing it did not finish: a layout it created is
// removed again (an empty directory it was given is emptied), whether the source does not exist
// or the copy fails halfway; a layout that was there before keeps what it had.
import assert from 'node:assert/strict';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { startProxiedSource, type ProxiedSource } from '../support/proxied-source.js';
import { ACTION_COMPILED, runAction } from '../support/run-action.js';

async function missing(path: string): Promise<boolean> {
  return stat(path).then(
    () => false,
    (err: NodeJS.ErrnoException) => err.code === 'ENOENT',
  );
}

describe('a failed copy into a layout', () => {
  let src: ProxiedSource;
  let home: string;

  before(async () => {
    src = await startProxiedSource(1_500_000);
    home = join(src.work, 'home');
  });

  after(async () => {
    await src?.stop();
  });

  it('leaves no layout behind when the source does not exist, however deep the path it would have made', async () => {
    const top = join(src.work, 'typo');
    const run = await runCli([`${src.registry.host}/src/apq:v1`, `oci:${join(top, 'deeper', 'layout')}:v1`], { home });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /src\/apq/);
    assert.ok(await missing(top), 'no directory was left');
  });

  it('leaves a given empty directory empty when the copy fails halfway (the action)', async () => {
    const dir = join(src.work, 'given-empty');
    await mkdir(dir);
    src.proxy.reset();
    // Every read of the big layer is cut after a few bytes: the config and the small layer are written first.
    src.proxy.addFault({
      method: 'GET',
      path: new RegExp(`/blobs/${src.big}$`),
      times: Infinity,
      fault: { kind: 'reset-response', afterBytes: 1000 },
    });
    const run = await runAction({ source: src.source, destination: `oci:${dir}:v1`, 'blob-cache': 'false' }, {}, ACTION_COMPILED);
    const cut = src.proxy.fired().length;
    src.proxy.reset();
    assert.equal(run.code, 1, run.stdout);
    assert.ok(cut > 0, 'the big layer was cut');
    assert.match(run.stdout, new RegExp(`::error::.*${src.big}`), 'the failure names the blob it could not read');
    assert.deepEqual(await readdir(dir), [], 'the directory is as it was given');
  });

  it('keeps a layout that was there before, with what it held', async () => {
    const layout = join(src.work, 'kept');
    assert.equal((await runCli([src.source, `oci:${layout}:v1`], { home })).code, 0);
    const before = (await readdir(join(layout, 'blobs', 'sha256'))).sort();
    const run = await runCli([`${src.registry.host}/src/apq:v1`, `oci:${layout}:v2`], { home });
    assert.equal(run.code, 1);
    assert.deepEqual((await readdir(layout)).sort(), ['blobs', 'index.json', 'oci-layout']);
    assert.deepEqual((await readdir(join(layout, 'blobs', 'sha256'))).sort(), before);
  });
});
