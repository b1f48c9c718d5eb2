import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface ActionInput {
  description?: string;
  required?: boolean;
  default?: string;
}
interface ActionYml {
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description?: string }>;
  runs: { using: string; main: string };
}
interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  if?: string;
}
interface Job {
  'runs-on'?: string;
  services?: Record<string, { image?: string; ports?: unknown[] }>;
  outputs?: Record<string, string>;
  steps?: Step[];
}
interface CallInput {
  type: 'string' | 'boolean' | 'number';
  required?: boolean;
  default?: unknown;
  description?: string;
}
interface Workflow {
  on: Record<string, unknown> & {
    workflow_call?: {
      inputs?: Record<string, CallInput>;
      secrets?: Record<string, { required?: boolean }>;
      outputs?: Record<string, { value: string }>;
    };
  };
  jobs: Record<string, Job>;
}

const load = async <T>(path: string): Promise<T> => parse(await readFile(join(ROOT, path), 'utf8')) as T;

/** Every `${{ <context>.<name> }}` reference in a value, e.g. `inputs.dry-run` → `dry-run`. */
function references(value: unknown, context: string): string[] {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const found = [...text.matchAll(/\$\{\{([^}]*)\}\}/g)].flatMap((m) =>
    [...m[1].matchAll(new RegExp(`\\b${context}\\.([A-Za-z0-9_-]+)`, 'g'))].map((r) => r[1]),
  );
  return [...new Set(found)];
}

const actionSteps = (wf: Workflow, matches: (uses: string) => boolean) =>
  Object.values(wf.jobs).flatMap((j) => (j.steps ?? []).filter((s) => s.uses && matches(s.uses)));

/** The action's main inputs, each of which the reusable workflow must offer. */
const MAIN_INPUTS = [
  'source',
  'destination',
  'images',
  'images-file',
  'operation',
  'platform',
  'referrers',
  'dry-run',
  'concurrency',
  'mount',
  'blob-cache',
  'username',
  'fail-fast',
];
const SECRET_INPUTS = ['password', 'source-password', 'destination-password', 'github-token'];

