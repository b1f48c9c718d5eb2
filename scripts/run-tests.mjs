// Runs the compiled tests with node's test runner: unit tests first, then integration tests.
// Usage: node scripts/run-tests.mjs [--node22|--node24] [FILTER...]   (FILTER: substring of a test file's path; any of them)
// --node22, --node24: under that Node.js release line (fetched from the npm registry when this Node.js is
// another); without either, under this Node.js.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeRelease } from './node-release.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const testRoot = join(root, 'lib', 'test');
const args = process.argv.slice(2);
const release = args.map((a) => /^--node(\d+)$/.exec(a)?.[1]).find(Boolean);
const filters = args.filter((a) => !a.startsWith('--'));

function findTests(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const found = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(path));
    else if (entry.isFile() && entry.name.endsWith('.test.js')) found.push(path);
  }
  return found.sort();
}

try {
  statSync(testRoot);
} catch {
  console.error(`run-tests: ${relative(root, testRoot)} does not exist: run "npm run build" first`);
  process.exit(1);
}

const all = findTests(testRoot).map((p) => relative(root, p).split(sep).join('/'));
const selected = filters.length ? all.filter((p) => filters.some((f) => p.includes(f))) : all;
const unit = selected.filter((p) => p.startsWith('lib/test/unit/'));
const integration = selected.filter((p) => !p.startsWith('lib/test/unit/'));
if (selected.length === 0) {
  console.error(filters.length ? `run-tests: no test file matches "${filters.join('", "')}"` : 'run-tests: no test files under lib/test');
  process.exit(1);
}
let node = process.execPath;
if (release) {
  try {
    node = nodeRelease(Number(release));
  } catch (err) {
    console.error(`run-tests: ${err.message}`);
    process.exit(1);
  }
}
const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
console.log(`# run-tests: ${unit.length} unit and ${integration.length} integration test files, node ${version}`);

// One runner for all files, so the output ends with one summary. Unit files are listed first and
// start first. Each integration file starts its own registry: two files at a time keeps the run
// short without starving the machine.
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const res = spawnSync(node, ['--test', '--test-reporter=tap', `--test-concurrency=${concurrency}`, ...unit, ...integration], {
  cwd: root,
  stdio: 'inherit',
});
if (res.error) console.error(`run-tests: could not start node: ${res.error.message}`);
process.exit(res.status ?? 1);
