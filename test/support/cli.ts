// Runs the command line as a user does: a child process with pipes, or under a pseudo-terminal.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './run-action.js';

export const CLI = join(REPO_ROOT, 'lib', 'src', 'cli', 'index.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** HOME for the blob-info cache and the Docker config (required: a test never reads the user's). */
  home: string;
  env?: Record<string, string | undefined>;
  /** Written to standard input, then closed; without it standard input is empty. */
  stdin?: string;
  cwd?: string;
}

function childEnv(options: CliOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: options.home };
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Starts the CLI with pipes (so no stream is a terminal). */
export function startCli(args: string[], options: CliOptions): ChildProcess {
  const child = spawn(process.execPath, [CLI, ...args], { env: childEnv(options), cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.on('error', () => {});
  child.stdin!.end(options.stdin ?? '');
  return child;
}

export function collect(child: ChildProcess): Promise<CliRun> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (b) => (stdout += b));
    child.stderr?.on('data', (b) => (stderr += b));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function runCli(args: string[], options: CliOptions): Promise<CliRun> {
  return collect(startCli(args, options));
}

/**
 * Runs the CLI under a pseudo-terminal (`script` from util-linux), so its standard streams are a
 * terminal of 100 columns; what it printed there comes back as `stdout`, both streams mixed as on a
 * screen. The exit status is the CLI's own (`script -e`).
 */
export function runCliInTerminal(args: string[], options: CliOptions): Promise<CliRun> {
  return collect(startCliInTerminal(args, options, 'ignore'));
}

/** The CLI under a pseudo-terminal, as above; with `keys: 'pipe'`, what is written to the child's stdin is typed on that terminal. */
export function startCliInTerminal(args: string[], options: CliOptions, keys: 'pipe' | 'ignore' = 'pipe'): ChildProcess {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = `stty cols 100 rows 40 2>/dev/null; exec ${[process.execPath, CLI, ...args].map(quote).join(' ')}`;
  return spawn('script', ['-qfec', command, '/dev/null'], {
    env: { ...childEnv(options), TERM: 'xterm' },
    cwd: options.cwd,
    stdio: [keys, 'pipe', 'pipe'],
  });
}
