// skopeo, the peer tool the tests use to seed registries and to check what the product wrote.
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SkopeoResult {
  stdout: string;
  stderr: string;
}

/** Runs `skopeo ARGS...`; rejects with skopeo's stderr when it exits non-zero. */
export function skopeo(args: string[]): Promise<SkopeoResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('skopeo', ['--insecure-policy', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new Error(`skopeo could not start: ${e.message}`)));
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`skopeo ${args.join(' ')} exited with ${code}: ${stderr.trim()}`));
    });
  });
}

/** Adds `docker://` to a bare `HOST/REPO[:TAG|@DIGEST]`; other transports pass unchanged. */
export function transportRef(ref: string): string {
  return /^(docker|oci|oci-archive|docker-archive|dir|docker-daemon|containers-storage):/.test(ref) ? ref : `docker://${ref}`;
}

function tlsFlags(flag: '--tls-verify' | '--src-tls-verify' | '--dest-tls-verify', ref: string): string[] {
  return ref.startsWith('docker://') ? [`${flag}=false`] : [];
}

/** The manifest or index exactly as stored (bytes as a string), for digest comparisons. */
export async function skopeoInspectRaw(ref: string, options: { creds?: string } = {}): Promise<string> {
  const full = transportRef(ref);
  const creds = options.creds ? ['--creds', options.creds] : [];
  const { stdout } = await skopeo(['inspect', '--raw', ...tlsFlags('--tls-verify', full), ...creds, full]);
  return stdout;
}

export interface SkopeoCopyOptions {
  /** every platform of an index (`--all`) */
  all?: boolean;
  srcCreds?: string;
  destCreds?: string;
  /** extra flags, e.g. `--preserve-digests` */
  extra?: string[];
}

export async function skopeoCopy(src: string, dst: string, options: SkopeoCopyOptions = {}): Promise<SkopeoResult> {
  const s = transportRef(src);
  const d = transportRef(dst);
  return skopeo([
    'copy',
    ...(options.all ? ['--all'] : []),
    ...tlsFlags('--src-tls-verify', s),
    ...tlsFlags('--dest-tls-verify', d),
    ...(options.srcCreds ? ['--src-creds', options.srcCreds] : []),
    ...(options.destCreds ? ['--dest-creds', options.destCreds] : []),
    ...(options.extra ?? []),
    s,
    d,
  ]);
}

/**
 * Copies every platform of `ref` into a fresh OCI layout directory, which proves each blob can be
 * pulled and matches its digest. Returns the directory (tag `pulled`); the caller removes it.
 */
export async function skopeoPullAllBlobs(ref: string, options: { creds?: string } = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oci-copy-pulled-'));
  await skopeoCopy(ref, `oci:${dir}:pulled`, { all: true, srcCreds: options.creds });
  return dir;
}
