// containerd, the loader that names what it imports from index.json: a private daemon per test
// file, with its own root, state and socket in a temporary directory, driven with `ctr`.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The snapshotter imports unpack into. `native` copies each layer into a plain directory and
 * works wherever the daemon runs as root. overlayfs also worked on this machine's ext4 root, but
 * it needs overlay mounts, which a temporary directory on an overlay file system (a container's
 * root) or a sandbox without mount rights refuses.
 */
export const SNAPSHOTTER = 'native';

export interface Containerd {
  /** The daemon's socket. */
  address: string;
  /** Where it keeps content and snapshots. */
  root: string;
  /** Runs `ctr --address SOCKET ARGS...`; rejects with its stderr when it exits non-zero. */
  ctr(args: string[]): Promise<{ stdout: string; stderr: string }>;
  /** `ctr images import` with the test snapshotter: every platform's content, this machine's unpacked. */
  importArchive(file: string): Promise<string>;
  /** The names of the images it holds. */
  images(): Promise<string[]>;
  /**
   * Checks that the image whose config lists `diffIds` is unpacked (the snapshot named by its chain
   * ID is committed) and returns the paths of the files in the snapshotter's directories, whose
   * bytes a test can compare with its layers'. (A view of one snapshot would be collected by
   * containerd's garbage collector as soon as `ctr` exits, so the directories are read instead.)
   */
  unpacked(diffIds: string[]): Promise<string[]>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts a private containerd as root (it refuses otherwise) and waits until `ctr` reaches it. */
export async function startContainerd(): Promise<Containerd> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error('containerd tests need root: containerd unpacks images as root');
  }
  const dir = await mkdtemp(join(tmpdir(), 'oci-copy-containerd-'));
  const address = join(dir, 'containerd.sock');
  const root = join(dir, 'root');
  const config = [
    'version = 2',
    `root = ${JSON.stringify(root)}`,
    `state = ${JSON.stringify(join(dir, 'state'))}`,
    // The CRI plugin (Kubernetes) is not needed and would look for CNI networks.
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    '[grpc]',
    `  address = ${JSON.stringify(address)}`,
    '',
  ].join('\n');
  await writeFile(join(dir, 'config.toml'), config);
  const log: Buffer[] = [];
  const child = spawn('containerd', ['--config', join(dir, 'config.toml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.stdout.on('data', (b: Buffer) => log.push(b));
  child.stderr.on('data', (b: Buffer) => log.push(b));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => running.delete(child));

  const ctr = (args: string[]) => run('ctr', ['--address', address, ...args]);
  const stop = async () => {
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(
      async () => (await ctr(['version'])).stdout.includes('Server:'),
      () => Buffer.concat(log).toString().slice(-2000),
      child,
    );
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    address,
    root,
    ctr,
    importArchive: async (file) => (await ctr(['images', 'import', '--all-platforms', '--snapshotter', SNAPSHOTTER, file])).stdout,
    images: async () => (await ctr(['images', 'ls', '-q'])).stdout.split('\n').filter(Boolean),
    unpacked: async (diffIds) => {
      const info = JSON.parse((await ctr(['snapshots', '--snapshotter', SNAPSHOTTER, 'info', chainId(diffIds)])).stdout) as {
        Kind?: string;
      };
      if (info.Kind !== 'Committed') throw new Error(`snapshot ${chainId(diffIds)} is ${info.Kind}, not committed`);
      return filesUnder(join(root, `io.containerd.snapshotter.v1.${SNAPSHOTTER}`, 'snapshots'));
    },
    stop,
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** The chain ID of a layer stack, as containerd names the snapshot of an unpacked image. */
export function chainId(diffIds: string[]): string {
  return diffIds.reduce((chain, diff) => `sha256:${createHash('sha256').update(`${chain} ${diff}`).digest('hex')}`);
}

async function waitUntil(ready: () => Promise<boolean>, log: () => string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`containerd exited with ${child.exitCode}: ${log()}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`containerd did not answer within 15 s: ${log()}`);
    await sleep(100);
  }
}

function run(cmd: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new Error(`${cmd} could not start: ${e.message}`)));
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}: ${stderr.trim()}`));
    });
  });
}
