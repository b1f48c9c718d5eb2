// A fault no code path caught (a throw from a timer, a rejection nobody awaited) ends the action and
// the command line with one error line, not a stack trace; the stack only with debugging asked for.
// The fault is planted by a module loaded before the entry (`--import`), while the run waits on a
// registry that accepts connections and never answers.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI } from '../support/cli.js';
import { ACTION_COMPILED } from '../support/run-action.js';

const plant = (code: string) => `data:text/javascript,${encodeURIComponent(code)}`;
const THROW = plant("setTimeout(() => { throw new Error('boom from a timer'); }, 300);");
const REJECT = plant("setTimeout(() => { Promise.reject(new Error('a rejection nobody awaited')); }, 300);");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b) => (stdout += b));
  child.stderr.on('data', (b) => (stderr += b));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('an internal fault ends the run in one line', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  let host: string;
  let work: string;

  before(async () => {
    silent = createServer((s) => void sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(silent.address() as { port: number }).port}`;
    work = await mkdtemp(join(tmpdir(), 'oci-copy-last-resort-'));
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
    await rm(work, { recursive: true, force: true });
  });

  async function action(preload: string): Promise<Run> {
    return run(['--import', preload, ACTION_COMPILED], {
      PATH: process.env.PATH,
      HOME: work,
      RUNNER_TEMP: join(work, 'temp'),
      INPUT_SOURCE: `${host}/team/app:1.0`,
      INPUT_DESTINATION: `oci:${join(work, 'out')}:1.0`,
      'INPUT_BLOB-CACHE': 'false',
    });
  }

  for (const [name, preload, message] of [
    ['a throw from a timer', THROW, 'boom from a timer'],
    ['a rejection nobody awaited', REJECT, 'a rejection nobody awaited'],
  ] as const) {
    it(`the action: ${name} is the step's one error line, its stack only in the debug log`, async () => {
      const result = await action(preload);
      assert.equal(result.code, 1, result.stdout + result.stderr);
      const errors = result.stdout.split('\n').filter((l) => l.startsWith('::error::'));
      assert.deepEqual(errors, [`::error::internal error, the run stopped: ${message}; nothing was tagged for what it was writing`]);
      assert.equal(result.stderr, '', 'nothing outside the log');
      // The runner shows ::debug:: lines only with step debug logging on.
      assert.match(result.stdout, new RegExp(`^::debug::Error: ${message}$`, 'm'));
      assert.match(result.stdout, /^::debug::\s+at /m, 'the stack, as debug lines');
      assert.doesNotMatch(result.stdout, /^\s+at /m, 'no stack line in the log itself');
    });

    it(`the command line: ${name} is one line on stderr, its stack with --debug only`, async () => {
      const args = ['--import', preload, CLI, `${host}/team/app:1.0`, `oci:${join(work, 'cli-out')}:1.0`, '--no-blob-cache'];
      const env = { PATH: process.env.PATH, HOME: work };
      const quiet = await run(args, env);
      assert.equal(quiet.code, 1, quiet.stderr);
      assert.ok(
        quiet.stderr
          .split('\n')
          .includes(`oci-copy: internal error, the run stopped: ${message}; nothing was tagged for what it was writing`),
        quiet.stderr,
      );
      assert.doesNotMatch(quiet.stderr, /^\s+at /m, 'no stack trace');

      const debug = await run([...args, '--debug'], env);
      assert.equal(debug.code, 1);
      assert.match(debug.stderr, new RegExp(`^Error: ${message}\\n\\s+at `, 'm'));
    });
  }
});
