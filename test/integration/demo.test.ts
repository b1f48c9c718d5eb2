// `npm run demo`, as a new user runs it: the bundled action on the built-in example layout.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { collect } from '../support/cli.js';
import { REPO_ROOT } from '../support/run-action.js';

describe('the demo', () => {
  it('prints the outputs and the summary, and names no file it has already removed', async () => {
    // A home of its own, and the user's cache directory, where the demo finds (or fetches once) Node 24.
    const home = mkdtempSync(join(tmpdir(), 'oci-copy-demo-home-'));
    const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
    const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts', 'demo.mjs')], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: home, XDG_CACHE_HOME: cache },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run = await collect(child);
    rmSync(home, { recursive: true, force: true });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^Outputs of the step:$/m);
    assert.match(run.stdout, /^Job summary \(what GITHUB_STEP_SUMMARY received\):$/m);
    assert.match(run.stdout, /^### Copy: /m);
    // The demo's own lines (the action's log before them, the summary's text after) point the
    // reader at no file: its files were temporary, and are gone when it ends.
    const own = run.stdout.split('\n').filter((l) => /^(Outputs of the step|Job summary|The copy went)/.test(l));
    assert.equal(own.length, 3, run.stdout);
    for (const path of own.join('\n').match(/\/[^\s):]+/g) ?? []) assert.ok(existsSync(path), `${path} is named but gone`);
    assert.match(run.stdout, /temporary directory, removed now/);
  });
});
