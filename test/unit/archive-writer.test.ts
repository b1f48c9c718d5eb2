import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { extract } from 'tar-stream';
import { copy } from '../../src/api/copy.js';
import { ContentError, NotFoundError } from '../../src/oci/errors.js';
import { openArchiveFile, openArchiveStream } from '../../src/targets/archive/reader.js';
import { fileHeader } from '../../src/targets/archive/ustar.js';
import { OciArchiveWriter, createArchiveWriter, openArchiveFileWriter } from '../../src/targets/archive/writer.js';
import { openLayout } from '../../src/targets/layout/layout.js';
import { makeImageLayout } from '../support/images.js';
import { blob } from '../support/blobs.js';

/** A stream that yields its bytes slowly, in small pieces, as a remote source would. */
function slowly(bytes: Buffer, pieces = 4, delayMs = 5): Readable {
  return Readable.from(
    (async function* () {
      const step = Math.ceil(bytes.length / pieces);
      for (let i = 0; i < bytes.length; i += step) {
        await sleep(delayMs);
        yield bytes.subarray(i, i + step);
      }
    })(),
    { objectMode: false },
  );
}

/** Every entry of a tar: name, type, mode and bytes, in order. */
async function entriesOf(tar: Readable): Promise<Array<{ name: string; type: string; mode: number; body: Buffer }>> {
  const x = extract();
  tar.pipe(x as unknown as NodeJS.WritableStream);
  const out = [];
  for await (const e of x) {
    const chunks: Buffer[] = [];
    for await (const c of e) chunks.push(c as Buffer);
    out.push({ name: e.header.name, type: e.header.type, mode: e.header.mode, body: Buffer.concat(chunks) });
  }
  return out;
}

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'archive-writer-test-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('archive writer: the tar it writes', () => {
  it('holds oci-layout first, the blobs, then index.json, and nothing else', async () => {
    const dir = await mkdtemp(join(work, 'order-'));
    const out = join(dir, 'out.tar');
    const w = await openArchiveFileWriter(out);
    const a = blob('config');
    const m = blob(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json' }));
    const root = { ...m.desc, mediaType: 'application/vnd.oci.image.manifest.v1+json' };
    await w.push(a.desc, Readable.from([a.bytes]));
    await w.push(root, Readable.from([m.bytes]));
    await w.tag(root, 'v1');
    await w.close('success');

    const entries = await entriesOf(createReadStream(out));
    assert.deepEqual(
      entries.map((e) => e.name),
      ['oci-layout', `blobs/sha256/${a.desc.digest.slice(7)}`, `blobs/sha256/${root.digest.slice(7)}`, 'index.json'],
    );
    assert.ok(entries.every((e) => e.type === 'file' && e.mode === 0o644));
    assert.deepEqual(JSON.parse(entries[0].body.toString()), { imageLayoutVersion: '1.0.0' });
    const index = JSON.parse(entries[3].body.toString());
    assert.equal(index.schemaVersion, 2);
    assert.equal(index.mediaType, 'application/vnd.oci.image.index.v1+json');
    assert.deepEqual(index.manifests, [{ ...root, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }]);
    assert.deepEqual((await readdir(dir)).sort(), ['out.tar'], 'no temporary or spool file is left');
  });

  it('serialises concurrent pushes into one valid tar, spooling those that wait', async () => {
    const spoolParent = await mkdtemp(join(work, 'spool-'));
    const sink = new PassThrough();
    const collected = entriesOf(sink);
    const w = createArchiveWriter(sink, { spoolParent, maxQueuedBytes: 0 });
    const blobs = Array.from({ length: 6 }, (_, i) => blob(`blob ${i} `.repeat(5000 + i)));
    let sawSpool = false;
    const watcher = (async () => {
      while (!sawSpool) {
        if ((await readdir(spoolParent)).length > 0) sawSpool = true;
        await sleep(1);
      }
    })();
    await Promise.all(blobs.map((b) => w.push(b.desc, slowly(b.bytes))));
    assert.equal(sawSpool, true, 'pushes that arrive while the tar is busy are spooled to disk');
    sawSpool = true;
    await watcher;
    for (const b of blobs) assert.equal(await w.exists(b.desc), true);
    await w.close('success');
    const entries = await collected;
    assert.equal(entries.length, 8);
    for (const b of blobs) {
      const e = entries.find((x) => x.name === `blobs/sha256/${b.desc.digest.slice(7)}`);
      assert.ok(e, `entry for ${b.desc.digest}`);
      assert.deepEqual(e.body, b.bytes);
    }
    assert.deepEqual(await readdir(spoolParent), [], 'the spool directory is removed');
  });

  it('queues a few small blobs behind the one being written instead of spooling them', async () => {
    const spoolParent = await mkdtemp(join(work, 'queue-'));
    const sink = new PassThrough();
    const collected = entriesOf(sink);
    const w = createArchiveWriter(sink, { spoolParent });
    const blobs = Array.from({ length: 4 }, (_, i) => blob(`small ${i} `.repeat(3000 + i)));
    await Promise.all(blobs.map((b) => w.push(b.desc, slowly(b.bytes))));
    assert.deepEqual(await readdir(spoolParent), [], 'nothing was spooled');
    await w.close('success');
    const entries = await collected;
    for (const b of blobs) assert.deepEqual(entries.find((x) => x.name === `blobs/sha256/${b.desc.digest.slice(7)}`)?.body, b.bytes);
  });

  it('to a file, writes concurrent pushes side by side, each once, into a valid tar', async () => {
    const dir = await mkdtemp(join(work, 'side-by-side-'));
    const out = join(dir, 'out.tar');
    const w = await openArchiveFileWriter(out);
    // Sizes that are and are not multiples of the tar block, one of them empty.
    const blobs = [blob('a'.repeat(512 * 300)), blob('b'.repeat(200_001)), blob(''), blob('d'.repeat(1_000_003)), blob('e'.repeat(5))];
    let peak = 0;
    const watcher = setInterval(() => void readdir(dir).then((names) => (peak = Math.max(peak, names.length))), 1);
    await Promise.all(blobs.map((b, i) => w.push(b.desc, slowly(b.bytes, 8, 2 + i))));
    clearInterval(watcher);
    const root = { ...blobs[0].desc, mediaType: 'application/vnd.oci.image.manifest.v1+json' };
    await w.tag(root, 'v1');
    await w.close('success');
    assert.ok(peak <= 1, 'only the temporary archive is written beside the destination: no spool files');
    const entries = await entriesOf(createReadStream(out));
    assert.equal(entries[0].name, 'oci-layout');
    assert.equal(entries.at(-1)?.name, 'index.json');
    assert.equal(entries.length, blobs.length + 2);
    for (const b of blobs) assert.deepEqual(entries.find((x) => x.name === `blobs/sha256/${b.desc.digest.slice(7)}`)?.body, b.bytes);
    const size = (await readFile(out)).length;
    assert.equal(size % 512, 0);
    const r = await openArchiveFile(out);
    assert.deepEqual(await r.tags(), ['v1']);
    for (const b of blobs) assert.equal(await r.exists(b.desc), true);
    await r.close('success');
    assert.deepEqual(await readdir(dir), ['out.tar']);
  });

  it('names a blob whose path does not fit a ustar header (sha512) through a pax header', async () => {
    const bytes = Buffer.from('long name');
    const desc = {
      mediaType: 'application/octet-stream',
      digest: `sha512:${createHash('sha512').update(bytes).digest('hex')}`,
      size: bytes.length,
    };
    const dir = await mkdtemp(join(work, 'sha512-'));
    const out = join(dir, 'out.tar');
    const w = await openArchiveFileWriter(out);
    await w.push(desc, Readable.from([bytes]));
    await w.close('success');
    const entries = await entriesOf(createReadStream(out));
    assert.deepEqual(
      entries.map((e) => e.name),
      ['oci-layout', `blobs/sha512/${desc.digest.slice(7)}`, 'index.json'],
    );
    assert.deepEqual(entries[1].body, bytes);
    const r = await openArchiveFile(out);
    assert.equal(await r.exists(desc), true);
    await r.close('success');
  });

  it('writes sizes over 8 GiB in base-256, as GNU tar and Go read them', () => {
    const size = 9 * 1024 ** 3 + 7;
    const header = fileHeader('blobs/sha256/x', size, new Date(0));
    assert.equal(header.length, 512);
    assert.equal(header[124], 0x80);
    let decoded = 0;
    for (let i = 125; i < 136; i++) decoded = decoded * 256 + header[i];
    assert.equal(decoded, size);
  });

  it('gives a readable stream that any consumer can take', async () => {
    const w = new OciArchiveWriter();
    const b = blob('x'.repeat(100000));
    const reading = openArchiveStream(w.stream);
    await w.push(b.desc, Readable.from([b.bytes]));
    await w.tag({ ...b.desc, mediaType: 'application/vnd.oci.image.manifest.v1+json' }, 'only');
    await w.close('success');
    const r = await reading;
    assert.deepEqual(await r.tags(), ['only']);
    assert.equal(await r.exists(b.desc), true);
    await r.close('success');
  });
});

