import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { exportToStream, importFromStream, MemoryTarget } from '../../src/lib.js';
import { addMultiPlatformImage } from '../support/memory-images.js';

describe('archives over streams (the library API)', () => {
  it('exports to a stream that an import reads back, digests and tags unchanged', async () => {
    const src = new MemoryTarget('src');
    const { index } = addMultiPlatformImage(src, 'v1');
    const { stream, done } = exportToStream(src, { tags: ['v1'] });
    const pipe = new PassThrough();
    stream.pipe(pipe);
    const dst = new MemoryTarget('dst');
    const [exported, imported] = await Promise.all([done, importFromStream(pipe, dst, { tags: [] })]);
    assert.equal(exported.digest, index.digest);
    assert.equal(imported.digest, index.digest);
    assert.equal((await dst.resolve('v1')).digest, index.digest);
    for (const [digest, blob] of src.blobs) assert.deepEqual(dst.blobs.get(digest)?.content, blob.content);
  });

  it('a failed export ends its stream with the error, and an import of it tags nothing', async () => {
    const src = new MemoryTarget('src');
    const { shared } = addMultiPlatformImage(src, 'v1');
    src.blobs.get(shared.digest)!.content[0] ^= 0xff;
    const { stream, done } = exportToStream(src, { tags: ['v1'] });
    const dst = new MemoryTarget('dst');
    const imported = importFromStream(stream, dst, { tags: [] });
    await assert.rejects(done, /digest mismatch/);
    await assert.rejects(imported);
    assert.equal(dst.tagged.size, 0);
  });
});
