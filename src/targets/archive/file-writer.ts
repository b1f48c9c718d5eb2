import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, resolve as resolvePath } from 'node:path';
import type { Readable } from 'node:stream';
import type { Descriptor } from '../../oci/descriptor.js';
import { ContentError, OciCopyError } from '../../oci/errors.js';
import { OCI_LAYOUT_CONTENT, OCI_LAYOUT_FILE } from '../layout/index-json.js';
import { openArchiveFile } from './reader.js';
import { END_OF_ARCHIVE, fileEntry, fileHeader, paddingFor } from './ustar.js';
import { blobEntryName } from './entry-names.js';
import { ArchiveWriterBase, countedChunks, type ArchiveWriterBaseOptions } from './writer-base.js';
import { printable } from '../../oci/text.js';
import { partialPath, sweepPartials, trackPartial, untrackPartial } from '../partial-files.js';

/**
 * Bytes gathered from a blob's chunks into one write, and bytes of one blob handed to the file and
 * not yet written before the next chunk is read. Eight blobs at once hold eight times both: at
 * 1 MB and 4 MB, the action exporting a 1.15 GB image peaked at 130 MB on Node 24 (3 × 64 MB: 125 MB);
 * at 256 and 512 KB, 118 MB (108 MB) in the same time: a 256 KB write is still only a few hundred
 * calls a second, and the page cache takes each at once.
 */
const WRITE_BATCH = 256 * 1024;
const WRITE_WINDOW = 512 * 1024;

/**
 * Exports to an archive file. Every entry's length is known before its bytes arrive (a descriptor
 * gives the size), so each push reserves its own region of the file at once and writes its header
 * and body there at their offsets, while other pushes write theirs. Blobs that arrive together are
 * each written once, straight from their source, and none waits for another. `index.json` and the
 * end of the archive are appended when the export succeeds.
 *
 * The archive is a temporary file beside the destination, renamed over it only on success: a failed
 * export leaves nothing under the destination's name and an existing archive there untouched.
 */
export class OciArchiveFileWriter extends ArchiveWriterBase {
  /** Where the next reserved region starts. */
  private end = 0;
  private readonly writing = new Set<Promise<void>>();

  constructor(
    private readonly file: FileHandle,
    private readonly temp: string,
    private readonly target: string,
    options: ArchiveWriterBaseOptions,
  ) {
    super(options, `[oci-archive] ${target}`);
  }

  /** Writes `oci-layout`, the first entry. */
  async start(): Promise<void> {
    await this.append(fileEntry(OCI_LAYOUT_FILE, OCI_LAYOUT_CONTENT, this.mtime));
  }

  protected async writeBlob(desc: Pick<Descriptor, 'digest' | 'size'>, content: Readable): Promise<void> {
    const header = fileHeader(blobEntryName(desc.digest), desc.size, this.mtime);
    const start = this.reserve(header.length + desc.size + paddingFor(desc.size));
    const written = this.writeRegion(start, header, desc, content);
    this.writing.add(written);
    try {
      await written;
    } catch (err) {
      // The region is left half written: the tar is no longer whole, so the export cannot succeed.
      this.failure ??= err;
      throw err;
    } finally {
      this.writing.delete(written);
    }
  }

  private async writeRegion(start: number, header: Buffer, desc: Pick<Descriptor, 'digest' | 'size'>, content: Readable): Promise<void> {
    await this.writeAt([header], start);
    let position = start + header.length;
    // Chunks are gathered into batches written with one call each (fewer system calls, no copying),
    // and a few batches in flight overlap the disk with the download; the window bounds the memory.
    const pending = new Set<Promise<void>>();
    let pendingBytes = 0;
    let writeError: unknown;
    let batch: Buffer[] = [];
    let batchBytes = 0;
    const flush = () => {
      const [buffers, length, at] = [batch, batchBytes, position];
      position += length;
      pendingBytes += length;
      batch = [];
      batchBytes = 0;
      const write: Promise<void> = this.writeAt(buffers, at)
        .catch((err: unknown) => void (writeError ??= err))
        .finally(() => {
          pendingBytes -= length;
          pending.delete(write);
        });
      pending.add(write);
    };
    try {
      for await (const chunk of countedChunks(content, desc)) {
        if (writeError !== undefined) throw writeError;
        if (this.failure) throw this.failure;
        batch.push(chunk);
        batchBytes += chunk.length;
        if (batchBytes >= WRITE_BATCH) flush();
        while (pendingBytes > WRITE_WINDOW) await Promise.race(pending);
      }
      const padding = paddingFor(desc.size);
      if (padding) {
        batch.push(Buffer.alloc(padding));
        batchBytes += padding;
      }
      if (batchBytes) flush();
    } finally {
      // Every started write settles before the region is called done or the file is closed.
      await Promise.all([...pending]);
    }
    if (writeError !== undefined) throw writeError;
  }

