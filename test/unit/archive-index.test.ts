import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { pack } from 'tar-stream';
import { copy } from '../../src/api/copy.js';
import { ContentError } from '../../src/oci/errors.js';
import { openArchiveFile, openArchiveStream } from '../../src/targets/archive/reader.js';
import { openLayout } from '../../src/targets/layout/layout.js';
import { readAll } from '../support/blobs.js';

const run = promisify(execFile);
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

function hash(data: Buffer | string, algorithm: 'sha256' | 'sha512' = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}

function blobName(digest: string): string {
  return `blobs/${digest.replace(':', '/')}`;
}

/** Bytes this process has read through system calls so far (Linux). */
async function bytesReadByProcess(): Promise<number> {
  const io = await readFile('/proc/self/io', 'utf8');
  return Number(/^rchar:\s*(\d+)/m.exec(io)![1]);
}

/** A one-layer image written as an OCI layout directory, its blobs named by `algorithm`. */
async function writeLayoutDir(dir: string, algorithm: 'sha256' | 'sha512', tag = 'v1') {
  const layer = Buffer.from(`layer of ${dir} `.repeat(300));
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: hash(config, algorithm), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: hash(layer, algorithm), size: layer.length }],
    }),
  );
  const root = { mediaType: MANIFEST, digest: hash(manifest, algorithm), size: manifest.length };
  await mkdir(join(dir, 'blobs', algorithm), { recursive: true });
  for (const b of [layer, config, manifest]) await writeFile(join(dir, blobName(hash(b, algorithm))), b);
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [{ ...root, annotations: { 'org.opencontainers.image.ref.name': tag } }] }),
  );
  return { root, layer, config, manifest, blobs: [layer, config, manifest].map((b) => hash(b, algorithm)) };
}