describe('archive writer: failures', () => {
  it('a tampered blob fails the push and the export leaves no archive under the destination name', async () => {
    const dir = await mkdtemp(join(work, 'tampered-'));
    const out = join(dir, 'out.tar');
    const w = await openArchiveFileWriter(out);
    const good = blob('good');
    await w.push(good.desc, Readable.from([good.bytes]));
    const bad = blob('promised');
    await assert.rejects(w.push(bad.desc, Readable.from([Buffer.from('delivered')])), ContentError);
    await assert.rejects(w.tag(bad.desc, 'v1'), ContentError);
    await w.close('failure');
    assert.deepEqual(await readdir(dir), [], 'no archive, no temporary file');
  });

  it('to a file, a push that breaks off while others are written fails the export and leaves no file', async () => {
    const dir = await mkdtemp(join(work, 'broken-'));
    const out = join(dir, 'out.tar');
    const w = await openArchiveFileWriter(out);
    const good = blob('g'.repeat(300_000));
    const cut = blob('c'.repeat(300_000));
    const broken = new PassThrough();
    broken.write(cut.bytes.subarray(0, 1000));
    setTimeout(() => broken.destroy(new ContentError('download cut')), 20);
    const results = await Promise.allSettled([w.push(good.desc, slowly(good.bytes, 10, 5)), w.push(cut.desc, broken)]);
    assert.equal(results[1].status, 'rejected');
    await assert.rejects(w.close('success'), /download cut/);
    assert.deepEqual(await readdir(dir), [], 'no archive, no temporary file');
  });

  it('a failed export leaves an existing archive untouched', async () => {
    const dir = await mkdtemp(join(work, 'keep-'));
    const out = join(dir, 'out.tar');
    await writeFile(out, 'not even a tar');
    await assert.rejects(openArchiveFileWriter(out), /not a tar archive|has no index\.json/);
    await rm(out);

    const first = await openArchiveFileWriter(out);
    const b = blob('first');
    await first.push(b.desc, Readable.from([b.bytes]));
    await first.tag({ ...b.desc, mediaType: 'application/vnd.oci.image.manifest.v1+json' }, 'one');
    await first.close('success');
    const before = await readFile(out);

    const second = await openArchiveFileWriter(out);
    const c = blob('second');
    await second.push(c.desc, Readable.from([c.bytes]));
    await second.tag({ ...c.desc, mediaType: 'application/vnd.oci.image.manifest.v1+json' }, 'two');
    await second.close('failure');
    assert.deepEqual(await readFile(out), before);
    assert.deepEqual(await readdir(dir), ['out.tar']);
  });

  it('a failed stream export ends the stream with an error', async () => {
    const w = new OciArchiveWriter();
    const consumed = (async () => {
      for await (const _ of w.stream) {
        // read it all
      }
    })();
    const b = blob('partial');
    await w.push(b.desc, Readable.from([b.bytes]));
    await w.close('failure');
    await assert.rejects(consumed, /export to \[oci-archive\] stream failed/);
  });

  it('refuses to tag what was not written, and cannot read back what it streamed', async () => {
    const w = new OciArchiveWriter();
    w.stream.resume();
    const b = blob('b');
    await assert.rejects(w.tag(b.desc, 'v1'), NotFoundError);
    await w.push(b.desc, Readable.from([b.bytes]));
    await assert.rejects(w.fetch(b.desc), (err: Error) => err instanceof NotFoundError && /being written as a stream/.test(err.message));
    await w.close('success');
  });
});

