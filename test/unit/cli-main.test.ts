import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';

describe('command line', () => {
  it('refuses --json when the archive itself goes to standard output, before opening anything', async () => {
    // The source does not exist: a refusal comes first, with the usage exit code, not a not-found.
    const code = await main(['oci:/nonexistent/oci-copy-layout:v1', 'oci-archive:-', '--json']);
    assert.equal(code, 2);
  });
});