/** Each header of a tar, read raw: where it is, its type flag and body size. */
function headersOf(bytes: Buffer): Array<{ at: number; flag: string; size: number }> {
  const out = [];
  for (let at = 0; at + 512 <= bytes.length; ) {
    const h = bytes.subarray(at, at + 512);
    if (h.every((b) => b === 0)) break;
    const size = parseInt(h.toString('latin1', 124, 136).replace(/\0/g, '').trim() || '0', 8);
    out.push({ at, flag: String.fromCharCode(h[156]), size });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** Changes a header in place and sets its checksum to match. */
function rewriteHeader(tar: Buffer, at: number, change: (header: Buffer) => void): void {
  const header = tar.subarray(at, at + 512);
  change(header);
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
}

/** The type flags a tar really uses. */
async function typeFlags(file: string): Promise<string[]> {
  return headersOf(await readFile(file)).map((h) => h.flag);
}

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'archive-index-test-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Opens `file` as an indexed file and as a pipe, copies tag v1 from each into a fresh layout, and checks every blob. */
async function importBothWays(file: string, name: string, image: Awaited<ReturnType<typeof writeLayoutDir>>): Promise<void> {
  const readers = [() => openArchiveFile(file), () => openArchiveStream(createReadStream(file), { tempDir: work })];
  for (const [i, open] of readers.entries()) {
    const src = await open();
    assert.equal((await src.resolve('v1')).digest, image.root.digest);
    const out = join(work, `${name}-out-${i}`);
    const dst = await openLayout(out, { create: true });
    await copy(src, { tags: ['v1'] }, dst, { tags: ['v1'] });
    await Promise.all([src.close('success'), dst.close('success')]);
    assert.deepEqual(await readFile(join(out, blobName(image.blobs[0]))), image.layer);
    assert.deepEqual(await readFile(join(out, blobName(image.root.digest))), image.manifest);
  }
}

describe('archive index: headers written by GNU tar and tar-stream', () => {
  it('reads GNU long names (L) for blob names over 100 characters', async () => {
    const dir = join(work, 'gnu');
    const image = await writeLayoutDir(dir, 'sha512');
    const file = join(work, 'gnu.tar');
    await run('tar', ['--format=gnu', '-cf', file, '-C', dir, 'oci-layout', 'blobs', 'index.json']);
    assert.ok((await typeFlags(file)).includes('L'), 'the archive uses GNU long names');
    await importBothWays(file, 'gnu', image);
  });

  it('reads pax extended headers (x per entry, g global) for long names', async () => {
    const dir = join(work, 'pax');
    const image = await writeLayoutDir(dir, 'sha512');
    const file = join(work, 'pax.tar');
    await run('tar', ['--format=pax', '--pax-option=comment=exported', '-cf', file, '-C', dir, 'oci-layout', 'blobs', 'index.json']);
    const flags = await typeFlags(file);
    assert.ok(flags.includes('x') && flags.includes('g'), `the archive has per-entry and global pax headers: ${flags.join('')}`);
    await importBothWays(file, 'pax', image);
  });

  it('joins ustar name prefixes', async () => {
    const dir = join(work, 'ustar');
    const image = await writeLayoutDir(dir, 'sha256');
    const file = join(work, 'ustar.tar');
    // Leading ./ segments push the names past 100 characters, so ustar splits them into prefix and name.
    await run('tar', [
      '--format=ustar',
      '--transform',
      's,^,./././././././././././././,',
      '-cf',
      file,
      '-C',
      dir,
      'oci-layout',
      'blobs',
      'index.json',
    ]);
    const raw = await readFile(file);
    const prefixes = headersOf(raw).map((h) => raw.toString('latin1', h.at + 345, h.at + 500).replace(/\0+$/, ''));
    assert.ok(
      prefixes.some((prefix) => prefix.endsWith('/blobs/sha256')),
      'blob names are split into prefix and name',
    );
    await importBothWays(file, 'ustar', image);
  });

  it('reads tar-stream archives whose long names it wrote as pax paths', async () => {
    const dir = join(work, 'tarstream');
    const image = await writeLayoutDir(dir, 'sha512');
    const p = pack();
    const file = join(work, 'tarstream.tar');
    const written = pipeline(p, createWriteStream(file));
    for (const name of ['oci-layout', ...image.blobs.map(blobName), 'index.json']) {
      const body = await readFile(join(dir, name));
      await new Promise<void>((resolve, reject) => p.entry({ name, size: body.length }, body, (err) => (err ? reject(err) : resolve())));
    }
    p.finalize();
    await written;
    assert.ok((await typeFlags(file)).includes('x'));
    await importBothWays(file, 'tarstream', image);
  });

  it('applies a global pax path and size to the entries after it', async () => {
    const body = Buffer.from('{"schemaVersion":2,"manifests":[]}');
    const record = (key: string, value: string) => {
      const text = ` ${key}=${value}\n`;
      let length = text.length + 1;
      while (String(length).length + text.length !== length) length++;
      return `${length}${text}`;
    };
    // A global header naming the entries after it and giving their size: odd, but what pax says.
    const global = Buffer.from(record('path', 'index.json') + record('size', String(body.length)));
    const p = pack();
    const chunks: Buffer[] = [];
    const done = (async () => {
      for await (const c of p) chunks.push(c as Buffer);
    })();
    p.entry({ name: 'pax_global_header', size: global.length }, global);
    p.entry({ name: 'whatever-name', size: body.length }, body);
    p.finalize();
    await done;
    const tar = Buffer.concat(chunks);
    const [first, second] = headersOf(tar);
    // tar-stream writes no global headers: make the first entry one, and zero the second's own size.
    rewriteHeader(tar, first.at, (h) => void (h[156] = 'g'.charCodeAt(0)));
    rewriteHeader(tar, second.at, (h) => void h.write('00000000000\0', 124, 'latin1'));
    assert.deepEqual(
      headersOf(tar)
        .slice(0, 2)
        .map((h) => [h.flag, h.size]),
      [
        ['g', global.length],
        ['0', 0],
      ],
    );
    const file = join(work, 'global.tar');
    await writeFile(file, tar);
    const r = await openArchiveFile(file);
    await assert.rejects(r.resolve(undefined), /holds no image/);
    await r.close('success');
  });

  it('refuses a symlink whose long target came in a GNU K header, naming all of it', async () => {
    const dir = join(work, 'longlink');
    await mkdir(dir);
    const target = `/${'x'.repeat(150)}`;
    await run('ln', ['-s', target, join(dir, 'index.json')]);
    const file = join(work, 'longlink.tar');
    await run('tar', ['--format=gnu', '-cf', file, '-C', dir, 'index.json']);
    assert.ok((await typeFlags(file)).includes('K'));
    await assert.rejects(
      openArchiveFile(file),
      (err: Error) => err instanceof ContentError && err.message.includes(`link entry "index.json" -> "${target}"`),
    );
  });
});

describe('archive index: ends and damage', () => {
  async function plainArchive(name: string) {
    const dir = join(work, name);
    const image = await writeLayoutDir(dir, 'sha256');
    const file = join(work, `${name}.tar`);
    await run('tar', ['--format=ustar', '-cf', file, '-C', dir, 'oci-layout', 'blobs', 'index.json']);
    return { image, file };
  }

  it('stops at the end-of-archive blocks and ignores what follows them', async () => {
    const { image, file } = await plainArchive('trailing');
    await appendFile(file, Buffer.from('not a tar header '.repeat(100)));
    const r = await openArchiveFile(file);
    assert.equal((await r.resolve(undefined)).digest, image.root.digest);
    await r.close('success');
  });

  it('accepts an archive that ends right after its last entry, without end blocks', async () => {
    const { image, file } = await plainArchive('noend');
    const last = headersOf(await readFile(file)).at(-1)!;
    await truncate(file, last.at + 512 + Math.ceil(last.size / 512) * 512);
    const r = await openArchiveFile(file);
    assert.equal((await r.resolve('v1')).digest, image.root.digest);
    await r.close('success');
  });

  it('refuses a header whose checksum is wrong', async () => {
    const { file } = await plainArchive('checksum');
    const bytes = await readFile(file);
    bytes[headersOf(bytes)[1].at + 5] ^= 0x20;
    await writeFile(file, bytes);
    await assert.rejects(
      openArchiveFile(file),
      (err: Error) => err instanceof ContentError && /entry header is damaged/.test(err.message) && !err.message.includes('\n'),
    );
  });

  it('refuses a header cut short and a body that runs past the end of the file', async () => {
    const { file } = await plainArchive('cut');
    const bytes = await readFile(file);
    const headers = headersOf(bytes);
    const last = headers.at(-1)!;
    assert.ok(last.size > 1);
    for (const cut of [headers[2].at + 100, last.at + 512 + 1, last.at + 7]) {
      const cutFile = join(work, `cut-${cut}.tar`);
      await writeFile(cutFile, bytes.subarray(0, cut));
      await assert.rejects(
        openArchiveFile(cutFile),
        (err: Error) => err instanceof ContentError && /truncated/.test(err.message),
        `cut at ${cut}`,
      );
    }
  });
});

describe('archive index: entry types the tar format adds', () => {
  async function twoEntries(name: string): Promise<Buffer> {
    const p = pack();
    const chunks: Buffer[] = [];
    const done = (async () => {
      for await (const c of p) chunks.push(c as Buffer);
    })();
    p.entry({ name: 'oci-layout', size: 30 }, '{"imageLayoutVersion":"1.0.0"}');
    p.entry({ name, size: 5 }, 'hello');
    p.finalize();
    await done;
    return Buffer.concat(chunks);
  }

  it('refuses entry types it does not know (a GNU sparse file), naming the entry', async () => {
    const tar = await twoEntries('index.json');
    rewriteHeader(tar, headersOf(tar)[1].at, (h) => void (h[156] = 'S'.charCodeAt(0)));
    const file = join(work, 'sparse.tar');
    await writeFile(file, tar);
    await assert.rejects(
      openArchiveFile(file),
      (err: Error) => err instanceof ContentError && /GNU sparse file entry "index\.json"/.test(err.message),
    );
  });

  it('refuses an extended header with no entry after it', async () => {
    const tar = await twoEntries('x'.repeat(120));
    const [, pax, entry] = headersOf(tar);
    assert.equal(pax.flag, 'x');
    await writeFile(join(work, 'dangling.tar'), Buffer.concat([tar.subarray(0, entry.at), Buffer.alloc(1024)]));
    await assert.rejects(
      openArchiveFile(join(work, 'dangling.tar')),
      (err: Error) => err instanceof ContentError && /damaged/.test(err.message),
    );
    await writeFile(join(work, 'dangling-end.tar'), tar.subarray(0, entry.at));
    await assert.rejects(
      openArchiveFile(join(work, 'dangling-end.tar')),
      (err: Error) => err instanceof ContentError && /truncated/.test(err.message),
    );
  });
});

describe('archive index: a large archive', () => {
  it('indexes a 200 MB archive by reading a tiny fraction of it', async (t) => {
    const big = 200 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024);
    const bigHash = createHash('sha256');
    for (let i = 0; i < big / chunk.length; i++) bigHash.update(chunk);
    const bigDigest = `sha256:${bigHash.digest('hex')}`;
    const small = Buffer.from('the small layer after the big one '.repeat(40));
    const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MANIFEST,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: hash(config), size: config.length },
        layers: [
          { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: bigDigest, size: big },
          { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: hash(small), size: small.length },
        ],
      }),
    );
    const root = { mediaType: MANIFEST, digest: hash(manifest), size: manifest.length };
    const index = JSON.stringify({
      schemaVersion: 2,
      manifests: [{ ...root, annotations: { 'org.opencontainers.image.ref.name': 'big' } }],
    });

    const file = join(work, 'big.tar');
    const p = pack();
    const written = pipeline(p, createWriteStream(file));
    const add = (name: string, body: Buffer) =>
      new Promise<void>((resolve, reject) => p.entry({ name, size: body.length }, body, (err) => (err ? reject(err) : resolve())));
    await add('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
    await new Promise<void>((resolve, reject) => {
      const entry = p.entry({ name: blobName(bigDigest), size: big }, (err) => (err ? reject(err) : resolve()));
      pipeline(
        Readable.from(
          (function* () {
            for (let i = 0; i < big / chunk.length; i++) yield chunk;
          })(),
        ),
        entry,
      ).catch(reject);
    });
    await add(blobName(hash(small)), small);
    await add(blobName(hash(config)), config);
    await add(blobName(root.digest), manifest);
    await add('index.json', Buffer.from(index));
    p.finalize();
    await written;
    assert.ok((await stat(file)).size > big);

    const before = await bytesReadByProcess();
    const started = performance.now();
    const r = await openArchiveFile(file);
    const indexMs = performance.now() - started;
    const read = (await bytesReadByProcess()) - before;
    assert.equal((await r.resolve(undefined)).digest, root.digest);
    assert.ok(read < 256 * 1024, `indexing read ${read} bytes of a ${big}-byte archive`);

    // The offsets are right: the entries after the big one read back exactly.
    assert.deepEqual(await readAll(await r.fetch({ mediaType: 'x', digest: hash(small), size: small.length })), small);
    assert.deepEqual(await readAll(await r.fetch(root)), manifest);
    assert.equal(await r.exists({ mediaType: 'x', digest: bigDigest, size: big }), true);
    await r.close('success');

    const whole = performance.now();
    for await (const _ of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
      // reading it all, for comparison
    }
    t.diagnostic(
      `indexing took ${indexMs.toFixed(1)} ms and read ${read} bytes; reading the file whole took ${(performance.now() - whole).toFixed(1)} ms`,
    );
  });
});
