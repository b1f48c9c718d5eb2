import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { newHasher } from '../../oci/digest.js';
import { ContentError, OciCopyError, messageOf } from '../../oci/errors.js';
import { quoted } from '../../oci/text.js';
import { isGzipHead, rangeEntry, type StoredEntry } from './stored-entry.js';
import { ArchiveLinks } from './entry-links.js';
import { normalizeEntryName, type FileKind } from './entry-names.js';
import { scanTarHeaders } from './tar-headers.js';
import { scanTar, type ScannedEntry } from './tar-scan.js';
import { trackPartial, untrackPartial } from '../partial-files.js';

/** What an archive holds, by digest (blobs/) and by name (index.json and the like). */
export interface ArchiveContents {
  blobs: Map<string, StoredEntry>;
  files: Map<string, StoredEntry>;
  /** Removes whatever temporary space reading took. */
  dispose(): Promise<void>;
}

/**
 * Indexes a seekable archive: its headers are read at their offsets and every body is skipped, so
 * indexing reads a few kilobytes however large the archive; later reads open just an entry's byte
 * range. Nothing is copied.
 */
export async function indexArchiveFile(path: string, where: string): Promise<ArchiveContents> {
  const contents = new ContentTables(where);
  const handle = await open(path, 'r');
  try {
    await refuseCompressed(handle, where);
    const { size } = await handle.stat();
    const file = {
      size,
      read: async (buffer: Buffer, offset: number, length: number, position: number) =>
        (await handle.read(buffer, offset, length, position)).bytesRead,
    };
    await scanTarHeaders(file, where, (entry) => {
      if (contents.structural(entry)) return;
      contents.add(entry, rangeEntry(path, entry.dataOffset, entry.size));
    });
  } finally {
    await handle.close();
  }
  return contents.finish(async () => undefined);
}

/**
 * Reads an archive from a stream that cannot be read twice (stdin, a socket): the bodies of the
 * entries worth keeping are appended to one spool file in a private temporary directory, each blob
 * hashed on the way in against the digest its name promises (a blob that does not match fails the
 * import), and later read back by byte range. What is kept in memory per entry is its name and
 * place in the spool, a few hundred bytes, as for an archive read from a file (no body, no stream);
 * writing costs one file, not one per entry.
 */
export async function spoolArchive(input: Readable, where: string, tempParent = tmpdir()): Promise<ArchiveContents> {
  const dir = await mkdtemp(join(tempParent, 'oci-copy-import-'));
  // An interrupted import removes its spool too.
  trackPartial(dir);
  const dispose = () => rm(dir, { recursive: true, force: true }).finally(() => untrackPartial(dir));
  const contents = new ContentTables(where);
  const path = join(dir, 'spool');
  const spool = new SpoolFile(path);
  try {
    await scanTar(input, where, async (entry, body) => {
      if (contents.structural(entry)) return;
      if (entry.kind.kind === 'blob') {
        const digest = entry.kind.digest;
        const hash = newHasher(digest);
        const { offset, size } = await spool.append(body, (chunk) => hash.update(chunk));
        const got = `${digest.slice(0, digest.indexOf(':'))}:${hash.digest('hex')}`;
        if (got !== digest) throw notThePromisedBlob(where, quoted(entry.name), `digest mismatch: expected ${digest}, got ${got}`);
        contents.add(entry, rangeEntry(path, offset, size, digest));
        return;
      }
      const hash = createHash('sha256');
      let head: Buffer | undefined;
      const { offset, size } = await spool.append(body, (chunk) => {
        hash.update(chunk);
        if (!head || head.length < 2) head = Buffer.concat(head ? [head, chunk.subarray(0, 2)] : [chunk.subarray(0, 2)]);
      });
      contents.add(entry, rangeEntry(path, offset, size, `sha256:${hash.digest('hex')}`, isGzipHead(head)));
    });
    await spool.finish();
    return contents.finish(dispose);
  } catch (err) {
    await spool.abandon();
    await dispose();
    if (err instanceof OciCopyError) throw err;
    throw new ContentError(`${where}: cannot spool the archive (${messageOf(err)})`);
  }
}

/**
 * One file that entry bodies are appended to, one after another, with back-pressure. Small bodies
 * are gathered into writes of 64 KiB: tens of thousands of tiny blobs cost a few hundred writes.
 */
class SpoolFile {
  private readonly out: WriteStream;
  private position = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly failed: Promise<never>;

