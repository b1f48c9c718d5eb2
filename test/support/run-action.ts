import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/** The action's entry: the bundle the runner runs, or the compiled sources it is bundled from. */
export const ACTION_BUNDLE = join(REPO_ROOT, 'dist', 'index.js');
export const ACTION_COMPILED = join(REPO_ROOT, 'lib', 'src', 'index.js');

/**
 * Runs the bundled action (`dist/index.js`, or `entry`) as the runner does: inputs as
 * `INPUT_<NAME>` (upper case, hyphens kept), outputs and the job summary through the files
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY name.
 */
export async function runAction(
  inputs: Record<string, string>,
  env: Record<string, string | undefined> = {},
  entry = ACTION_BUNDLE,
): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), 'oci-copy-runner-'));
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary');
  await Promise.all([writeFile(outputFile, ''), writeFile(summaryFile, '')]);
  const childEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    RUNNER_TEMP: join(dir, 'temp'),
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
  };
  for (const [name, value] of Object.entries(inputs)) childEnv[`INPUT_${name.toUpperCase().replace(/ /g, '_')}`] = value;
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[name];
    else childEnv[name] = value;
  }
  try {
    const child = spawn(process.execPath, [entry], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return {
      code,
      stdout,
      stderr,
      outputs: parseOutputs(await readFile(outputFile, 'utf8')),
      summary: await readFile(summaryFile, 'utf8'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** GITHUB_OUTPUT holds `name<<DELIMITER`, the value's lines, then the delimiter. */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]);
    if (!m) continue;
    const end = lines.indexOf(m[2], i + 1);
    out[m[1]] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return out;
}
