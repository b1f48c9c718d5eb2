import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { copy } from '../../src/api/copy.js';
import type { Descriptor } from '../../src/oci/descriptor.js';
import { ContentError, InputError, NotFoundError } from '../../src/oci/errors.js';
import { openLayout } from '../../src/targets/layout/layout.js';
import { makeImageLayout } from '../support/images.js';
import { blob, readAll } from '../support/blobs.js';

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

async function indexOf(dir: string) {
  return JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as {
    schemaVersion: number;
    mediaType: string;
    manifests: Descriptor[];
  };
}

/** Every file in the layout whose name starts with a dot: temporary files that should not outlive a run. */
async function leftovers(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { recursive: true })) {
    if (entry.split('/').some((part) => part.startsWith('.'))) found.push(entry);
  }
  return found;
}

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'layout-test-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('layout target: opening', () => {
  it('creates a layout when asked, with oci-layout and an empty index', async () => {
    const dir = join(work, 'new', 'nested');
    const layout = await openLayout(dir, { create: true });
    assert.equal(layout.description, `[oci-layout] ${dir}`);
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'oci-layout'), 'utf8')), { imageLayoutVersion: '1.0.0' });
    assert.deepEqual(await indexOf(dir), { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] });
  });

  it('refuses a missing source, a non-layout directory with content, and a file', async () => {
    await assert.rejects(
      openLayout(join(work, 'absent')),
      (err: Error) => err instanceof NotFoundError && /no oci-layout file/.test(err.message),
    );
    const busy = join(work, 'busy');
    await mkdir(busy);
    await writeFile(join(busy, 'notes.txt'), 'mine');
    await assert.rejects(
      openLayout(busy, { create: true }),
      (err: Error) => err instanceof InputError && /other content/.test(err.message),
    );
    assert.deepEqual(await readdir(busy), ['notes.txt']);
    await assert.rejects(openLayout(join(busy, 'notes.txt'), { create: true }), /is not a directory/);
  });

  it('refuses a layout of an unknown version or without index.json', async () => {
    const dir = join(work, 'v2');
    await mkdir(dir);
    await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"2.0.0"}');
    await writeFile(join(dir, 'index.json'), '{"schemaVersion":2,"manifests":[]}');
    await assert.rejects(openLayout(dir), /layout version "2\.0\.0"/);
    await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    await rm(join(dir, 'index.json'));
    await assert.rejects(openLayout(dir), (err: Error) => err instanceof ContentError && /has no index\.json/.test(err.message));
  });
});

describe('layout target: blobs', () => {
  it('stores a pushed blob under blobs/<alg>/<hex> and serves it back', async () => {
    const dir = join(work, 'blobs');
    const layout = await openLayout(dir, { create: true });
    const b = blob('hello layout');
    assert.equal(await layout.exists(b.desc), false);
    await assert.rejects(layout.fetch(b.desc), (err: Error) => err instanceof NotFoundError && err.message.includes(b.desc.digest));
    await layout.push(b.desc, Readable.from([b.bytes]));
    assert.equal(await layout.exists(b.desc), true);
    assert.deepEqual(await readFile(join(dir, 'blobs', 'sha256', b.desc.digest.slice(7))), b.bytes);
    assert.deepEqual(await readAll(await layout.fetch(b.desc)), b.bytes);
    // A second push of the same blob consumes the stream and keeps the file.
    await layout.push(b.desc, Readable.from([b.bytes]));
    assert.deepEqual(await leftovers(dir), []);
  });

  it('never renames wrong bytes into place, even when the caller does not check them', async () => {
    const dir = join(work, 'wrong');
    const layout = await openLayout(dir, { create: true });
    const b = blob('the promised bytes');
    await assert.rejects(layout.push(b.desc, Readable.from([Buffer.from('the delivered bytes')])), /mismatch/);
    await assert.rejects(layout.push(b.desc, Readable.from([b.bytes.subarray(0, 5)])), /size mismatch/);
    assert.equal(await layout.exists(b.desc), false);
    assert.deepEqual(await readdir(join(dir, 'blobs', 'sha256')), [], 'no blob and no temporary file');
  });

  it('close(failure) removes the temporary files of pushes still in flight', async () => {
    const dir = join(work, 'inflight');
    // A layout that was there before (a new one is removed whole when it closes as failed).
    await (await openLayout(dir, { create: true })).close('success');
    const layout = await openLayout(dir, { create: true });
    const b = blob('x'.repeat(1000));
    const slow = Readable.from(
      (async function* () {
        yield b.bytes.subarray(0, 10);
        await sleep(2500);
        yield b.bytes.subarray(10);
      })(),
      { objectMode: false },
    );
    const pushing = layout.push(b.desc, slow);
    // On a loaded machine the temporary file may take a moment to appear.
    for (let waited = 0; waited < 2000 && (await leftovers(dir)).length === 0; waited += 10) await sleep(10);
    assert.equal((await leftovers(dir)).length, 1, 'the blob is written to a temporary file first');
    await layout.close('failure');
    assert.deepEqual(await leftovers(dir), []);
    await pushing.catch(() => undefined);
    assert.deepEqual(await leftovers(dir), []);
  });
});