  constructor(path: string) {
    this.out = createWriteStream(path, { flags: 'wx' });
    this.failed = new Promise<never>((_, reject) => this.out.once('error', reject));
    this.failed.catch(() => {});
  }

  /** Appends `body`, passing each chunk to `see` first; returns where it landed. */
  async append(body: AsyncIterable<Buffer>, see: (chunk: Buffer) => void): Promise<{ offset: number; size: number }> {
    const offset = this.position;
    for await (const chunk of body) {
      see(chunk);
      this.position += chunk.length;
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes >= SPOOL_WRITE_BYTES) await this.flush();
    }
    return { offset, size: this.position - offset };
  }

  /** Everything written and flushed: ranges of it can be read. */
  async finish(): Promise<void> {
    await this.flush();
    this.out.end();
    await Promise.race([once(this.out, 'close'), this.failed]);
  }

  async abandon(): Promise<void> {
    if (this.out.closed) return;
    this.out.destroy();
    await once(this.out, 'close').catch(() => {});
  }

  private async flush(): Promise<void> {
    if (!this.pendingBytes) return;
    const data = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    if (!this.out.write(data)) await Promise.race([once(this.out, 'drain'), this.failed]);
  }
}

/** What the spool gathers before one write. */
const SPOOL_WRITE_BYTES = 64 * 1024;

function notThePromisedBlob(where: string, shown: string, why: string): ContentError {
  return new ContentError(`${where}: entry ${shown} does not hold the blob its name promises (${why})`);
}

/**
 * The blobs and files of an archive while it is read, and its links, which are resolved into
 * more of the same once every entry has been seen.
 */
class ContentTables {
  private readonly blobs = new Map<string, StoredEntry>();
  private readonly files = new Map<string, StoredEntry>();
  private readonly links: ArchiveLinks;

  constructor(private readonly where: string) {
    this.links = new ArchiveLinks(where);
  }

  /** Takes a directory or link entry, which has no body; false for an entry that has one. */
  structural(entry: ScannedEntry): boolean {
    const name = normalizeEntryName(entry.name);
    if (entry.kind.kind === 'directory') this.links.directory(name);
    else if (entry.kind.kind === 'link') {
      this.links.link(name, entry.name, entry.kind);
      this.forget(entry.kind.as);
    } else return false;
    return true;
  }

  add(entry: ScannedEntry, stored: StoredEntry): void {
    const kind = entry.kind;
    if (kind.kind === 'blob') this.blobs.set(kind.digest, stored);
    else if (kind.kind === 'file') this.files.set(kind.name, stored);
    else return;
    this.links.regular(normalizeEntryName(entry.name));
  }

  finish(dispose: () => Promise<void>): ArchiveContents {
    const { blobs, files, where } = this;
    this.links.resolve(
      {
        lookup: (name) => {
          const parts = name.split('/');
          if (parts.length === 3 && parts[0] === 'blobs') return blobs.get(`${parts[1]}:${parts[2]}`);
          return files.get(name);
        },
        hasUnder: (name) => {
          const prefix = `${name}/`;
          for (const n of files.keys()) if (n.startsWith(prefix)) return true;
          for (const d of blobs.keys()) if (`blobs/${d.replace(':', '/')}`.startsWith(prefix)) return true;
          return false;
        },
      },
      (as, entry, shown) => {
        if (as.kind === 'file') {
          files.set(as.name, entry);
          return;
        }
        // A spooled file was hashed on the way in; a file read by range is verified when it is read.
        if (entry.digest !== undefined && entry.digest !== as.digest)
          throw notThePromisedBlob(where, shown, `it links to content ${entry.digest}`);
        // An entry's open() may live on its prototype: wrap it, never spread it.
        blobs.set(as.digest, { size: entry.size, digest: as.digest, gzip: entry.gzip, open: () => entry.open() });
      },
    );
    return { blobs, files, dispose };
  }

  /** A link replaces a regular entry of the same name that came before it. */
  private forget(as: FileKind): void {
    if (as.kind === 'blob') this.blobs.delete(as.digest);
    else if (as.kind === 'file') this.files.delete(as.name);
  }
}

/** A gzip-compressed archive would otherwise fail with a puzzling tar header error. */
async function refuseCompressed(handle: FileHandle, where: string): Promise<void> {
  const head = Buffer.alloc(2);
  const { bytesRead } = await handle.read(head, 0, 2, 0);
  if (bytesRead === 2 && isGzipHead(head)) {
    throw new ContentError(`${where} is gzip-compressed: decompress it first (gunzip), an OCI archive is a plain tar`);
  }
}
