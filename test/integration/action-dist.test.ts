import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeImageLayout, pushLayoutWithSkopeo, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { REPO_ROOT, runAction } from '../support/run-action.js';
import { skopeoInspectRaw } from '../support/skopeo.js';

interface BlobOutput {
  digest: string;
  mediaType: string;
  size: number;
  action: string;
  from?: string;
}

describe('the bundled action, run as the runner runs it', () => {
  let registry: TestRegistry;
  let work: string;
  let image: ImageLayout;

  before(async () => {
    registry = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'oci-copy-dist-'));
    image = await makeImageLayout(join(work, 'seed'), {
      tag: 'v1',
      sharedLayers: { base: { size: 50_000 } },
      platforms: [
        { os: 'linux', architecture: 'amd64', layers: ['base', { size: 20_000 }] },
        { os: 'linux', architecture: 'arm64', layers: ['base', { size: 30_000 }] },
      ],
    });
    await pushLayoutWithSkopeo(image.dir, 'v1', `${registry.host}/team/app`);
  });

  after(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('copies between repositories and reports digest, blobs and a job summary', async () => {
    const run = await runAction({
      source: `${registry.host}/team/app:v1`,
      destination: `${registry.host}/prod/app:1.0`,
      'blob-cache': 'false',
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.outputs.digest, image.root.digest);
    assert.equal(run.outputs['media-type'], 'application/vnd.oci.image.index.v1+json');
    assert.equal(Number(run.outputs.size), image.root.size);
    const blobs = JSON.parse(run.outputs.blobs) as BlobOutput[];
    assert.deepEqual(new Set(blobs.map((b) => b.digest)), new Set(image.blobs.map((b) => b.digest)));
    for (const b of blobs) assert.ok(['copied', 'mounted'].includes(b.action), `${b.digest} ${b.action}`);
    assert.match(run.stdout, new RegExp(`Digest: ${image.root.digest}`));
    assert.match(run.stdout, /Copied \[registry\] 127\.0\.0\.1:\d+\/team\/app => \[registry\] 127\.0\.0\.1:\d+\/prod\/app/);
    assert.match(run.summary, /### Copy: <code>127\.0\.0\.1:\d+\/team\/app:v1<\/code> → <code>127\.0\.0\.1:\d+\/prod\/app:1\.0<\/code>/);
    assert.ok(run.summary.includes(image.root.digest));
    for (const b of blobs) assert.ok(run.summary.includes(b.digest.slice(0, 19)), `summary lists ${b.digest}`);
    assert.equal(JSON.parse(await skopeoInspectRaw(`docker://${registry.host}/prod/app:1.0`)).manifests.length, 2);
  });

  it('copies the built-in example layout into a registry', async () => {
    const run = await runAction({
      source: `oci:${join(REPO_ROOT, 'examples', 'hello-layout')}:v1`,
      destination: `${registry.host}/example/hello`,
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const raw = await skopeoInspectRaw(`docker://${registry.host}/example/hello:v1`);
    assert.equal(JSON.parse(raw).manifests.length, 2);
    assert.match(run.outputs.digest, /^sha256:[0-9a-f]{64}$/);
  });

  it('fails the step with one line and no stack trace on a bad input, before any request', async () => {
    await registry.resetRequests();
    const run = await runAction({ source: `${registry.host}/team/app:v1`, destination: `${registry.host}/prod/app`, concurrency: 'lots' });
    assert.equal(run.code, 1);
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    assert.deepEqual(errors, ['::error::input "concurrency" is "lots": use a whole number from 1 to 64']);
    assert.doesNotMatch(run.stdout + run.stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(await registry.settledRequests(), [], 'no network traffic');
  });

  it('fails with one line naming a missing tag and leaves no tag behind', async () => {
    const run = await runAction({ source: `${registry.host}/team/app:missing`, destination: `${registry.host}/prod/other:x` });
    assert.equal(run.code, 1);
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    assert.equal(errors.length, 1);
    assert.match(errors[0], /team\/app:missing/);
    await assert.rejects(skopeoInspectRaw(`docker://${registry.host}/prod/other:x`));
  });
});

describe('the bundles', () => {
  // undici's package root brings fetch, WebSocket, caches and mocks: ~40 ms of every start. The
  // action's @actions/http-client imports it for ProxyAgent alone (scripts/bundle.mjs gives it that).
  for (const [name, dir] of [
    ['the action', 'dist'],
    ['the CLI', 'dist/cli'],
  ] as const) {
    it(`${name} holds only the parts of undici it sends requests with`, async () => {
      const files = (await readdir(join(REPO_ROOT, dir))).filter((f) => f.endsWith('.js'));
      const text = (await Promise.all(files.map((f) => readFile(join(REPO_ROOT, dir, f), 'utf8')))).join('\n');
      assert.ok(text.includes('class Agent extends DispatcherBase'), 'the bundle has no undici Agent at all');
      assert.ok(text.includes('class ProxyAgent extends DispatcherBase'), 'the bundle has no undici ProxyAgent');
      for (const part of ['class MockAgent', 'class WebSocket ', 'class SqliteCacheStore', 'class EventSource ']) {
        assert.ok(!text.includes(part), `${dir} contains "${part}"`);
      }
    });
  }

  // What only some jobs need loads when they need it: the action's entry file holds neither.
  it("the action's entry holds neither the YAML list reader nor the Sigstore libraries", async () => {
    const entry = await readFile(join(REPO_ROOT, 'dist', 'index.js'), 'utf8');
    const chunks = (await readdir(join(REPO_ROOT, 'dist'))).filter((f) => f.endsWith('.js') && f !== 'index.js');
    const rest = (await Promise.all(chunks.map((f) => readFile(join(REPO_ROOT, 'dist', f), 'utf8')))).join('\n');
    for (const part of ['class LineCounter', 'class Verifier ', 'class DSSEBundleBuilder']) {
      assert.ok(rest.includes(part), `no chunk of dist holds "${part}"`);
      assert.ok(!entry.includes(part), `dist/index.js holds "${part}"`);
    }
  });

  it("credits undici's license, whose code the bundles carry", async () => {
    const licenses = await readFile(join(REPO_ROOT, 'dist', 'licenses.txt'), 'utf8');
    assert.match(licenses, /\nundici\nMIT\nMIT License\n\nCopyright \(c\) Matteo Collina and Undici contributors/);
  });
});
