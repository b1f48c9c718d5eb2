// npm's `prepare`: `npm ci` and `npm install` run it, and so does `npx oci-copy` in this folder
// (npm installs the folder to run its bin, and runs prepare as it does). It compiles src/, test/
// and bench/ into lib/ when lib/ is missing or older than a source; otherwise it leaves lib/ as
// it is. tsc rewrites every file it emits: a process loading modules from lib/ at that moment (a
// test, a command) would read half-written ones and fail ("does not provide an export named …").
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = ['src', 'test', 'bench'];

/** Every `.ts` file under `dir` that tsc compiles (declaration files are not emitted). */
function sources(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

const mtime = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
};

/** Why lib/ is stale: the first source whose compiled file is missing or older than it, or than the compiler's settings. */
function stale() {
  const settings = Math.max(mtime(join(root, 'tsconfig.json')) ?? 0, mtime(join(root, 'package-lock.json')) ?? 0);
  for (const source of SOURCES.flatMap((d) => sources(join(root, d)))) {
    const out = join(root, 'lib', relative(root, source).replace(/\.ts$/, '.js'));
    const built = mtime(out);
    const name = relative(root, source);
    if (built === undefined) return `lib/ holds no build of ${name}`;
    if (built < (mtime(source) ?? 0)) return `${name} is newer than its build in lib/`;
    if (built < settings) return `tsconfig.json or package-lock.json is newer than lib/`;
  }
  return undefined;
}

const why = stale();
if (why) {
  process.stderr.write(`compiling src/, test/ and bench/ into lib/: ${why}\n`);
  const run = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  process.exit(run.status ?? 1);
}
