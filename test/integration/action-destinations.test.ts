import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFaultProxy } from '../support/fault-proxy.js';
import { blobPath, makeImageLayout, pushLayoutWithSkopeo, REF_NAME_ANNOTATION, type ImageLayout } from '../support/images.js';
import { startProxiedSource, type ProxiedSource } from '../support/proxied-source.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { ACTION_COMPILED, parseOutputs, REPO_ROOT, runAction } from '../support/run-action.js';

/** Runs the compiled action entry (lib/src/index.js) the way the runner runs the bundle. */
async function runCompiledAction(
  inputs: Record<string, string>,
  dir: string,
): Promise<{ code: number | null; stdout: string; outputs: Record<string, string> }> {
  const outputFile = join(dir, 'output');
  await writeFile(outputFile, '');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, RUNNER_TEMP: join(dir, 'temp'), GITHUB_OUTPUT: outputFile };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const child = spawn(process.execPath, [join(REPO_ROOT, 'lib', 'src', 'index.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (b) => (stdout += b));
  child.stderr.on('data', (b) => (stdout += b));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, outputs: parseOutputs(await readFile(outputFile, 'utf8')) };
}

async function layoutTags(dir: string): Promise<Record<string, string>> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as {
    manifests: Array<{ digest: string; annotations?: Record<string, string> }>;
  };
  const out: Record<string, string> = {};
  for (const m of index.manifests) {
    const tag = m.annotations?.[REF_NAME_ANNOTATION];
    if (tag) out[tag] = m.digest;
  }
  return out;
}

describe('action with several destinations', () => {
  let work: string;
  let image: ImageLayout;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-destinations-'));
    image = await makeImageLayout(join(work, 'seed'), {
      tag: 'v1',
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 2000 }] }],
    });
  });

  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("gives every destination without a tag the source's tag, not only the first", async () => {
    const [a, b] = [join(work, 'a'), join(work, 'b')];
    // The source names no tag: the layout's one tag is meant, for each destination alike.
    const run = await runCompiledAction({ source: `oci:${image.dir}`, destination: `oci:${a}\noci:${b}`, 'blob-cache': 'false' }, work);
    assert.equal(run.code, 0, run.stdout);
    assert.equal(run.outputs.digest, image.root.digest);
    assert.deepEqual(await layoutTags(a), { v1: image.root.digest });
    assert.deepEqual(await layoutTags(b), { v1: image.root.digest });
  });
});

interface ImageOutput {
  destination: string;
  status: string;
  durationMs?: number;
}

interface BlobOutput {
  digest: string;
  mediaType: string;
  action: string;
  from?: string;
  destination: string;
}

