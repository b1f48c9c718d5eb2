// Runs one measured process: wall time from spawn to exit, and peak RSS from the kernel's own
// accounting (GNU time's %M, i.e. wait4's ru_maxrss), so short peaks between samples are not missed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measured {
  ms: number;
  /** Peak resident set size in MiB; NaN when it could not be read. */
  rssMB: number;
  /** CPU time (user + system) of the process and its children, in ms; NaN without GNU time. */
  cpuMs: number;
  code: number;
  stdout: string;
  stderr: string;
}

const GNU_TIME = '/usr/bin/time';
const SKOPEO_CACHE = '/var/lib/containers/cache';

/** How processes are wrapped, decided once: GNU time for RSS, a private mount namespace for skopeo's cache. */
export interface Harness {
  gnuTime: boolean;
  /** Each process sees an empty directory of its own over skopeo's blob-info cache directory. */
  isolatedSkopeoCache: boolean;
}

export function detectHarness(): Harness {
  const gnuTime = existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-f', '%M', 'true']).status === 0;
  let isolatedSkopeoCache = false;
  if (existsSync(SKOPEO_CACHE)) {
    const probe = spawnSync('unshare', ['-m', 'sh', '-c', `mount --bind /tmp ${SKOPEO_CACHE}`]);
    isolatedSkopeoCache = probe.status === 0;
  }
  return { gnuTime, isolatedSkopeoCache };
}

export interface RunOptions {
  /** Directory to mount over skopeo's blob-info cache for this process (empty = cold cache). */
  skopeoCacheDir?: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs `cmd args…` to completion; rejects when it exits non-zero. */
export async function measure(harness: Harness, cmd: string, args: string[], options: RunOptions = {}): Promise<Measured> {
  const scratch = await mkdtemp(join(tmpdir(), 'oci-copy-bench-time-'));
  const timeFile = join(scratch, 'time');
  let argv = [cmd, ...args];
  if (options.skopeoCacheDir && harness.isolatedSkopeoCache) {
    // Every tool gets the same wrapper, so the few milliseconds it costs fall on all sides alike.
    argv = ['unshare', '-m', 'sh', '-c', `mount --bind "$0" ${SKOPEO_CACHE} && exec "$@"`, options.skopeoCacheDir, ...argv];
  }
  if (harness.gnuTime) argv = [GNU_TIME, '-f', '%U %S %M', '-o', timeFile, ...argv];
  const started = process.hrtime.bigint();
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  let rssMB = NaN;
  let cpuMs = NaN;
  if (harness.gnuTime) {
    const text = await readFile(timeFile, 'utf8').catch(() => '');
    const [user, sys, kb] = (text.trim().split('\n').pop() ?? '').split(' ').map(Number);
    if (Number.isFinite(kb)) rssMB = kb / 1024;
    if (Number.isFinite(user) && Number.isFinite(sys)) cpuMs = (user + sys) * 1000;
  }
  await rm(scratch, { recursive: true, force: true });
  if (result.code !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${result.code}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  return { ms, rssMB, cpuMs, ...result };
}

/** CPU time (user + system) a running process has used so far, in ms: /proc/PID/stat, in clock ticks of 10 ms. */
export async function processCpuMs(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}
