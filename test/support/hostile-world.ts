// The servers a hostile case runs between, and what every case asserts about a run.
//
//   honest     a real distribution registry (htpasswd: one user to read, one to write)
//   front      a recording proxy in front of it: the honest side as the CLI reaches it
//   hostile    the test's own registry (its own content, its own password), or a hostile front of
//              the honest registry when it plays the destination
//   elsewhere  another host a hostile answer may point at: it must never see a credential
//
// A run is the CLI (or the bundled action) in a child process, so its exit status, its output, the
// time it takes and its peak memory are what a user would see.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before } from 'node:test';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { ContentStore, startHostileRegistry, type HostileRegistry } from './hostile-registry.js';
import { makeImageLayout, pushLayoutWithSkopeo } from './images.js';
import { startRegistry, type TestRegistry } from './registry.js';
import { REPO_ROOT, runAction, type ActionRun } from './run-action.js';
import { skopeo } from './skopeo.js';

export const CLI = join(REPO_ROOT, 'lib', 'src', 'cli', 'index.js');
const RSS_PROBE = fileURLToPath(new URL('./rss-probe.js', import.meta.url));

export interface Creds {
  user: string;
  password: string;
}

export const HOSTILE_CREDS: Creds = { user: 'hostile-owner', password: 'hostile-pw-7d1e' };
export const SRC_CREDS: Creds = { user: 'honest-reader', password: 'reader-pw-93ab' };
export const DST_CREDS: Creds = { user: 'honest-writer', password: 'writer-pw-c40f' };
const ALL_CREDS = [HOSTILE_CREDS, SRC_CREDS, DST_CREDS];

export const basic = (c: Creds) => `Basic ${Buffer.from(`${c.user}:${c.password}`).toString('base64')}`;
export const userPass = (c: Creds) => `${c.user}:${c.password}`;

export interface HostileWorld {
  honest: TestRegistry;
  front: FaultProxy;
  hostile: HostileRegistry;
  elsewhere: HostileRegistry;
  work: string;
  /** `front.host/seed/app:v1`, an honest image to copy to a hostile destination. */
  seed: string;
}

export async function startWorld(): Promise<HostileWorld> {
  const honest = await startRegistry({ htpasswd: [SRC_CREDS, DST_CREDS] });
  const front = await startFaultProxy(honest.url);
  const store = new ContentStore();
  const hostile = await startHostileRegistry({ credentials: HOSTILE_CREDS, upstream: honest.url, store });
  const elsewhere = await startHostileRegistry({ store, anyRepository: true });
  const work = await mkdtemp(join(tmpdir(), 'oci-copy-hostile-'));
  const image = await makeImageLayout(join(work, 'seed'), {
    tag: 'v1',
    platforms: [{ architecture: 'amd64', layers: [{ size: 40_000 }, { size: 3000 }] }],
  });
  await pushLayoutWithSkopeo(image.dir, 'v1', `${honest.host}/seed/app`, { destCreds: userPass(DST_CREDS) });
  return { honest, front, hostile, elsewhere, work, seed: `${front.host}/seed/app:v1` };
}

export async function stopWorld(w: HostileWorld | undefined): Promise<void> {
  if (!w) return;
  await Promise.all([w.hostile.stop(), w.elsewhere.stop(), w.front.stop()]);
  await w.honest.stop();
  await rm(w.work, { recursive: true, force: true });
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Peak resident memory of the process, MiB. */
  rssMiB: number;
}

let runs = 0;

/** Runs the CLI as a user would, with a private HOME, and measures it. */
export async function runCli(w: HostileWorld, args: string[], env: Record<string, string> = {}, stdin?: string): Promise<Run> {
  const n = runs++;
  const home = join(w.work, `home-${n}`);
  const rssFile = join(w.work, `rss-${n}`);
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', RSS_PROBE, CLI, ...args], {
    env: { PATH: process.env.PATH, HOME: home, OCI_COPY_TEST_RSS_FILE: rssFile, ...env },
    stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  if (stdin) {
    child.stdin!.on('error', () => {});
    const { createReadStream } = await import('node:fs');
    createReadStream(stdin).pipe(child.stdin!);
  }
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b) => (stdout += b));
  child.stderr!.on('data', (b) => (stderr += b));
  // A run that hangs is a failure to report, not a test that never ends.
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(killer);
  const ms = Date.now() - started;
  const rssKiB = Number(await readFile(rssFile, 'utf8').catch(() => 'NaN'));
  return { code, stdout, stderr, ms, rssMiB: rssKiB / 1024 };
}

