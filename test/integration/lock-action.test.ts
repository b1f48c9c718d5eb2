// lock-file and locked through the bundled action, as a runner runs it, between real registries: the
// lock written in the workspace (and the output naming it), a moved source tag held back by locked
// with a warning annotation and the drift in `images`, and the inputs' mistakes in one line each.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeImageLayout, pushImageOverHttp } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { runAction } from '../support/run-action.js';

describe('lock-file and locked in the action', () => {
  let src: TestRegistry;
  let dst: TestRegistry;
  let work: string;
  let workspace: string;
  const digests = new Map<string, string>();

  const push = async (repo: string, tag: string, seed: string) => {
    const image = await makeImageLayout(join(work, `${repo.replace('/', '-')}-${tag}-${seed}`), {
      tag,
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 2500, seed }] }],
    });
    await pushImageOverHttp(image, src.url, repo, tag);
    return image.root.digest;
  };
  const list = () =>
    [
      `- source: ${src.host}/lib/app`,
      `  destination: ${dst.host}/mirror/`,
      `- source: ${src.host}/lib/db:5`,
      `  destination: ${dst.host}/mirror/db`,
    ].join('\n');
  const env = () => ({ GITHUB_WORKSPACE: workspace });
  const images = (run: { outputs: Record<string, string> }) =>
    (JSON.parse(run.outputs.images) as Array<Record<string, unknown>>).sort((a, b) =>
      String(a.destination).localeCompare(String(b.destination)),
    );

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-lock-action-'));
    workspace = join(work, 'workspace');
    [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
    await mkdir(join(workspace, '.github'), { recursive: true });
    digests.set('app:1', await push('lib/app', '1', 'app-1'));
    digests.set('app:2', await push('lib/app', '2', 'app-2'));
    digests.set('db:5', await push('lib/db', '5', 'db-5'));
  });
  after(async () => {
    await Promise.all([src?.stop(), dst?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('writes the lock in the workspace, names it in the output and the summary, and a dry run writes nothing', async () => {
    const dry = await runAction(
      { images: list(), 'lock-file': '.github/mirror.lock.json', 'dry-run': 'true', 'blob-cache': 'false' },
      env(),
    );
    assert.equal(dry.code, 0, dry.stdout + dry.stderr);
    assert.match(dry.stdout, /Dry run: would write \.github\/mirror\.lock\.json \(3 images, a new file\); nothing written/);
    assert.equal(dry.outputs['lock-file'], undefined);
    await assert.rejects(stat(join(workspace, '.github/mirror.lock.json')), /ENOENT/);

    const run = await runAction({ images: list(), 'lock-file': '.github/mirror.lock.json', 'blob-cache': 'false' }, env());
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const path = join(workspace, '.github/mirror.lock.json');
    assert.equal(run.outputs['lock-file'], path);
    assert.match(run.stdout, /Wrote \.github\/mirror\.lock\.json: 3 images \(new\)/);
    assert.match(run.summary, /> 🔒 Lock: Wrote \.github\/mirror\.lock\.json: 3 images \(new\)\./);
    assert.equal(
      await readFile(path, 'utf8'),
      [
        '{"version":1,"images":[',
        `{"source":"${src.host}/lib/app:1","destination":"${dst.host}/mirror/lib/app:1","digest":"${digests.get('app:1')}"},`,
        `{"source":"${src.host}/lib/app:2","destination":"${dst.host}/mirror/lib/app:2","digest":"${digests.get('app:2')}"},`,
        `{"source":"${src.host}/lib/db:5","destination":"${dst.host}/mirror/db:5","digest":"${digests.get('db:5')}"}`,
        ']}',
        '',
      ].join('\n'),
    );
  });

  it('with locked, keeps a moved tag at its locked digest, warns, and records the drift', async () => {
    const path = join(workspace, '.github/mirror.lock.json');
    const locked = await readFile(path, 'utf8');
    const moved = await push('lib/db', '5', 'db-5-rebuilt');
    const run = await runAction({ images: list(), 'lock-file': '.github/mirror.lock.json', locked: 'true', 'blob-cache': 'false' }, env());
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      new RegExp(
        `::warning::drift: ${src.host}/lib/db:5 names ${moved} now \\(line 4 of the lock \\.github/mirror\\.lock\\.json names ${digests.get('db:5')}\\): the locked digest is copied`,
      ),
    );
    const db = images(run).find((r) => String(r.destination).endsWith('/mirror/db:5'));
    assert.deepEqual(
      [db?.status, db?.digest, db?.drift],
      ['unchanged', digests.get('db:5'), { locked: digests.get('db:5'), source: moved }],
    );
    assert.match(run.summary, /🔒 drift: kept at the locked digest/);
    assert.match(run.summary, /Lock: \.github\/mirror\.lock\.json: 3 images held to their locked digests, 1 with drift/);
    assert.equal(run.outputs['lock-file'], undefined);
    assert.equal(await readFile(path, 'utf8'), locked);
  });

  it('says each mistake in one line naming the input or the file and the entry', async () => {
    const noFile = await runAction({ images: list(), locked: 'true' }, env());
    assert.equal(noFile.code, 1);
    assert.match(
      noFile.stdout,
      /::error::input "locked" copies what a lock names, and input "lock-file" is not given: name the lock file \(written by a run without locked\)/,
    );
    await writeFile(
      join(workspace, 'bad.json'),
      `{"version":1,"images":[\n{"source":"${src.host}/lib/db:5","destination":"${dst.host}/mirror/db:5","digest":"md5:0123"}\n]}\n`,
    );
    const bad = await runAction({ images: list(), 'lock-file': 'bad.json', locked: 'true' }, env());
    assert.equal(bad.code, 1);
    assert.match(
      bad.stdout,
      /::error::lock file bad\.json line 2 \(entry 1\): "digest" is "md5:0123", not sha256:<64 lower-case hex digits>/,
    );
    const wrong = await runAction({ images: list(), 'lock-file': 'bad.json', locked: 'maybe' }, env());
    assert.match(wrong.stdout, /::error::input "locked" is "maybe": use true or false/);
  });
});
