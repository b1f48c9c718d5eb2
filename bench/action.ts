// The bundled action run as the runner runs it: `node24 dist/index.js`, inputs as INPUT_<NAME>
// (every default action.yml declares, as the runner passes them), outputs and the job summary
// through the files GITHUB_OUTPUT and GITHUB_STEP_SUMMARY name, a fresh RUNNER_TEMP and HOME.
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { CLI, type Bench } from './bench.js';
import { measure, type Measured } from './measure.js';

const REPO_ROOT = join(CLI, '..', '..', '..');
/** `BENCH_ACTION` measures another build's bundle (say, the one before a change) with this bench. */
export const ACTION = process.env.BENCH_ACTION || join(REPO_ROOT, 'dist', 'index.js');

/** The Node.js the action declares (`runs.using: node24`): this one when it is 24 or later, else the npm registry's. */
export async function actionNode(bench: Bench): Promise<string> {
  const major = (node: string) => Number(spawnSync(node, ['--version']).stdout?.toString().replace(/^v/, '').split('.')[0]);
  if (major(bench.node) >= 24) return bench.node;
  const { node24 } = (await import(pathToFileURL(join(REPO_ROOT, 'scripts', 'node24.mjs')).href)) as { node24: () => string };
  return node24();
}

let defaults: Record<string, string> | undefined;

/** action.yml's defaults, as the runner passes them; an expression (`${{ github.token }}`) is left out. */
async function actionDefaults(): Promise<Record<string, string>> {
  if (defaults) return defaults;
  const spec = parse(await readFile(join(REPO_ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: unknown }> };
  defaults = {};
  for (const [name, input] of Object.entries(spec.inputs)) {
    if (input.default !== undefined && !String(input.default).includes('${{')) defaults[name] = String(input.default);
  }
  return defaults;
}

/** One run of the bundled action with `inputs` over action.yml's defaults; fails unless it exits 0 with a digest output. */
export async function runActionMeasured(bench: Bench, node: string, inputs: Record<string, string>): Promise<Measured> {
  const dir = await bench.emptyDir('runner');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    RUNNER_TEMP: join(dir, 'temp'),
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
  };
  await mkdir(join(dir, 'temp'));
  await Promise.all([writeFile(env.GITHUB_OUTPUT!, ''), writeFile(env.GITHUB_STEP_SUMMARY!, '')]);
  for (const [name, value] of Object.entries({ ...(await actionDefaults()), ...inputs })) env[`INPUT_${name.toUpperCase()}`] = value;
  const m = await measure(bench.harness, node, [ACTION], { env, skopeoCacheDir: await bench.emptyDir() });
  const output = await readFile(env.GITHUB_OUTPUT!, 'utf8');
  if (!/^digest<</m.test(output))
    throw new Error(`the action wrote no digest output: ${m.stdout.trim().split('\n').slice(-3).join(' | ')}`);
  return m;
}
