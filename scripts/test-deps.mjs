// Makes sure the programs the integration tests drive are installed: the CNCF distribution registry
// (`docker-registry`), `skopeo`, containerd (`containerd` and its client `ctr`), `openssl` and `script`; with
// --bench also GNU `time`, which the benchmark reads peak memory from. Installs the missing Debian
// packages with apt-get.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** program on PATH → Debian package that provides it */
const NEEDED = [
  ['docker-registry', 'docker-registry'],
  ['skopeo', 'skopeo'],
  ['containerd', 'containerd'],
  ['ctr', 'containerd'],
  ['openssl', 'openssl'],
  // `script` gives the terminal tests a pseudo-terminal.
  ['script', 'bsdutils'],
  ...(process.argv.includes('--bench') ? [['time', 'time']] : []),
];

function onPath(program) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

function fail(message) {
  console.error(`test-deps: ${message}`);
  process.exit(1);
}

const missing = NEEDED.filter(([program]) => !onPath(program));
if (missing.length === 0) {
  console.log(`test-deps: ${NEEDED.map(([p]) => p).join(', ')} present`);
  process.exit(0);
}

const packages = [...new Set(missing.map(([, pkg]) => pkg))];
const programs = missing.map(([p]) => p).join(', ');
if (process.platform !== 'linux' || !onPath('apt-get')) {
  fail(`${programs} missing and apt-get is not available: install the packages ${packages.join(' ')} yourself`);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
let prefix = [];
if (!isRoot) {
  if (!onPath('sudo')) fail(`${programs} missing; not root and no sudo: run apt-get install ${packages.join(' ')} as root`);
  prefix = ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive'];
}

function run(args) {
  const [cmd, ...rest] = [...prefix, ...args];
  const res = spawnSync(cmd, rest, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
  });
  if (res.error || res.status !== 0) {
    const detail = (res.stderr || res.error?.message || '').trim().split('\n').filter(Boolean).pop() ?? `exit ${res.status}`;
    fail(`could not install ${packages.join(' ')} (${args.slice(0, 2).join(' ')} failed: ${detail})`);
  }
}

run(['apt-get', 'update', '-qq']);
run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages]);

const stillMissing = missing.filter(([program]) => !onPath(program)).map(([p]) => p);
if (stillMissing.length > 0) fail(`installed ${packages.join(' ')} but ${stillMissing.join(', ')} still not on PATH`);
console.log(`test-deps: installed ${packages.join(' ')} (for ${programs})`);
