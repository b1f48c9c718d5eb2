import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { printable, quoted, safeLine } from '../../src/oci/text.js';

describe('outside text on its way to a line', () => {
  it('escapes newlines, carriage returns, escapes and other controls', () => {
    assert.equal(printable('a\nb'), 'a\\x0ab');
    assert.equal(printable('x\r\n::add-mask::y'), 'x\\x0d\\x0a::add-mask::y');
    assert.equal(printable('\x1b[2J\x07'), '\\x1b[2J\\x07');
    assert.equal(printable('\u0085\u2028\u202e'), '\\x85\\u{2028}\\u{202e}');
    assert.equal(printable('application/vnd.oci.image.layer.v1.tar+gzip'), 'application/vnd.oci.image.layer.v1.tar+gzip');
    assert.equal(printable('über ✓'), 'über ✓');
  });
  it('cuts what is too long', () => {
    assert.equal(printable('x'.repeat(600)), `${'x'.repeat(512)}…`);
    assert.equal(printable('abcdef', 3), 'abc…');
  });
  it('quotes, escaping quotes inside', () => {
    assert.equal(quoted('a "b"\n'), '"a \\"b\\"\\x0a"');
  });
  it('never lets a line start with a runner command', () => {
    assert.equal(safeLine('::warning::forged'), '\\x3a:warning::forged');
    assert.equal(safeLine('  ::stop-commands::t'), '  \\x3a:stop-commands::t');
    assert.equal(safeLine('Copied  abc ::not-at-start'), 'Copied  abc ::not-at-start');
    assert.doesNotMatch(safeLine('ok\n::error::x'), /\n/);
  });
});