/** Runs the bundled action the way the runner does, measured like the CLI. */
export async function runActionMeasured(
  w: HostileWorld,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): Promise<ActionRun & { ms: number; rssMiB: number }> {
  const rssFile = join(w.work, `rss-action-${runs++}`);
  const started = Date.now();
  const run = await runAction(inputs, { NODE_OPTIONS: `--import=${RSS_PROBE}`, OCI_COPY_TEST_RSS_FILE: rssFile, ...env });
  const ms = Date.now() - started;
  const rssKiB = Number(await readFile(rssFile, 'utf8').catch(() => 'NaN'));
  return { ...run, ms, rssMiB: rssKiB / 1024 };
}

/** Any control character but the newline ending each line: escapes, carriage returns, NUL, C1. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** Lines of output that nothing from outside may have shaped: no control character, no runner command. */
export function assertCleanOutput(text: string, ours: (line: string) => boolean = () => false): void {
  for (const line of text.split('\n')) {
    assert.doesNotMatch(line, CONTROL, `a control character reached the output: ${JSON.stringify(line)}`);
    assert.ok(!line.includes('##['), `a ##[ command reached the output: ${JSON.stringify(line)}`);
    if (/^\s*::/.test(line)) assert.ok(ours(line), `a line the runner would read as a command: ${JSON.stringify(line)}`);
  }
}

/** The CLI's one error line, `oci-copy: …`, which must be its last and its only one. */
export function errorLine(run: Run): string | undefined {
  const lines = run.stderr.split('\n').filter(Boolean);
  const errors = lines.filter((l) => l.startsWith('oci-copy: '));
  assert.ok(errors.length <= 1, `more than one error line:\n${run.stderr}`);
  if (errors.length) assert.equal(lines.at(-1), errors[0], `the error line is the last:\n${run.stderr}`);
  return errors[0];
}

/** skopeo finds no such tag on the honest registry (or finds it, when `expectTag`). */
export async function assertTag(w: HostileWorld, repo: string, tag: string, expectTag = false): Promise<void> {
  const ref = `docker://${w.honest.host}/${repo}:${tag}`;
  const result = await skopeo(['inspect', '--raw', '--tls-verify=false', '--creds', userPass(SRC_CREDS), ref]).then(
    () => 'there',
    (err: Error) => err.message,
  );
  if (expectTag) assert.equal(result, 'there', `${repo}:${tag} should exist`);
  else assert.match(result, /manifest unknown|not found|name unknown/i, `${repo}:${tag} must not exist`);
}

/**
 * No server saw credentials that are not its own. Paths say whose they are: on the hostile registry
 * `/v2/d/…` is a destination it fronts (the writer's password) and everything else its own (its
 * repositories, its token realm); on the honest side `/v2/d/…` is written (the writer's) and the
 * rest read (the reader's); the other host gets none at all.
 */
export function assertCredentialsStayHome(w: HostileWorld): void {
  const owner = (path: string, destination: Creds, rest: Creds) => (path.startsWith('/v2/d/') ? destination : rest);
  for (const r of w.hostile.requests()) {
    if (r.authorization === undefined) continue;
    assert.equal(
      r.authorization,
      basic(owner(r.path, DST_CREDS, HOSTILE_CREDS)),
      `the hostile registry got credentials that are not its own: ${r.method} ${r.path}`,
    );
  }
  for (const r of w.front.requests()) {
    if (r.headers.authorization === undefined) continue;
    assert.equal(
      r.headers.authorization,
      basic(owner(r.path, DST_CREDS, SRC_CREDS)),
      `the honest registry got credentials that are not its own: ${r.method} ${r.path}`,
    );
  }
  for (const r of w.elsewhere.requests()) assert.equal(r.authorization, undefined, `another host got credentials: ${r.method} ${r.path}`);
}

/** No password appears in the output, in any form. */
export function assertNoSecret(text: string): void {
  for (const c of ALL_CREDS) {
    assert.ok(!text.includes(c.password), 'a password reached the output');
    assert.ok(!text.includes(basic(c).slice(6)), 'a base64 credential reached the output');
  }
}

