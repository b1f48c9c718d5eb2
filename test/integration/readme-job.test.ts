// The README's other library examples (a sync list, a job with a check of its own) and its word on
// running the command line, run as written: only the registries change (to loopback ones holding
// the same repositories), and `oci-copy` resolves to this package as an installed dependency would.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VERSION } from '../../src/version.js';
import { collect, type CliRun } from '../support/cli.js';
import { makeImageLayout, pushImageOverHttp } from '../support/images.js';
import { freePort, startRegistry, type TestRegistry } from '../support/registry.js';
import { REPO_ROOT } from '../support/run-action.js';

/** The ```ts blocks under `## Library`, in order. */
async function libraryExamples(): Promise<string[]> {
  const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Library\n'), readme.indexOf('\n## Set up and test\n'));
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

describe("the README's sync and job examples, and how it says to run the command line", () => {
  let src: TestRegistry;
  let dst: TestRegistry;
  let work: string;
  let app: string;
  const digests = new Map<string, string>();

  /** Runs `code` as a module of a program that depends on oci-copy. */
  async function runExample(name: string, code: string): Promise<CliRun> {
    await writeFile(join(app, name), code);
    const child = spawn(process.execPath, [name], {
      cwd: app,
      env: { PATH: process.env.PATH, HOME: app },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return collect(child);
  }

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-readme-job-'));
    [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
    for (const tag of ['3.19', '3.20', '3.18']) {
      const image = await makeImageLayout(join(work, tag), {
        tag,
        index: false,
        platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 2000, seed: tag }] }],
      });
      await pushImageOverHttp(image, src.url, 'library/alpine', tag);
      digests.set(tag, image.root.digest);
    }
    await pushImageOverHttp(
      await makeImageLayout(join(work, 'app'), {
        tag: '1.2',
        index: false,
        platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 1500, seed: 'app' }] }],
      }),
      src.url,
      'acme/app',
      '1.2',
    );
    app = join(work, 'program');
    await mkdir(join(app, 'node_modules'), { recursive: true });
    await symlink(REPO_ROOT, join(app, 'node_modules', 'oci-copy'), 'dir');
  });
  after(async () => {
    await Promise.all([src?.stop(), dst?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('the sync example prints each image with its digest, and a failed one with its cause and no digest', async () => {
    const [, example] = await libraryExamples();
    assert.ok(example.includes("'- source: docker.io/library/alpine'"), example);
    const copied = await runExample(
      'sync.mjs',
      example.replace('docker.io/library/alpine', `${src.host}/library/alpine`).replace('mirror.example.com', dst.host),
    );
    assert.equal(copied.code, 0, copied.stderr);
    const lines = copied.stdout.trim().split('\n');
    assert.deepEqual(lines.sort(), [
      `copied ${src.host}/library/alpine:3.19 => ${dst.host}/hub/library/alpine:3.19 ${digests.get('3.19')}`,
      `copied ${src.host}/library/alpine:3.20 => ${dst.host}/hub/library/alpine:3.20 ${digests.get('3.20')}`,
    ]);
    // The source answers (its root is known), the destination does not: each image fails there.
    const down = `127.0.0.1:${await freePort()}`;
    const failed = await runExample(
      'sync-down.mjs',
      example.replace('docker.io/library/alpine', `${src.host}/library/alpine`).replace('mirror.example.com', down),
    );
    assert.equal(failed.code, 0, failed.stderr);
    const out = failed.stdout.trim().split('\n').sort();
    assert.equal(out.length, 2, failed.stdout);
    for (const [i, tag] of ['3.19', '3.20'].entries()) {
      assert.match(
        out[i],
        new RegExp(`^failed ${src.host}/library/alpine:${tag} => ${down}/hub/library/alpine:${tag} .*cannot reach ${down}`),
      );
      assert.doesNotMatch(out[i], /sha256:/, 'a failed image has no digest to print, and its cause is a line, not a stack');
    }
  });

  it('the job example runs its check: a -dev tag is refused before any byte moves, a release is promoted', async () => {
    const [, , example] = await libraryExamples();
    assert.ok(example.includes('runJob('), example);
    const local = (from: string, to: string) =>
      example.replace("'ghcr.io/acme/app:1.2'", `'${from}'`).replace("'registry.example.com/acme/app:1.2'", `'${to}'`);
    const promoted = await runExample('job.mjs', local(`${src.host}/acme/app:1.2`, `${dst.host}/acme/app:1.2`));
    assert.equal(promoted.code, 0, promoted.stderr);
    assert.match(promoted.stdout, /^promoted sha256:[0-9a-f]{64}\n$/);
    await dst.resetRequests();
    const refused = await runExample('job-dev.mjs', local(`${src.host}/acme/app:1.2`, `${dst.host}/acme/app:1.2-dev`));
    assert.equal(refused.code, 0, refused.stderr);
    assert.equal(refused.stdout, 'a -dev tag may not be promoted (1.2-dev)\n');
    assert.deepEqual(
      (await dst.settledRequests()).filter((r) => !['GET', 'HEAD'].includes(r.method)),
      [],
    );
  });

  it('says how to run the command line after npm ci, and that way runs it', async () => {
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
    assert.match(readme, /^npx oci-copy --help\b.*npm link/m);
    assert.match(readme, /after `npm ci`: `npx oci-copy --help` runs the command line/);
    // The Node.js under test first on PATH: the bin's `#!/usr/bin/env node` finds it, as on a machine with Node 22+.
    const PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH}`;
    // npx installs this folder to run its bin, and so runs its prepare script: lib/, which the other
    // test files load from as this one runs, must not be compiled again when it is up to date.
    const compiled = join(REPO_ROOT, 'lib', 'src', 'lib.js');
    const before = (await stat(compiled)).mtimeMs;
    const child = spawn('npx', ['--no-install', 'oci-copy', '--version'], {
      cwd: REPO_ROOT,
      env: { PATH, HOME: work },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run = await collect(child);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `oci-copy ${VERSION}\n`);
    assert.equal((await stat(compiled)).mtimeMs, before, 'npx compiled lib/ again');
  });
});
