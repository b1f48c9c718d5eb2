// An OCI layout written by someone else: any of its names may be a FIFO, a device, a huge file or a
// symbolic link to anywhere. Reading it never blocks, never reads more than its limits, and never
// leaves the layout; a link that stays inside it is followed as any reader would.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rename, rm, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copy } from '../../src/api/copy.js';
import { openLayout } from '../../src/targets/layout/layout.js';
import { MemoryTarget } from '../../src/targets/memory.js';
import { blobPath, makeImageLayout, type ImageLayout } from '../support/images.js';

describe('hostile files in an OCI layout', { timeout: 20_000 }, () => {
  let work: string;
  let n = 0;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-layout-hostile-'));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  async function layout(): Promise<ImageLayout> {
    return makeImageLayout(join(work, `l${n++}`), { tag: 'v1', platforms: [{ architecture: 'amd64', layers: [{ size: 2000 }] }] });
  }

  async function copyOut(dir: string) {
    const src = await openLayout(dir);
    return copy(src, { tags: ['v1'] }, new MemoryTarget('dst'), { tags: ['v1'] });
  }

  const fifo = (path: string) => execFileSync('mkfifo', [path]);

  it('a layer that is a FIFO is refused at once instead of waiting for a writer', async () => {
    const image = await layout();
    const layer = blobPath(image.dir, image.manifests[0].layers[0].digest);
    await unlink(layer);
    fifo(layer);
    const started = Date.now();
    await assert.rejects(
      copyOut(image.dir),
      /blob sha256:[0-9a-f]{64} in \[oci-layout\] .* is a named pipe \(FIFO\), not a regular file: refusing it/,
    );
    assert.ok(Date.now() - started < 5000);
  });

  it('an index.json that is a FIFO, or a directory, is refused when the layout is opened', async () => {
    const a = await layout();
    await unlink(join(a.dir, 'index.json'));
    fifo(join(a.dir, 'index.json'));
    await assert.rejects(openLayout(a.dir), /index\.json in OCI layout .* is a named pipe \(FIFO\), not a regular file/);
    const b = await layout();
    await unlink(join(b.dir, 'index.json'));
    await mkdir(join(b.dir, 'index.json'));
    await assert.rejects(openLayout(b.dir), /index\.json in OCI layout .* is a directory, not a regular file/);
  });

  it('an index.json of 200 MB is refused by its size, unread', async () => {
    const image = await layout();
    await truncate(join(image.dir, 'index.json'), 200 * 1024 * 1024);
    await assert.rejects(openLayout(image.dir), /index\.json in OCI layout .* is 209715200 bytes, over the 4194304-byte limit/);
  });

  it('an index.json that links to /dev/zero, or a layer that links out of the layout, is refused', async () => {
    const a = await layout();
    await unlink(join(a.dir, 'index.json'));
    await symlink('/dev/zero', join(a.dir, 'index.json'));
    await assert.rejects(
      openLayout(a.dir),
      /index\.json in OCI layout .* is a symbolic link that leads out of the layout \(to \/dev\/zero\): refusing it/,
    );

    const b = await layout();
    const outside = join(work, 'outside-secret');
    const layer = blobPath(b.dir, b.manifests[0].layers[0].digest);
    await rename(layer, outside);
    await symlink(outside, layer);
    await assert.rejects(
      copyOut(b.dir),
      /blob sha256:[0-9a-f]{64} in \[oci-layout\] .* is a symbolic link that leads out of the layout \(to .*outside-secret\)/,
    );
  });

  it('a link that stays inside the layout is followed', async () => {
    const image = await layout();
    const layer = blobPath(image.dir, image.manifests[0].layers[0].digest);
    await mkdir(join(image.dir, 'store'));
    await rename(layer, join(image.dir, 'store', 'layer'));
    await symlink('../../store/layer', layer);
    const root = await copyOut(image.dir);
    assert.equal(root.digest, image.root.digest);
  });

  it('a link loop is refused with a sentence', async () => {
    const image = await layout();
    const layer = blobPath(image.dir, image.manifests[0].layers[0].digest);
    await unlink(layer);
    await symlink(layer, layer);
    await assert.rejects(copyOut(image.dir), /blob sha256:[0-9a-f]{64} in \[oci-layout\] .* is a symbolic link that loops: refusing it/);
  });

  it('a destination whose blobs directory links out of it is not written through', async () => {
    const image = await layout();
    const dst = join(work, 'dst-linked');
    const elsewhere = join(work, 'dst-elsewhere');
    await mkdir(elsewhere);
    await mkdir(dst);
    await writeFile(join(dst, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    await writeFile(join(dst, 'index.json'), '{"schemaVersion":2,"manifests":[]}');
    await symlink(elsewhere, join(dst, 'blobs'));
    const src = await openLayout(image.dir);
    await assert.rejects(
      copy(src, { tags: ['v1'] }, await openLayout(dst), { tags: ['v1'] }),
      /blobs in \[oci-layout\] .* is a symbolic link that leads out of the layout/,
    );
    assert.equal((await readFile(join(dst, 'index.json'), 'utf8')).includes('v1'), false);
    execFileSync('test', ['!', '-e', join(elsewhere, 'sha256')]);
  });
});
