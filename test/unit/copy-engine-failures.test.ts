import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { copy } from '../../src/api/copy.js';
import type { Descriptor } from '../../src/oci/descriptor.js';
import { MediaType } from '../../src/oci/media-types.js';
import { MemoryTarget } from '../../src/targets/memory.js';
import { addBlob, addImage } from '../support/memory-images.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('copy engine after a failure', () => {
  it('starts no queued transfer once one failed, and waits for those in flight before failing', async () => {
    const src = new MemoryTarget('src');
    const layers = Array.from({ length: 12 }, () => addBlob(src, MediaType.OciLayerGzip, 100));
    src.tagged.set('t', addImage(src, layers));
    const dst = new MemoryTarget('dst');
    const push = dst.push.bind(dst);
    let pushes = 0;
    let inFlight = 0;
    dst.push = async (desc: Descriptor, content: Readable) => {
      if (desc.mediaType !== MediaType.OciLayerGzip) return push(desc, content);
      pushes++;
      inFlight++;
      try {
        await pause(10);
        if (desc.digest === layers[0].digest) {
          content.destroy();
          throw new Error('403 Forbidden');
        }
        return await push(desc, content);
      } finally {
        inFlight--;
      }
    };
    await assert.rejects(copy(src, { tags: ['t'] }, dst, { tags: ['t'] }, { concurrency: 2 }), /pushing blob .*403 Forbidden/);
    assert.equal(inFlight, 0, 'every started push settled before the error');
    assert.ok(pushes <= 3, `at most the transfers in flight when it failed were pushed, got ${pushes} of 12`);
    assert.equal(dst.tagged.size, 0);
  });

  it('waits for a manifest fetch in flight when the destination check fails', async () => {
    const src = new MemoryTarget('src');
    const layer = addBlob(src, MediaType.OciLayerGzip, 100);
    const m = addImage(src, [layer]);
    src.tagged.set('t', m);
    const fetch = src.fetch.bind(src);
    let fetching = 0;
    src.fetch = async (desc: Descriptor) => {
      fetching++;
      try {
        await pause(30);
        return await fetch(desc);
      } finally {
        fetching--;
      }
    };
    const dst = new MemoryTarget('dst');
    dst.exists = async () => {
      throw new Error('503 Service Unavailable');
    };
    await assert.rejects(copy(src, { tags: ['t'] }, dst, { tags: ['t'] }), /checking manifest .*503/);
    assert.equal(fetching, 0, 'the manifest fetch settled before the error');
  });
});