describe('action with several destinations, reading the source once', () => {
  let src: ProxiedSource;
  let other: TestRegistry;
  let destinations: string[];

  before(async () => {
    // The source is read through a proxy that counts (and slows) its blob reads.
    src = await startProxiedSource(1_500_000);
    other = await startRegistry();
    destinations = [
      `${other.host}/one/app:v1`,
      // the same registry as the first: mounts from it
      `${other.host}/two/app:v1`,
      // a layout: reads the blobs from the first destination, a registry as the source is
      `oci:${join(src.work, 'layout')}:v1`,
      // the source's registry under another name, so nothing mounts: reads the blobs from the layout
      `${src.registry.host}/copy/app:v1`,
    ];
  });

  after(async () => {
    await Promise.all([src?.stop(), other?.stop()]);
  });

  const run = (inputs: Record<string, string> = {}) =>
    runAction({ source: src.source, destination: destinations.join('\n'), 'blob-cache': 'false', ...inputs }, {}, ACTION_COMPILED);

  it('reads each blob from the source once, mounts on the first destination’s registry, and times each destination on its own', async () => {
    src.proxy.reset();
    // The source's big layer crawls (about 2 s): the first destination's time is mostly that.
    src.proxy.addFault({
      method: 'GET',
      path: new RegExp(`/blobs/${src.big}$`),
      times: Infinity,
      fault: { kind: 'slow', bytesPerSecond: 750_000 },
    });
    const first = await run();
    assert.equal(first.code, 0, first.stdout);
    assert.equal(first.outputs.digest, src.image.root.digest);
    const blobs = src.image.blobs.filter((b) => !b.mediaType.includes('manifest') && !b.mediaType.includes('index'));
    assert.equal(blobs.length, 3, 'a config and two layers');
    for (const b of blobs) {
      const reads = src.proxy.requests().filter((q) => q.method === 'GET' && q.path === `/v2/src/app/blobs/${b.digest}`);
      assert.equal(reads.length, 1, `${b.digest} read from the source ${reads.length} times`);
    }
    const records = JSON.parse(first.outputs.blobs) as BlobOutput[];
    const byDestination = (d: string) => records.filter((r) => r.destination === d && blobs.some((b) => b.digest === r.digest));
    assert.deepEqual(
      byDestination(destinations[0]).map((r) => r.action),
      ['copied', 'copied', 'copied'],
    );
    assert.ok(
      byDestination(destinations[1]).every((r) => r.action === 'mounted' && r.from === 'one/app'),
      JSON.stringify(byDestination(destinations[1])),
    );
    for (const d of destinations.slice(2))
      assert.ok(
        byDestination(d).every((r) => r.action === 'copied'),
        d,
      );
    // The layout read the layers from the first destination, once each; the last one read them from the layout.
    const layers = src.image.manifests[0].layers;
    const fromFirst = (await other.settledRequests()).filter(
      (q) => q.method === 'GET' && layers.some((l) => q.path === `/v2/one/app/blobs/${l.digest}`),
    );
    assert.equal(fromFirst.length, 2, JSON.stringify(fromFirst));
    // Each destination's time is its own: the later ones did not wait on the slow source, nor count the first one's time.
    const images = JSON.parse(first.outputs.images) as ImageOutput[];
    assert.deepEqual(
      images.map((i) => i.status),
      ['copied', 'copied', 'copied', 'copied'],
    );
    const [slow, ...rest] = images.map((i) => i.durationMs!);
    assert.ok(slow >= 1900, `the first destination took ${slow} ms`);
    for (const ms of rest) assert.ok(ms < slow / 2, `a later destination took ${ms} ms, the first ${slow} ms`);
    const took = [...first.summary.matchAll(/^Took ([0-9.]+) (ms|s)\b/gm)].map((m) => Number(m[1]) * (m[2] === 's' ? 1000 : 1));
    assert.equal(took.length, 4, first.summary);
    assert.ok(took[0] >= 1900 && took.slice(1).every((t) => t < took[0] / 2), took.join(', '));
    // The log says the same, a line for each destination at the end of its group.
    const logged = [...first.stdout.matchAll(/^\d+ copied \(.*\), \d+ mounted \(.*\), \d+ already there, in ([0-9.]+) (ms|s)$/gm)].map(
      (m) => Number(m[1]) * (m[2] === 's' ? 1000 : 1),
    );
    assert.equal(logged.length, 4, first.stdout);
    assert.ok(logged[0] >= 1900 && logged.slice(1).every((t) => t < logged[0] / 2), logged.join(', '));
  });

  it('reads a blob from the source again when the earlier destination giving it breaks off', async () => {
    const front = await startFaultProxy(other.url);
    try {
      src.proxy.reset();
      // The first destination's registry cuts the read of the big layer halfway, then no longer has it (a cut
      // alone is resumed with Range): the layout after it cannot take it from there.
      const big = new RegExp(`/v2/relay/app/blobs/${src.big}$`);
      front.addFault({ method: 'GET', path: big, fault: { kind: 'reset-response', afterBytes: 100_000 } });
      front.addFault({ method: 'GET', path: big, nth: 2, times: Infinity, fault: { kind: 'status', status: 404, body: '' } });
      const layout = join(src.work, 'relay-cut');
      const run = await runAction(
        { source: src.source, destination: `${front.host}/relay/app:v1\noci:${layout}:v1`, 'blob-cache': 'false' },
        {},
        ACTION_COMPILED,
      );
      assert.equal(run.code, 0, run.stdout);
      assert.ok(front.fired().length >= 1, 'the read from the first destination was cut');
      assert.deepEqual(await layoutTags(layout), { v1: src.image.root.digest });
      const reads = src.proxy.requests().filter((q) => q.method === 'GET' && q.path === `/v2/src/app/blobs/${src.big}`);
      assert.equal(reads.length, 2, 'once for the first destination, once more for the layout');
    } finally {
      await front.stop();
    }
  });

  it('does not hand on a blob a layout only seemed to have: the next destination reads it from the source', async () => {
    const layout = join(src.work, 'damaged');
    src.proxy.reset();
    assert.equal(
      (await runAction({ source: src.source, destination: `oci:${layout}:v1`, 'blob-cache': 'false' }, {}, ACTION_COMPILED)).code,
      0,
    );
    // The layout's big layer keeps its size and loses its bytes: found there by its size, it is not read from there.
    const path = blobPath(layout, src.big);
    const bytes = await readFile(path);
    bytes[1000] ^= 0xff;
    await writeFile(path, bytes);
    src.proxy.reset();
    const run = await runAction(
      { source: src.source, destination: `oci:${layout}:v2\n${other.host}/after-damage/app:v1`, 'blob-cache': 'false' },
      {},
      ACTION_COMPILED,
    );
    assert.equal(run.code, 0, run.stdout);
    assert.deepEqual(
      (JSON.parse(run.outputs.images) as ImageOutput[]).map((i) => i.status),
      ['copied', 'copied'],
    );
    const reads = src.proxy.requests().filter((q) => q.method === 'GET' && q.path === `/v2/src/app/blobs/${src.big}`);
    assert.equal(reads.length, 1, 'read from the source for the registry');
  });

  it('heads an unchanged destination as unchanged, not as a copy', async () => {
    src.proxy.reset();
    const again = await run();
    assert.equal(again.code, 0, again.stdout);
    const groups = again.stdout.split('\n').filter((l) => l.startsWith('::group::'));
    assert.deepEqual(
      groups,
      destinations.map((d) => `::group::Unchanged ${src.source} => ${d}`),
    );
    assert.equal(src.proxy.requests().filter((q) => q.method === 'GET' && q.path.includes('/blobs/')).length, 0, 'no blob read');
  });

  it('heads the destinations a check stopped as not attempted, not as a copy', async () => {
    // Another image under the second destination's tag: no-clobber refuses the image for every destination.
    const otherImage = await makeImageLayout(join(src.work, 'other-image'), {
      tag: 'v1',
      platforms: [{ architecture: 'arm64', layers: [{ size: 1000 }] }],
    });
    const moved = destinations.map((d) => d.replace(':v1', ':v2'));
    await pushLayoutWithSkopeo(otherImage.dir, 'v1', moved[1]);
    const refused = await runAction(
      { source: src.source, destination: moved.join('\n'), 'blob-cache': 'false', 'no-clobber': 'true' },
      {},
      ACTION_COMPILED,
    );
    assert.equal(refused.code, 1, refused.stdout);
    const groups = refused.stdout.split('\n').filter((l) => l.startsWith('::group::'));
    // The refused one was checked (and says why); the others were never started.
    assert.deepEqual(
      groups,
      moved.map((d, i) => (i === 1 ? `::group::copy ${src.source} => ${d}` : `::group::Not attempted ${src.source} => ${d}`)),
    );
    assert.match(refused.stdout, /Refused by no-clobber: /);
  });
});
