// skopeo interop both ways: skopeo reads the archives and layouts written here, and what skopeo
// writes is read here, a multi-platform index included.
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openArchiveFile, openArchiveStream } from '../../src/targets/archive/reader.js';
import { copyRefs } from '../support/copy-refs.js';
import { makeImageLayout, type ImageLayout } from '../support/images.js';
import { skopeoCopy, skopeoInspectRaw } from '../support/skopeo.js';
import { sha } from '../support/blobs.js';

let work: string;
let multi: ImageLayout;
let single: ImageLayout;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'archive-skopeo-'));
  multi = await makeImageLayout(join(work, 'multi'), {
    tag: 'multi',
    platforms: [
      { architecture: 'amd64', layers: [{ size: 300_000, seed: 'amd64-a' }, 'base'] },
      { architecture: 'arm64', variant: 'v8', layers: [{ size: 200_000, seed: 'arm64-a' }, 'base'] },
    ],
    sharedLayers: { base: { size: 2_000_000, seed: 'base' } },
  });
  single = await makeImageLayout(join(work, 'single'), {
    tag: 'one',
    platforms: [{ architecture: 'amd64', layers: [{ size: 100_000, seed: 'single' }] }],
  });
});

after(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Copies between two file references the way the CLI does, returning the root digest. */
async function copyFiles(src: string, dst: string): Promise<string> {
  return (await copyRefs(src, dst, { concurrency: 4 })).root.digest;
}

describe('skopeo reads what is written here', () => {
  it('an exported archive, every platform, digests unchanged', async () => {
    const tar = join(work, 'ours-multi.tar');
    assert.equal(await copyFiles(`oci:${multi.dir}:multi`, `oci-archive:${tar}:release`), multi.root.digest);
    assert.equal(sha(await skopeoInspectRaw(`oci-archive:${tar}:release`)), multi.root.digest);
    const out = join(work, 'skopeo-from-our-archive');
    await skopeoCopy(`oci-archive:${tar}:release`, `oci:${out}:copied`, { all: true });
    const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8'));
    assert.equal(index.manifests[0].digest, multi.root.digest);
    const blobs = await readdir(join(out, 'blobs', 'sha256'));
    for (const b of multi.blobs) assert.ok(blobs.includes(b.digest.slice(7)), `skopeo found ${b.digest}`);
  });

  it('an archive exported twice keeps both tags for skopeo', async () => {
    const tar = join(work, 'ours-two.tar');
    await copyFiles(`oci:${multi.dir}:multi`, `oci-archive:${tar}:multi`);
    await copyFiles(`oci:${single.dir}:one`, `oci-archive:${tar}:one`);
    assert.equal(sha(await skopeoInspectRaw(`oci-archive:${tar}:multi`)), multi.root.digest);
    assert.equal(sha(await skopeoInspectRaw(`oci-archive:${tar}:one`)), single.root.digest);
  });

  it('a layout directory written here', async () => {
    const dir = join(work, 'ours-layout');
    assert.equal(await copyFiles(`oci:${multi.dir}:multi`, `oci:${dir}:v2`), multi.root.digest);
    assert.equal(sha(await skopeoInspectRaw(`oci:${dir}:v2`)), multi.root.digest);
    const out = join(work, 'skopeo-from-our-layout');
    await skopeoCopy(`oci:${dir}:v2`, `oci:${out}:copied`, { all: true });
    const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8'));
    assert.equal(index.manifests[0].digest, multi.root.digest);
  });
});

describe('what skopeo writes is read here', () => {
  let skopeoTar: string;
  before(async () => {
    skopeoTar = join(work, 'skopeo-multi.tar');
    await skopeoCopy(`oci:${multi.dir}:multi`, `oci-archive:${skopeoTar}:multi`, { all: true });
  });

  it('a multi-platform archive, by file (indexed) and by pipe (spooled)', async () => {
    for (const open of [() => openArchiveFile(skopeoTar), () => openArchiveStream(createReadStream(skopeoTar))]) {
      const r = await open();
      assert.deepEqual(await r.tags(), ['multi']);
      assert.equal((await r.resolve(undefined)).digest, multi.root.digest);
      await r.close('success');
    }
    const dir = join(work, 'from-skopeo-archive');
    assert.equal(await copyFiles(`oci-archive:${skopeoTar}:multi`, `oci:${dir}:imported`), multi.root.digest);
    // skopeo can read the imported layout back: every blob is there and intact.
    await skopeoCopy(`oci:${dir}:imported`, `oci:${join(work, 'reread')}:x`, { all: true });
  });

  it('archive to archive: skopeo archive in, our archive out, digests unchanged', async () => {
    const tar = join(work, 'rewritten.tar');
    assert.equal(await copyFiles(`oci-archive:${skopeoTar}:multi`, `oci-archive:${tar}:again`), multi.root.digest);
    assert.equal(sha(await skopeoInspectRaw(`oci-archive:${tar}:again`)), multi.root.digest);
  });

  it('a skopeo layout directory', async () => {
    const dir = join(work, 'skopeo-layout');
    await skopeoCopy(`oci:${single.dir}:one`, `oci:${dir}:one`);
    const out = join(work, 'from-skopeo-layout.tar');
    assert.equal(await copyFiles(`oci:${dir}:one`, `oci-archive:${out}:one`), single.root.digest);
  });
});
