// A Node.js release line to run the tests under when the machine's own Node.js is another one: the
// npm registry's node-<platform>-<arch>@<major> package, unpacked once into the user's cache
// directory. The library and CLI need Node 22 or later (the Sigstore packages do); the action runs
// on Node 24 (`runs.using: node24`). Prints nothing; returns the binary's path.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The lines the tests run under: the oldest the package supports, and the action's. */
export const TESTED_MAJORS = [22, 24];

export function nodeRelease(major) {
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
  if (!['linux', 'darwin'].includes(process.platform) || !['x64', 'arm64'].includes(process.arch)) {
    throw new Error(`no Node ${major} package for ${process.platform}-${process.arch}: run the tests under Node ${major} directly`);
  }
  const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'oci-copy', `node${major}-${process.platform}-${process.arch}`);
  const binary = join(dir, 'package', 'bin', 'node');
  if (works(binary, major)) return binary;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const spec = `node-${process.platform}-${process.arch}@${major}`;
  const pack = spawnSync('npm', ['pack', spec, '--pack-destination', dir, '--silent'], { encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`npm pack ${spec} failed: ${(pack.stderr || pack.stdout).trim().split('\n').pop()}`);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack ${spec} left no tarball in ${dir}`);
  const untar = spawnSync('tar', ['xzf', tarball], { cwd: dir, encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`unpacking ${tarball} failed: ${untar.stderr.trim()}`);
  rmSync(join(dir, tarball));
  if (!works(binary, major)) throw new Error(`${binary} from ${spec} does not run here`);
  return binary;
}

/** Node 24, the action's runtime. */
export function node24() {
  return nodeRelease(24);
}

function works(binary, major) {
  if (!existsSync(binary)) return false;
  const res = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return res.status === 0 && res.stdout.startsWith(`v${major}.`);
}
