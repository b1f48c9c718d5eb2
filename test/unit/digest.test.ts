import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { digestProblem, isDigest, namesOtherContent, parseDigest } from '../../src/oci/digest.js';

describe('digests', () => {
  const sha256 = `sha256:${'a'.repeat(64)}`;
  it('tells a digest from a tag, for every kind of wrong', () => {
    assert.equal(isDigest(sha256), true);
    assert.equal(isDigest(`sha512:${'0'.repeat(128)}`), true);
    for (const value of [
      '1.2.3',
      'latest',
      `sha256:${'a'.repeat(63)}`,
      `sha256:${'A'.repeat(64)}`,
      `md5:${'a'.repeat(32)}`,
      '',
      'sha256:',
    ]) {
      assert.equal(isDigest(value), false, value);
      assert.ok(digestProblem(value), value);
      assert.throws(() => parseDigest(value), /invalid digest/, value);
    }
  });
  it('tells an answer that names other content from one that cannot be compared', () => {
    const other = `sha256:${'b'.repeat(64)}`;
    const sha512 = `sha512:${'c'.repeat(128)}`;
    assert.equal(namesOtherContent(sha256, other), true);
    assert.equal(namesOtherContent(sha512, `sha512:${'d'.repeat(128)}`), true);
    assert.equal(namesOtherContent(sha256, sha256), false);
    assert.equal(namesOtherContent(sha256, undefined), false);
    // Another algorithm names the content another way, and is no proof of a lie.
    assert.equal(namesOtherContent(sha256, sha512), false);
    // Not a digest at all: another fault, judged where the header is read.
    assert.equal(namesOtherContent(sha256, '../../etc/passwd'), false);
  });
  it('agrees with parseDigest, which names the value', () => {
    assert.deepEqual(parseDigest(sha256), { algorithm: 'sha256', hex: 'a'.repeat(64) });
    assert.throws(() => parseDigest('sha1:abc'), /invalid digest "sha1:abc"/);
  });
});