/** One hostile case: how the hostile side is set up, and what the run must end in. */
export interface HostileCase {
  name: string;
  /** 0: the copy succeeds (the hostile answer is survived); 1: it fails with `line`; 2: bad input. */
  code: 0 | 1 | 2;
  /** The one error line, after `oci-copy: `. */
  line?: RegExp;
  /**
   * Default 30 s: below the 60 s oci-copy waits at once for a registry that asks it to, and twice a
   * stalled case's usual time (its five tries of 1 s and their backoff take 11 to 15 s here; 16 s
   * on a machine running six test files at once).
   */
  maxMs?: number;
  /** Default 160 MiB: the CLI alone takes about 60. */
  maxRssMiB?: number;
  /** Extra CLI flags. */
  args?: string[];
  env?: Record<string, string>;
  /** Checks of its own after the common ones. */
  check?: (run: Run) => void | Promise<void>;
}

export const CASE_TIMEOUT_ENV = { OCI_COPY_TIMEOUT_SECONDS: '1' };

const DEFAULT_MAX_MS = 30_000;

/** The assertions every case makes on its run. `destination` is the honest repository that must stay untagged. */
export async function assertCase(w: HostileWorld, c: HostileCase, run: Run, destination?: { repo: string; tag: string }): Promise<void> {
  const context = `${c.name}\n--- stderr ---\n${run.stderr}`;
  assert.equal(run.code, c.code, context);
  const line = errorLine(run);
  if (c.code === 0) assert.equal(line, undefined, context);
  else {
    assert.ok(line, context);
    assert.match(line.slice('oci-copy: '.length), c.line ?? /./, context);
  }
  assert.ok(run.ms < (c.maxMs ?? DEFAULT_MAX_MS), `took ${run.ms} ms\n${context}`);
  assert.ok(run.rssMiB < (c.maxRssMiB ?? 160), `peak memory ${run.rssMiB.toFixed(0)} MiB\n${context}`);
  assertCleanOutput(run.stdout + run.stderr);
  assertNoSecret(run.stdout + run.stderr);
  if (destination) await assertTag(w, destination.repo, destination.tag, c.code === 0);
  await c.check?.(run);
}

/**
 * Starts the world before a suite's cases and hands it to `use`; after them, checks that no
 * credential reached a server that does not own it, and stops it.
 */
export function withWorld(use: (w: HostileWorld) => void): void {
  let w: HostileWorld | undefined;
  before(async () => {
    w = await startWorld();
    use(w);
  });
  after(async () => {
    if (w) assertCredentialsStayHome(w);
    await stopWorld(w);
  });
}

/** The lines a run of the action may start with `::`: its own masks, groups and one error. */
const OUR_COMMANDS = (line: string) => /^::(add-mask|group|endgroup|error)::/.test(line);

/**
 * The assertions a case makes on a run of the bundled action: its exit status, exactly one
 * `::error::` line (none on success) matching the case, bounded time and memory, no line any
 * outside text shaped, and no tag at `destination` unless the copy succeeded.
 */
export async function assertActionCase(
  w: HostileWorld,
  c: HostileCase,
  run: ActionRun & { ms: number; rssMiB: number },
  destination: { repo: string; tag: string },
): Promise<void> {
  assert.equal(run.code, c.code, run.stdout);
  const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error::'));
  if (c.code === 0) assert.deepEqual(errors, [], run.stdout);
  else {
    assert.equal(errors.length, 1, run.stdout);
    assert.match(errors[0].slice('::error::'.length), c.line ?? /./);
  }
  assert.ok(run.ms < (c.maxMs ?? DEFAULT_MAX_MS), `took ${run.ms} ms`);
  assert.ok(run.rssMiB < (c.maxRssMiB ?? 160), `peak memory ${run.rssMiB.toFixed(0)} MiB`);
  assert.doesNotMatch(run.stdout + run.stderr, /^\s+at /m, 'no stack trace');
  assertCleanOutput(run.stdout + run.stderr, OUR_COMMANDS);
  assertNoSecret(
    run.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n') + run.stderr,
  );
  await assertTag(w, destination.repo, destination.tag, c.code === 0);
}
