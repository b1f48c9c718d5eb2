import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventLine } from '../../src/job/render/event-lines.js';
import { printable, quoted, safeLine } from '../../src/oci/text.js';
import { registryErrorDetail } from '../../src/targets/registry/errors.js';

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
    assert.equal(safeLine('\u00a0\u3000::error::x'), '\u00a0\u3000\\x3a:error::x');
  });
  it("breaks the runner's older command prefix wherever it is in a line", () => {
    // The runner finds `##[command]` anywhere in a line, not only at its start.
    assert.equal(safeLine('Copying abc ##[add-mask]secret'), 'Copying abc #\\x23[add-mask]secret');
    assert.equal(safeLine('###[stop-commands]t'), '##\\x23[stop-commands]t');
    assert.doesNotMatch(safeLine('a ##[error]b ##[warning]c'), /##\[/);
  });
});

describe('lines made from outside text', () => {
  const node = { mediaType: 'application/x\n::warning::forged\x1b]0;title\x07', digest: `sha256:${'ab'.repeat(32)}`, size: 3 };
  it('an event line keeps a hostile media type, repository or tag on its one line, escaped', () => {
    for (const line of [
      eventLine({ type: 'started', node }),
      eventLine({ type: 'done', node, action: 'mounted', from: 'repo\r\n::add-mask::x', bytes: 0 }),
      eventLine({ type: 'tagged', node, reference: 'v1\x1b[2J' }),
    ]) {
      assert.ok(line);
      assert.doesNotMatch(line, /[\x00-\x1f\x7f]/, line);
    }
    assert.equal(eventLine({ type: 'started', node }), 'Copying abababababab application/x\\x0a::warning::forged\\x1b]0;title\\x07');
  });
  it("a registry's error message is one printable line", () => {
    const body = JSON.stringify({ errors: [{ code: 'DENIED', message: 'no\n::add-mask::x \x1b[31mred\u202e' }] });
    assert.deepEqual(registryErrorDetail(body), { code: 'DENIED', text: 'DENIED: no ::add-mask::x \\x1b[31mred\\u{202e}' });
    assert.equal(registryErrorDetail(JSON.stringify({ errors: [{ code: 'X', message: 'y'.repeat(1000) }] })).text?.length, 201);
  });
});