describe('layout target: tags', () => {
  it('replaces a same-named tag, keeps the others, and writes index.json atomically', async () => {
    const dir = join(work, 'tags');
    const layout = await openLayout(dir, { create: true });
    const one = blob('{"one":1}', MANIFEST);
    const two = blob('{"two":2}', MANIFEST);
    await layout.push(one.desc, Readable.from([one.bytes]));
    await layout.push(two.desc, Readable.from([two.bytes]));
    await layout.tag(one.desc, 'a');
    await layout.tag(one.desc, 'b');
    await layout.tag(two.desc, 'b');
    await layout.tag(two.desc, two.desc.digest);
    assert.deepEqual(await layout.tags(), ['a', 'b']);
    const index = await indexOf(dir);
    assert.equal(index.mediaType, 'application/vnd.oci.image.index.v1+json');
    assert.deepEqual(
      index.manifests.map((m) => [m.digest, m.annotations?.['org.opencontainers.image.ref.name']]),
      [
        [one.desc.digest, 'a'],
        [two.desc.digest, 'b'],
      ],
      'a digest reference adds nothing when the digest is already listed',
    );
    assert.equal((await layout.resolve('b')).digest, two.desc.digest);
    assert.deepEqual(await leftovers(dir), []);
  });

  it('adds an untagged root for a digest reference and resolves it', async () => {
    const dir = join(work, 'untagged');
    const layout = await openLayout(dir, { create: true });
    const m = blob('{"m":1}', MANIFEST);
    await layout.push(m.desc, Readable.from([m.bytes]));
    await layout.tag(m.desc, m.desc.digest);
    assert.deepEqual((await indexOf(dir)).manifests, [m.desc]);
    assert.deepEqual(await layout.tags(), []);
    assert.equal((await layout.resolve(undefined)).digest, m.desc.digest);
    assert.equal((await layout.resolve(m.desc.digest)).digest, m.desc.digest);
  });

  it('refuses to tag a manifest that is not stored, and says which tags exist', async () => {
    const dir = join(work, 'missing-tag');
    const layout = await openLayout(dir, { create: true });
    const m = blob('{"m":2}', MANIFEST);
    await assert.rejects(layout.tag(m.desc, 'v1'), NotFoundError);
    await layout.push(m.desc, Readable.from([m.bytes]));
    await layout.tag(m.desc, 'v1');
    await layout.tag(m.desc, 'v2');
    await assert.rejects(layout.resolve('v3'), /tag "v3" is not in \[oci-layout\] .*: its tags are v1, v2/);
  });

  it('keeps tags set meanwhile by another writer', async () => {
    const dir = join(work, 'shared');
    const first = await openLayout(dir, { create: true });
    const second = await openLayout(dir);
    const m = blob('{"m":3}', MANIFEST);
    await first.push(m.desc, Readable.from([m.bytes]));
    await first.tag(m.desc, 'from-first');
    await second.tag(m.desc, 'from-second');
    assert.deepEqual(await first.tags(), ['from-first', 'from-second']);
  });

  it('lists the tags when several images are there and none is named', async () => {
    const dir = join(work, 'several');
    await makeImageLayout(dir, { tag: 'x', platforms: [{ architecture: 'amd64', layers: [{ size: 100, seed: 'x' }] }] });
    await makeImageLayout(dir, { tag: 'y', platforms: [{ architecture: 'arm64', layers: [{ size: 100, seed: 'y' }] }] });
    const layout = await openLayout(dir);
    await assert.rejects(
      layout.resolve(undefined),
      (err: Error) => err instanceof NotFoundError && /holds 2 images .*\(x, y\)/.test(err.message),
    );
  });
});

