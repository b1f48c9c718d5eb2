// The README's library example, run as written: the only change is the registry it reads from
// (ghcr.io becomes a loopback registry holding the same repository), and `oci-copy` resolves to
// this package as an installed dependency would.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collect } from '../support/cli.js';
import { makeImageLayout, pushLayoutWithSkopeo, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { REPO_ROOT } from '../support/run-action.js';
import { skopeoInspectRaw } from '../support/skopeo.js';

/** The first ```ts block under `## Library`. */
async function libraryExample(): Promise<string> {
  const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Library\n'));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(block, 'README.md has a ts block under ## Library');
  return block[1];
}

describe("the README's library example", () => {
  let work: string;
  let registry: TestRegistry;
  let image: ImageLayout;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-readme-'));
    registry = await startRegistry();
    image = await makeImageLayout(join(work, 'image'), {
      tag: '1.2',
      platforms: [
        { os: 'linux', architecture: 'amd64', layers: [{ size: 30_000 }] },
        { os: 'linux', architecture: 'arm64', layers: [{ size: 20_000 }] },
      ],
    });
    await pushLayoutWithSkopeo(image.dir, '1.2', `${registry.host}/acme/app`);
  });

  after(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('runs as written and does what it says', async () => {
    const example = await libraryExample();
    assert.ok(example.includes("parseReference('ghcr.io/acme/app:1.2')"));
    const app = join(work, 'app');
    await mkdir(join(app, 'node_modules'), { recursive: true });
    await symlink(REPO_ROOT, join(app, 'node_modules', 'oci-copy'), 'dir');
    await writeFile(join(app, 'example.mjs'), example.replace("'ghcr.io/acme/app:1.2'", `'${registry.host}/acme/app:1.2'`));

    const started = Date.now();
    const child = spawn(process.execPath, ['example.mjs'], {
      cwd: app,
      env: { PATH: process.env.PATH, HOME: app },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run = await collect(child);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.ok(Date.now() - started < 10_000);

    const lines = run.stdout.trim().split('\n');
    assert.ok(lines.includes(`copied ${image.root.digest}`), run.stdout);
    for (const blob of image.blobs) assert.ok(lines.includes(`copied ${blob.digest}`), `an event for ${blob.digest}`);
    // The layout got the image under its tag and, imported back from the archive, under the new one.
    for (const tag of ['1.2', 'imported']) {
      const raw = JSON.parse(await skopeoInspectRaw(`oci:${join(app, 'out')}:${tag}`)) as { manifests: unknown[] };
      assert.equal(raw.manifests.length, 2, tag);
    }
    assert.ok((await stat(join(app, 'app.tar'))).size > 50_000, 'the exported archive');
  });
});
