// A blob's progress is told in steps of 256 KiB, not for every chunk the source reads, and its last
// byte is always told. A 3 MB layer read from an OCI layout on disk (64 KiB reads) into memory.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copy } from '../../src/api/copy.js';
import type { CopyEvent } from '../../src/copy/events.js';
import { openLayout } from '../../src/targets/layout/layout.js';
import { MemoryTarget } from '../../src/targets/memory.js';
import { makeImageLayout, type ImageLayout } from '../support/images.js';

const LAYER = 3 * 1024 * 1024;

describe('progress events', () => {
  let work: string;
  let image: ImageLayout;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-progress-'));
    image = await makeImageLayout(join(work, 'app'), {
      tag: '1.0',
      index: false,
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: LAYER, seed: 'progress' }] }],
    });
  });
  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('come every 256 KiB of a blob, and at its end', async () => {
    const events: CopyEvent[] = [];
    await copy(await openLayout(image.dir), { tags: ['1.0'] }, new MemoryTarget(), { tags: ['1.0'] }, { onEvent: (e) => events.push(e) });
    const layer = image.manifests[0].layers[0];
    const told = events.filter((e) => e.type === 'progress' && e.node.digest === layer.digest).map((e) => (e as { bytes: number }).bytes);
    assert.equal(told.at(-1), layer.size, 'the last byte is told');
    assert.ok(told.length >= Math.floor(layer.size / (256 * 1024)), `${told.length} events`);
    assert.ok(
      told.length <= Math.ceil(layer.size / (256 * 1024)) + 1,
      `${told.length} events for ${layer.size} bytes: one per chunk, not per step`,
    );
    for (let i = 1; i < told.length - 1; i++) assert.ok(told[i] - told[i - 1] >= 256 * 1024, `step ${i}: ${told[i] - told[i - 1]} bytes`);
  });
});