describe('layout target: copies', () => {
  it('copies a multi-platform image between layouts, digests unchanged, beside the tags already there', async () => {
    const src = await makeImageLayout(join(work, 'copy-src'), {
      tag: 'multi',
      platforms: [
        { architecture: 'amd64', layers: [{ size: 50000, seed: 'a' }, 'shared'] },
        { architecture: 'arm64', variant: 'v8', layers: [{ size: 40000, seed: 'b' }, 'shared'] },
      ],
      sharedLayers: { shared: { size: 30000, seed: 's' } },
    });
    const dstDir = join(work, 'copy-dst');
    const old = await makeImageLayout(dstDir, { tag: 'old', platforms: [{ architecture: 'amd64', layers: [{ size: 100, seed: 'old' }] }] });
    const source = await openLayout(src.dir);
    const dst = await openLayout(dstDir, { create: true });
    const root = await copy(source, { tags: ['multi'] }, dst, { tags: [] }, { concurrency: 3 });
    await dst.close('success');
    assert.equal(root.digest, src.root.digest);
    assert.deepEqual(await dst.tags(), ['old', 'multi']);
    assert.equal((await dst.resolve('old')).digest, old.root.digest);
    for (const b of src.blobs) assert.equal(await dst.exists(b), true, `${b.digest} copied`);
    assert.deepEqual(await leftovers(dstDir), []);
  });

  it('a copy that fails leaves no new tag', async () => {
    const src = await makeImageLayout(join(work, 'broken-src'), {
      tag: 'v1',
      platforms: [{ architecture: 'amd64', layers: [{ size: 5000, seed: 'z' }] }],
    });
    const layer = src.manifests[0].layers[0];
    await writeFile(join(src.dir, 'blobs', 'sha256', layer.digest.slice(7)), Buffer.alloc(layer.size));
    const dstDir = join(work, 'broken-dst');
    await (await openLayout(dstDir, { create: true })).close('success');
    const dst = await openLayout(dstDir, { create: true });
    await assert.rejects(copy(await openLayout(src.dir), { tags: ['v1'] }, dst, { tags: [] }), /digest mismatch/);
    await dst.close('failure');
    assert.deepEqual((await indexOf(dstDir)).manifests, []);
    assert.equal(await dst.exists(layer), false);
    assert.deepEqual(await leftovers(dstDir), []);
    // A layout the copy created goes whole; one with an image tagged in it stays, whatever fails after.
    const newDir = join(work, 'broken-new', 'dst');
    const fresh = await openLayout(newDir, { create: true });
    await assert.rejects(copy(await openLayout(src.dir), { tags: ['v1'] }, fresh, { tags: [] }), /digest mismatch/);
    await fresh.close('failure');
    await assert.rejects(readdir(join(work, 'broken-new')), { code: 'ENOENT' });
    const good = await makeImageLayout(join(work, 'good-src'), {
      tag: 'v1',
      platforms: [{ architecture: 'amd64', layers: [{ size: 500, seed: 'g' }] }],
    });
    const tagged = await openLayout(newDir, { create: true });
    await copy(await openLayout(good.dir), { tags: ['v1'] }, tagged, { tags: [] });
    await tagged.close('failure');
    assert.equal((await indexOf(newDir)).manifests[0].digest, good.root.digest);
  });
});
