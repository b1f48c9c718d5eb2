import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeImageLayout, REF_NAME_ANNOTATION, type ImageLayout } from '../support/images.js';
import { parseOutputs, REPO_ROOT } from '../support/run-action.js';

/** Runs the compiled action entry (lib/src/index.js) the way the runner runs the bundle. */
async function runCompiledAction(inputs: Record<string, string>, dir: string): Promise<{ code: number | null; stdout: string; outputs: Record<string, string> }> {
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
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; annotations?: Record<string, string> }> };
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
    image = await makeImageLayout(join(work, 'seed'), { tag: 'v1', platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 2000 }] }] });
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
