// Runs the bundled action (dist/index.js) the way a runner does, on the built-in example layout:
// INPUT_* variables in, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files out. No registry needed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { node24 } from './node-release.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'oci-copy-demo-'));
const files = { GITHUB_OUTPUT: join(work, 'output'), GITHUB_STEP_SUMMARY: join(work, 'summary.md') };
for (const f of Object.values(files)) writeFileSync(f, '');
const destination = join(work, 'copied-layout');

// As a runner does: under Node 24 (`runs.using: node24`), from the npm registry when this Node.js is another.
const run = spawnSync(node24(), [join(root, 'dist', 'index.js')], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    ...files,
    RUNNER_TEMP: work,
    INPUT_SOURCE: `oci:${join(root, 'examples', 'hello-layout')}:v1`,
    INPUT_DESTINATION: `oci:${destination}`,
  },
});

// GITHUB_OUTPUT holds `name<<DELIMITER`, the value, then the delimiter.
const outputs = {};
const lines = readFileSync(files.GITHUB_OUTPUT, 'utf8').split('\n');
for (let i = 0; i < lines.length; i++) {
  const m = /^([^<]+)<<(.+)$/.exec(lines[i]);
  if (!m) continue;
  const end = lines.indexOf(m[2], i + 1);
  outputs[m[1]] = lines.slice(i + 1, end).join('\n');
  i = end;
}
if (run.status !== 0 || !outputs.digest) {
  console.error(`demo: the action failed (exit ${run.status})`);
  process.exit(1);
}
console.log(
  `\nOutputs of the step:\n  digest:     ${outputs.digest}\n  media-type: ${outputs['media-type']}\n  size:       ${outputs.size}\n  blobs:`,
);
for (const b of JSON.parse(outputs.blobs)) {
  console.log(`    ${b.action.padEnd(8)} ${b.digest.slice(0, 19)}…  ${String(b.size).padStart(6)} B  ${b.mediaType}`);
}
// The files were the demo's own, in a temporary directory removed below: the summary is shown, not named.
console.log('\nJob summary (what GITHUB_STEP_SUMMARY received):\n');
console.log(readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'));
rmSync(work, { recursive: true, force: true });
console.log('The copy went to a temporary directory, removed now; in a workflow the destination stays (see README.md).');
