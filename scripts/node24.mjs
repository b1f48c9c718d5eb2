// The Node.js the action runs on (`runs.using: node24`), for a second pass of the tests when the
// machine's own Node.js is older: the npm registry's node-<platform>-<arch>@24 package, unpacked
// once into the user's cache directory. Prints nothing; returns the binary's path.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const MAJOR = 24;

export function node24() {
  if (Number(process.versions.node.split('.')[0]) >= MAJOR) return process.execPath;
  if (!['linux', 'darwin'].includes(process.platform) || !['x64', 'arm64'].includes(process.arch)) {
    throw new Error(`no Node ${MAJOR} package for ${process.platform}-${process.arch}: run the tests under Node ${MAJOR} directly`);
  }
  const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'oci-copy', `node${MAJOR}-${process.platform}-${process.arch}`);
  const binary = join(dir, 'package', 'bin', 'node');
  if (works(binary)) return binary;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const spec = `node-${process.platform}-${process.arch}@${MAJOR}`;
  const pack = spawnSync('npm', ['pack', spec, '--pack-destination', dir, '--silent'], { encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`npm pack ${spec} failed: ${(pack.stderr || pack.stdout).trim().split('\n').pop()}`);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack ${spec} left no tarball in ${dir}`);
  const untar = spawnSync('tar', ['xzf', tarball], { cwd: dir, encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`unpacking ${tarball} failed: ${untar.stderr.trim()}`);
  rmSync(join(dir, tarball));
  if (!works(binary)) throw new Error(`${binary} from ${spec} does not run here`);
  return binary;
}

function works(binary) {
  if (!existsSync(binary)) return false;
  const res = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return res.status === 0 && res.stdout.startsWith(`v${MAJOR}.`);
}
