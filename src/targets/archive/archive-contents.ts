import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ContentError, OciCopyError, messageOf } from '../../oci/errors.js';
import { blobPath, writeVerifiedBlob } from '../layout/blob-files.js';
import { fileEntry, isGzipHead, rangeEntry, type StoredEntry } from './stored-entry.js';
import { scanTarHeaders } from './tar-headers.js';
import { scanTar } from './tar-scan.js';
import { quoted } from '../../oci/text.js';

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
  const blobs = new Map<string, StoredEntry>();
  const files = new Map<string, StoredEntry>();
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
      const stored = rangeEntry(path, entry.dataOffset, entry.size);
      if (entry.kind.kind === 'blob') blobs.set(entry.kind.digest, stored);
      else files.set(entry.kind.name, stored);
    });
  } finally {
    await handle.close();
  }
  return { blobs, files, dispose: async () => undefined };
}

/**
 * Reads an archive from a stream that cannot be read twice (stdin, a socket): every entry worth
 * keeping is spooled into a private temporary directory, each blob checked against the digest its
 * name promises on the way in; a blob that does not match fails the import.
 */
export async function spoolArchive(input: Readable, where: string, tempParent = tmpdir()): Promise<ArchiveContents> {
  const dir = await mkdtemp(join(tempParent, 'oci-copy-import-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  const blobs = new Map<string, StoredEntry>();
  const files = new Map<string, StoredEntry>();
  let seq = 0;
  try {
    await mkdir(join(dir, 'files'));
    await scanTar(input, where, async (entry, body) => {
      if (entry.kind.kind === 'blob') {
        const digest = entry.kind.digest;
        try {
          await writeVerifiedBlob(dir, { digest, size: entry.size }, body);
        } catch (err) {
          if (err instanceof ContentError) {
            throw new ContentError(`${where}: entry ${quoted(entry.name)} does not hold the blob its name promises (${messageOf(err)})`);
          }
          throw err;
        }
        blobs.set(digest, fileEntry(blobPath(dir, digest), entry.size, digest));
        return;
      }
      const path = join(dir, 'files', String(seq++));
      const seen = new HashingTap();
      await pipeline(body, seen, createWriteStream(path, { flags: 'wx' }));
      files.set(entry.kind.name, fileEntry(path, seen.bytes, seen.digest(), isGzipHead(seen.head)));
    });
  } catch (err) {
    await dispose();
    if (err instanceof OciCopyError) throw err;
    throw new ContentError(`${where}: cannot spool the archive (${messageOf(err)})`);
  }
  return { blobs, files, dispose };
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
