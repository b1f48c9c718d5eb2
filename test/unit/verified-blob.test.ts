// A blob read in pieces from a real layout, as an upload that goes on from the registry's offset reads
// it: one hash across the pieces, a piece the destination gave up is not the source's failure, and
// bytes that do not match in a later piece are.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { VerifiedBlob } from '../../src/copy/verified-blob.js';
import { ContentError } from '../../src/oci/errors.js';
import { openLayout } from '../../src/targets/layout/layout.js';
import { blobPath, makeImageLayout, type ImageLayout } from '../support/images.js';

const KiB = 1024;

/** Reads `n` bytes from a piece (or to its end), then leaves it. */
async function take(stream: Readable, n = Infinity): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  for await (const chunk of stream) {
    parts.push(chunk as Buffer);
    got += (chunk as Buffer).length;
    if (got >= n) break;
  }
  return Buffer.concat(parts).subarray(0, Math.min(got, n));
}

describe('a blob verified across the pieces of an upload that goes on', () => {
  let work: string;
  let image: ImageLayout;
  let layer: { digest: string; size: number; mediaType: string };

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-pieces-'));
    image = await makeImageLayout(join(work, 'layout'), {
      tag: 'v1',
      index: false,
      platforms: [{ architecture: 'amd64', layers: [{ size: 3 * 1024 * KiB, seed: 'pieces' }] }],
    });
    layer = image.manifests[0].layers[0];
  });
  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  const openBlob = async () => {
    const src = await openLayout(image.dir);
    const told: number[] = [];
    return { blob: new VerifiedBlob(layer, src, new AbortController().signal, (n) => told.push(n), 0), told };
  };

  it('checks the whole blob across pieces, counts what went twice, and a piece given up is not the source failing', async () => {
    const { blob, told } = await openBlob();
    const first = await take(blob.stream, 1024 * KiB);
    // The destination gives up the first piece (its upload broke off): the download under it closes early.
    blob.stream.destroy();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(blob.sourceFailure(), undefined, 'the early end of a download the destination gave up is not the source failing');
    const rest = await take(await blob.from(512 * KiB));
    const whole = Buffer.concat([first.subarray(0, 512 * KiB), rest]);
    assert.equal(whole.length, layer.size);
    assert.equal(`sha256:${createHash('sha256').update(whole).digest('hex')}`, layer.digest);
    assert.equal(blob.sourceFailure(), undefined);
    assert.ok(blob.resent >= 512 * KiB, `at least the 512 KiB read again (${blob.resent})`);
    assert.ok(blob.resent < layer.size, 'not the whole blob');
    assert.equal(told.at(-1), layer.size, 'progress reached the end, once');
    assert.ok(
      told.every((n, i) => i === 0 || n > told[i - 1]),
      'progress never goes back',
    );
  });

  it('bytes that do not match in a later piece fail it as the source, not the destination', async () => {
    const { blob } = await openBlob();
    await take(blob.stream, 1024 * KiB);
    blob.stream.destroy();
    // The layout's file changes under the copy, past what was hashed.
    const file = await open(blobPath(image.dir, layer.digest), 'r+');
    const original = Buffer.alloc(16);
    await file.read(original, 0, 16, 2 * 1024 * KiB);
    await file.write(randomBytes(16), 0, 16, 2 * 1024 * KiB);
    try {
      await assert.rejects(
        take(await blob.from(1024 * KiB)),
        (err: Error) => err instanceof ContentError && /digest mismatch/.test(err.message),
      );
      assert.ok(blob.sourceFailure() instanceof ContentError, 'the source is at fault');
    } finally {
      await file.write(original, 0, 16, 2 * 1024 * KiB);
      await file.close();
    }
  });
});
