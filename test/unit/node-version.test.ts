import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { unsupportedNode } from '../../src/runtime/node-version.js';

describe('the Node.js versions the CLI runs on', () => {
  it('takes 22.22.2 and later 22s, 24.15.0 and later 24s, and 26 on', () => {
    for (const v of ['v22.22.2', 'v22.23.5', 'v24.15.0', 'v24.22.3', 'v26.0.0', 'v27.1.0']) assert.equal(unsupportedNode(v), undefined, v);
  });
  it('refuses Node 20, older 22s and 24s, and 23 and 25, in one line that names the version and where a suitable one is', () => {
    for (const v of ['v20.20.2', 'v22.22.1', 'v22.1.0', 'v23.11.0', 'v24.14.9', 'v25.2.1', 'v18.20.0']) {
      const line = unsupportedNode(v) ?? '';
      assert.ok(line.includes(v), `${v}: ${line}`);
      assert.match(
        line,
        /: install 22\.22\.2 or later on the 22 line, 24\.15\.0 or later, or 26, from https:\/\/nodejs\.org\/en\/download \(or: nvm install 24\)$/,
      );
      assert.ok(!line.includes('\n'));
    }
  });
  it('the CLI starts under a supported Node.js and refuses an older one before doing anything', () => {
    // process.execPath is the release line under test; `node` on PATH is the machine's own, often older.
    for (const node of [process.execPath, 'node']) {
      const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
      const res = spawnSync(node, ['lib/src/cli/index.js', '--version'], { encoding: 'utf8' });
      const refusal = unsupportedNode(version);
      if (refusal) {
        assert.equal(res.status, 2, `${version}: ${res.stderr}`);
        assert.equal(res.stderr, `oci-copy: ${refusal}\n`);
      } else {
        assert.equal(res.status, 0, `${version}: ${res.stderr}`);
        assert.match(res.stdout, /\d+\.\d+\.\d+/);
      }
    }
  });
});
