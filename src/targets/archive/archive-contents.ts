import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ContentError, OciCopyError, messageOf } from '../../oci/errors.js';
import { quoted } from '../../oci/text.js';
import { blobPath, writeVerifiedBlob } from '../layout/blob-files.js';
import { fileEntry, isGzipHead, rangeEntry, type StoredEntry } from './stored-entry.js';
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
 * Reads an archive from a stream that cannot be read twice (stdin, a socket): every entry worth
 * keeping is spooled into a private temporary directory, each blob checked against the digest its
 * name promises on the way in; a blob that does not match fails the import.
 */
export async function spoolArchive(input: Readable, where: string, tempParent = tmpdir()): Promise<ArchiveContents> {
  const dir = await mkdtemp(join(tempParent, 'oci-copy-import-'));
  // An interrupted import removes its spool too.
  trackPartial(dir);
  const dispose = () => rm(dir, { recursive: true, force: true }).finally(() => untrackPartial(dir));
  const contents = new ContentTables(where);
  let seq = 0;
  try {
    await mkdir(join(dir, 'files'));
    await scanTar(input, where, async (entry, body) => {
      if (contents.structural(entry)) return;
      if (entry.kind.kind === 'blob') {
        const digest = entry.kind.digest;
        try {
          await writeVerifiedBlob(dir, { digest, size: entry.size }, body);
        } catch (err) {
          if (err instanceof ContentError) throw notThePromisedBlob(where, quoted(entry.name), messageOf(err));
          throw err;
        }
        contents.add(entry, fileEntry(blobPath(dir, digest), entry.size, digest));
        return;
      }
      const path = join(dir, 'files', String(seq++));
      const seen = new HashingTap();
      await pipeline(body, seen, createWriteStream(path, { flags: 'wx' }));
      contents.add(entry, fileEntry(path, seen.bytes, seen.digest(), isGzipHead(seen.head)));
    });
    return contents.finish(dispose);
  } catch (err) {
    await dispose();
    if (err instanceof OciCopyError) throw err;
    throw new ContentError(`${where}: cannot spool the archive (${messageOf(err)})`);
  }
}

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
        if (entry.digest !== undefined && entry.digest !== as.digest) throw notThePromisedBlob(where, shown, `it links to content ${entry.digest}`);
        blobs.set(as.digest, { ...entry, digest: as.digest });
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

/** Hashes and counts what passes, keeping the first bytes (to tell a gzip layer). */
class HashingTap extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  head: Buffer | undefined;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (!this.head || this.head.length < 2) this.head = this.head ? Buffer.concat([this.head, chunk]) : chunk;
    done(null, chunk);
  }

  digest(): string {
    return `sha256:${this.hash.digest('hex')}`;
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