  /** Writes `buffers` one after another from `position`, however many calls the system needs. */
  private async writeAt(buffers: Buffer[], position: number): Promise<void> {
    let rest = buffers;
    let at = position;
    while (rest.length) {
      const { bytesWritten } = await this.file.writev(rest, at);
      at += bytesWritten;
      let skip = bytesWritten;
      while (rest.length && skip >= rest[0].length) {
        skip -= rest[0].length;
        rest = rest.slice(1);
      }
      if (skip) rest = [rest[0].subarray(skip), ...rest.slice(1)];
    }
  }

  private reserve(length: number): number {
    const start = this.end;
    this.end += length;
    return start;
  }

  private append(bytes: Buffer): Promise<void> {
    return this.writeAt([bytes], this.reserve(bytes.length));
  }

  async close(outcome: 'success' | 'failure'): Promise<void> {
    if (this.closed) return;
    try {
      if (outcome === 'success') {
        await this.settleWrites();
        if (this.failure) throw this.failure;
        await this.carryOverBase();
        this.closed = true;
        for (const [name, content] of await this.closingFiles()) await this.append(fileEntry(name, content, this.mtime));
        await this.append(END_OF_ARCHIVE);
        await this.file.close();
        await rename(this.temp, this.target);
      } else {
        this.closed = true;
        this.failure ??= new ContentError(`export to ${this.description} failed`);
        await this.settleWrites();
        await this.file.close();
        await rm(this.temp, { force: true });
      }
    } catch (err) {
      this.closed = true;
      this.failure ??= err;
      await this.settleWrites();
      await this.file.close().catch(() => undefined);
      await rm(this.temp, { force: true });
      throw err instanceof OciCopyError ? err : new ContentError(`writing ${this.description}: ${(err as Error).message}`);
    } finally {
      untrackPartial(this.temp);
      await this.base?.close(outcome);
    }
  }

  private async settleWrites(): Promise<void> {
    while (this.writing.size) await Promise.allSettled([...this.writing]);
  }
}

/**
 * Exports to a file. The archive is written to a temporary file beside `path` and renamed over it
 * only when the export succeeds, so a failed export leaves no half-written archive under that name.
 * When `path` already holds an archive (OCI or docker), the new one keeps its blobs and tags and
 * adds the new ones.
 */
export async function openArchiveFileWriter(
  path: string,
  options: Omit<ArchiveWriterBaseOptions, 'base'> = {},
): Promise<OciArchiveFileWriter> {
  const target = resolvePath(path);
  const description = options.description ?? `[oci-archive] ${printable(path)}`;
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory())
    throw new ContentError(`${description} is a directory: use oci:${printable(path)} to export into an OCI layout directory`);
  const base = existing?.isFile() && existing.size > 0 ? await openArchiveFile(path, { description }) : undefined;
  // What an earlier, interrupted export of this archive left goes; then this one's own partial file.
  await sweepPartials(dirname(target), basename(target));
  const temp = partialPath(dirname(target), basename(target));
  let file: FileHandle | undefined;
  try {
    trackPartial(temp);
    file = await open(temp, 'wx');
    const writer = new OciArchiveFileWriter(file, temp, target, { ...options, description, base });
    await writer.start();
    return writer;
  } catch (err) {
    await file?.close().catch(() => undefined);
    if (file) await rm(temp, { force: true });
    untrackPartial(temp);
    await base?.close('failure');
    throw err instanceof OciCopyError ? err : new ContentError(`writing ${description}: ${(err as Error).message}`);
  }
}