describe('the reusable workflow, .github/workflows/oci-copy.yml', () => {
  let action: ActionYml;
  let wf: Workflow;
  let step: Step;

  before(async () => {
    action = await load<ActionYml>('action.yml');
    wf = await load<Workflow>('.github/workflows/oci-copy.yml');
    const steps = actionSteps(wf, (u) => /^oci-copy\/oci-copy@/.test(u));
    assert.equal(steps.length, 1, 'one step runs the action');
    step = steps[0];
  });

  it('is called with workflow_call and nothing else', () => {
    assert.deepEqual(Object.keys(wf.on), ['workflow_call']);
  });

  it("runs the action by the repository's own reference, never ./ (the caller's checkout)", () => {
    assert.match(step.uses!, /^oci-copy\/oci-copy@v\d+$/);
    assert.equal(actionSteps(wf, (u) => u.startsWith('./')).length, 0);
  });

  it('passes only inputs that action.yml declares', () => {
    const declared = new Set(Object.keys(action.inputs));
    for (const name of Object.keys(step.with ?? {})) assert.ok(declared.has(name), `action.yml has no input "${name}"`);
  });

  it("covers every required input of action.yml, and the action's main inputs", () => {
    const given = new Set(Object.keys(step.with ?? {}));
    // source and destination, or images / images-file: none of them is required alone.
    const required = Object.entries(action.inputs)
      .filter(([, i]) => i.required)
      .map(([n]) => n);
    for (const name of [...required, ...MAIN_INPUTS, ...SECRET_INPUTS]) assert.ok(given.has(name), `the workflow does not pass "${name}"`);
    for (const name of MAIN_INPUTS) assert.ok(wf.on.workflow_call!.inputs![name], `workflow_call offers no input "${name}"`);
    for (const name of required)
      assert.equal(wf.on.workflow_call!.inputs![name].required, true, `"${name}" is required in the workflow too`);
  });

  it('every input and secret it refers to is declared, and passwords come only from secrets', () => {
    const call = wf.on.workflow_call!;
    const inputs = new Set(Object.keys(call.inputs ?? {}));
    const secrets = new Set(Object.keys(call.secrets ?? {}));
    for (const name of references(wf.jobs, 'inputs')) assert.ok(inputs.has(name), `inputs.${name} is not declared`);
    for (const name of references(wf.jobs, 'secrets')) assert.ok(secrets.has(name), `secrets.${name} is not declared`);
    for (const name of SECRET_INPUTS) {
      assert.ok(!inputs.has(name), `"${name}" must be a secret, not an input`);
      assert.deepEqual(references(step.with![name], 'inputs'), [], `${name} is not taken from inputs`);
      assert.ok(references(step.with![name], 'secrets').length === 1, `${name} comes from a secret`);
    }
    for (const [name, value] of Object.entries(step.with ?? {})) {
      if (SECRET_INPUTS.includes(name)) continue;
      // Each job of the matrix takes its own shard, K/N, made from the `shards` input.
      if (name === 'shard') {
        assert.deepEqual(references(value, 'matrix'), ['shard']);
        continue;
      }
      assert.deepEqual(references(value, 'inputs'), [name], `${name} passes inputs.${name}`);
    }
  });

  it("defaults agree with action.yml's, and true/false inputs are booleans", () => {
    for (const [name, input] of Object.entries(wf.on.workflow_call!.inputs!)) {
      const mine = action.inputs[name];
      if (!mine) continue;
      if (mine.default === 'true' || mine.default === 'false') assert.equal(input.type, 'boolean', `${name} is a boolean`);
      if (mine.default !== undefined && input.default !== undefined) {
        assert.equal(String(input.default), mine.default, `default of ${name}`);
      }
    }
  });

  it('exposes digest and blobs (and the other outputs) from the action step', () => {
    const outputs = wf.on.workflow_call!.outputs!;
    for (const name of ['digest', 'blobs']) assert.ok(outputs[name], `workflow output "${name}"`);
    for (const [name, out] of Object.entries(outputs)) {
      const m = /^\$\{\{\s*jobs\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}$/.exec(out.value);
      assert.ok(m, `${name}: ${out.value}`);
      const job = wf.jobs[m[1]];
      assert.ok(job?.outputs?.[m[2]], `job ${m[1]} has output ${m[2]}`);
      const s = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}$/.exec(job.outputs[m[2]]);
      assert.ok(s, job.outputs[m[2]]);
      assert.equal(s[1], step.id, 'the job output comes from the action step');
      assert.ok(action.outputs[s[2]], `action.yml has output ${s[2]}`);
    }
  });

  it('the shards job lists one matrix entry per share, or one without a shard, and refuses a bad count', async () => {
    const script = wf.jobs.shards.steps!.find((s) => s.id === 'list')!.run!;
    const dir = await mkdtemp(join(tmpdir(), 'oci-copy-shards-'));
    try {
      const list = (shards: string) => {
        const out = join(dir, `out-${shards}`);
        writeFileSync(out, '');
        const res = spawnSync('bash', ['-e', '-c', script], {
          env: { PATH: process.env.PATH, SHARDS: shards, GITHUB_OUTPUT: out },
          encoding: 'utf8',
        });
        return { code: res.status, stdout: res.stdout, output: readFileSync(out, 'utf8') };
      };
      assert.equal(list('1').output, 'list=[""]\n');
      assert.deepEqual(JSON.parse(list('3').output.replace(/^list=/, '')), ['1/3', '2/3', '3/3']);
      for (const bad of ['0', 'x', '300']) {
        const r = list(bad);
        assert.equal(r.code, 1);
        assert.match(r.stdout, /^::error::input shards is ".*": use a whole number from 1 to 256/);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('pins every other action to a major version', () => {
    for (const s of actionSteps(wf, () => true)) assert.match(s.uses!, /@v\d+$/, s.uses);
  });
});

describe("the project's own workflows", () => {
  let action: ActionYml;
  before(async () => {
    action = await load<ActionYml>('action.yml');
  });

  it('ci.yml runs npm ci and npm test on ubuntu-latest', async () => {
    const wf = await load<Workflow>('.github/workflows/ci.yml');
    const runs = Object.values(wf.jobs)
      .filter((j) => j['runs-on'] === 'ubuntu-latest')
      .flatMap((j) => (j.steps ?? []).map((s) => s.run ?? ''));
    assert.ok(runs.some((r) => /\bnpm ci\b/.test(r)));
    assert.ok(runs.some((r) => /\bnpm test\b/.test(r)));
  });

  it('ci.yml runs the action from this checkout against a registry:2 service', async () => {
    const wf = await load<Workflow>('.github/workflows/ci.yml');
    const jobs = Object.values(wf.jobs).filter((j) => j.services?.registry?.image === 'registry:2');
    assert.equal(jobs.length, 1);
    const local = (jobs[0].steps ?? []).filter((s) => s.uses === './');
    assert.ok(local.length > 0, 'uses: ./');
    const declared = new Set(Object.keys(action.inputs));
    const required = Object.entries(action.inputs)
      .filter(([, i]) => i.required)
      .map(([n]) => n);
    for (const s of local) {
      for (const name of Object.keys(s.with ?? {})) assert.ok(declared.has(name), `${s.name}: action.yml has no input "${name}"`);
      for (const name of required) assert.ok(s.with?.[name], `${s.name}: required input "${name}"`);
    }
    // the checks read the outputs of steps that exist, by outputs action.yml declares
    const ids = new Set(local.map((s) => s.id));
    for (const s of jobs[0].steps ?? []) {
      for (const m of JSON.stringify(s).matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        assert.ok(ids.has(m[1]), `step ${m[1]}`);
        assert.ok(action.outputs[m[2]], `output ${m[2]}`);
      }
    }
  });

  it('check-dist.yml rebuilds dist and fails when it differs', async () => {
    const wf = await load<Workflow>('.github/workflows/check-dist.yml');
    const runs = Object.values(wf.jobs)
      .flatMap((j) => (j.steps ?? []).map((s) => s.run ?? ''))
      .join('\n');
    assert.match(runs, /npm ci/);
    assert.match(runs, /npm run bundle/);
    assert.match(runs, /git (status --porcelain|diff --exit-code).*-- dist/);
    assert.match(runs, /exit 1/);
  });

  it('action.yml runs on node24', () => {
    assert.equal(action.runs.using, 'node24');
  });
});
