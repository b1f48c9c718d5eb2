// A verifying stream keeps a small document's bytes only once they are all there and match.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { digestOf, VerifyingStream } from '../../src/oci/digest.js';

const sink = () => new Writable({ write: (_c, _e, done) => done() });

describe('VerifyingStream keep', () => {
  const bytes = Buffer.from('{"os":"linux","architecture":"arm64"}');
  const desc = { digest: digestOf(bytes), size: bytes.length };

  it('gives the kept bytes after a whole, matching read', async () => {
    const v = new VerifyingStream(desc, undefined, 1024);
    assert.equal(v.kept, undefined, 'nothing before the end');
    await pipeline(Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]), v, sink());
    assert.deepEqual(v.kept, bytes);
  });

  it('keeps nothing past its size, or by default', async () => {
    for (const v of [new VerifyingStream(desc, undefined, bytes.length - 1), new VerifyingStream(desc)]) {
      await pipeline(Readable.from([bytes]), v, sink());
      assert.equal(v.kept, undefined);
    }
  });

  it('keeps nothing when the bytes do not match', async () => {
    const v = new VerifyingStream(desc, undefined, 1024);
    const other = Buffer.from(bytes);
    other[0] = 0x20;
    await assert.rejects(pipeline(Readable.from([other]), v, sink()), /digest mismatch/);
    assert.equal(v.kept, undefined);
  });
});
