import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../../scripts/check-node-modules.mjs', import.meta.url));

/** A checkout of its own: the check, a lock, and what `installed` says is in node_modules. */
function check(locked: Record<string, { version: string; optional?: boolean }>, installed: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'oci-copy-deps-'));
  try {
    mkdirSync(join(dir, 'scripts'));
    copyFileSync(script, join(dir, 'scripts', 'check-node-modules.mjs'));
    const packages = Object.fromEntries([['', { name: 'x' }], ...Object.entries(locked).map(([name, e]) => [`node_modules/${name}`, e])]);
    writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages }));
    for (const [name, version] of Object.entries(installed)) {
      mkdirSync(join(dir, 'node_modules', name), { recursive: true });
      writeFileSync(join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, version }));
    }
    return spawnSync(process.execPath, [join(dir, 'scripts', 'check-node-modules.mjs')], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the check before every build', () => {
  it('passes when node_modules holds what the lock says, optional packages for other platforms aside', () => {
    const run = check(
      { yaml: { version: '2.9.1' }, '@types/semver': { version: '7.7.1' }, fsevents: { version: '2.3.3', optional: true } },
      { yaml: '2.9.1', '@types/semver': '7.7.1' },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
  });
  it('names what is missing or at another version, and says npm ci', () => {
    const run = check({ yaml: { version: '2.9.1' }, '@types/semver': { version: '7.7.1' } }, { yaml: '2.8.0' });
    assert.equal(run.status, 1);
    assert.equal(
      run.stderr.trim(),
      'node_modules does not match package-lock.json (yaml is 2.8.0, the lock says 2.9.1; @types/semver is missing): run npm ci',
    );
  });
});