describe('archive writer: exporting into an existing archive', () => {
  it('keeps the old blobs and tags, adds the new tag and replaces a same-named one', async () => {
    const dir = await mkdtemp(join(work, 'merge-'));
    const one = await makeImageLayout(join(dir, 'one'), {
      tag: 'one',
      platforms: [{ architecture: 'amd64', layers: [{ size: 3000, seed: 'one' }] }],
    });
    const two = await makeImageLayout(join(dir, 'two'), {
      tag: 'two',
      platforms: [{ architecture: 'arm64', layers: [{ size: 4000, seed: 'two' }] }],
    });
    const out = join(dir, 'images.tar');

    const export1 = async (layoutDir: string, srcTag: string, dstTag: string) => {
      const src = await openLayout(layoutDir);
      const dst = await openArchiveFileWriter(out);
      try {
        await copy(src, { tags: [srcTag] }, dst, { tags: [dstTag] });
      } catch (err) {
        await dst.close('failure');
        throw err;
      }
      await dst.close('success');
    };
    await export1(one.dir, 'one', 'one');
    await export1(one.dir, 'one', 'stable');
    await export1(two.dir, 'two', 'two');
    let r = await openArchiveFile(out);
    assert.deepEqual((await r.tags()).sort(), ['one', 'stable', 'two']);
    assert.equal((await r.resolve('one')).digest, one.root.digest);
    assert.equal((await r.resolve('two')).digest, two.root.digest);
    for (const b of [...one.blobs, ...two.blobs]) assert.equal(await r.exists(b), true, `${b.digest} kept`);
    await r.close('success');

    // `stable` moves to the second image; the others stay.
    await export1(two.dir, 'two', 'stable');
    r = await openArchiveFile(out);
    assert.deepEqual((await r.tags()).sort(), ['one', 'stable', 'two']);
    assert.equal((await r.resolve('stable')).digest, two.root.digest);
    assert.equal((await r.resolve('one')).digest, one.root.digest);
    const names = (await entriesOf(createReadStream(out))).map((e) => e.name);
    assert.equal(new Set(names).size, names.length, 'each blob is written once');
    assert.equal(names[0], 'oci-layout');
    assert.equal(names.at(-1), 'index.json');
    await r.close('success');
    assert.deepEqual((await readdir(dir)).sort(), ['images.tar', 'one', 'two']);
  });
});
