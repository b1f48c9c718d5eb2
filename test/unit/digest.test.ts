import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { digestProblem, isDigest, parseDigest } from '../../src/oci/digest.js';

describe('digests', () => {
  const sha256 = `sha256:${'a'.repeat(64)}`;
  it('tells a digest from a tag, for every kind of wrong', () => {
    assert.equal(isDigest(sha256), true);
    assert.equal(isDigest(`sha512:${'0'.repeat(128)}`), true);
    for (const value of ['1.2.3', 'latest', `sha256:${'a'.repeat(63)}`, `sha256:${'A'.repeat(64)}`, `md5:${'a'.repeat(32)}`, '', 'sha256:']) {
      assert.equal(isDigest(value), false, value);
      assert.ok(digestProblem(value), value);
      assert.throws(() => parseDigest(value), /invalid digest/, value);
    }
  });
  it('agrees with parseDigest, which names the value', () => {
    assert.deepEqual(parseDigest(sha256), { algorithm: 'sha256', hex: 'a'.repeat(64) });
    assert.throws(() => parseDigest('sha1:abc'), /invalid digest "sha1:abc"/);
  });
});
