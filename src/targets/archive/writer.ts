import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { Descriptor } from '../../oci/descriptor.js';
import { parseDigest } from '../../oci/digest.js';
import { ContentError } from '../../oci/errors.js';
import { OCI_LAYOUT_CONTENT, OCI_LAYOUT_FILE } from '../layout/index-json.js';
import { END_OF_ARCHIVE, fileEntry, fileHeader, paddingFor } from './ustar.js';
import { blobEntryName } from './entry-names.js';
import { ArchiveWriterBase, countedChunks, type ArchiveWriterBaseOptions } from './writer-base.js';
import { trackPartial, untrackPartial } from '../partial-files.js';

export { OciArchiveFileWriter, openArchiveFileWriter } from './file-writer.js';

/** Bytes of blobs that may be queued for the tar before a new push is spooled to disk instead. */
const DEFAULT_MAX_QUEUED_BYTES = 8 * 1024 * 1024;
/** How much of the tar is buffered ahead of its consumer. */
const STREAM_BUFFER = 1024 * 1024;

export interface ArchiveWriterOptions extends ArchiveWriterBaseOptions {
  /** Where blobs that arrive while another is being written wait; the system temp directory by default. */
  spoolParent?: string;
  /**
   * How many bytes of blobs may wait in line for the tar before a push that arrives is spooled to
   * disk rather than queued (8 MiB by default; 0 spools whatever arrives while the tar is busy).
   */
  maxQueuedBytes?: number;
  /** Where the tar goes; without it, read `stream`. */
  sink?: Writable;
}

/**
 * Exports to an OCI image-layout archive, written as one sequential tar stream (a pipe, stdout):
 * `oci-layout`, then each blob as it is pushed, then `index.json` (and `manifest.json` for a docker
 * archive) when the export succeeds. Nothing else goes in. Exporting to a file writes blobs side by side instead (`openArchiveFileWriter`).
 *
 * Pushes come concurrently but a stream is sequential. A push queues for the tar while the bytes
 * ahead of it are few (a config behind a layer); one that would wait behind many is spooled to a
 * temporary file and appended when the tar is free. Spooling rather than holding pushes back keeps
 * fetches concurrent (a source connection left waiting minutes for its turn may be dropped) and never
 * holds a blob in memory; it costs disk only for blobs that arrive faster than the tar is consumed.
 *
 * A failed export (`close('failure')`, or a bad blob written straight in) ends `stream` with an
 * error, so no consumer can take a half-written archive for a whole one.
 */
export class OciArchiveWriter extends ArchiveWriterBase {
  /** The archive's bytes. Read it (or give a `sink`): pushes wait while it is not consumed. */
  readonly stream: Readable;
  private readonly out: PassThrough;
  private readonly spoolParent: string;
  private readonly maxQueuedBytes: number;
  private readonly delivered: Promise<void>;
  private tail: Promise<void> = Promise.resolve();
  /** Bytes of queued and in-progress entries not yet handed to the stream. */
  private queuedBytes = 0;
  private spoolDir?: Promise<string>;

  constructor(options: ArchiveWriterOptions = {}) {
    super(options, '[oci-archive] stream');
    this.spoolParent = options.spoolParent ?? tmpdir();
    this.maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    this.out = new PassThrough({ highWaterMark: STREAM_BUFFER });
    this.stream = this.out;
    this.delivered = options.sink ? pipeline(this.out, options.sink) : finished(this.out);
    this.delivered.catch(() => undefined);
    this.out.write(fileEntry(OCI_LAYOUT_FILE, OCI_LAYOUT_CONTENT, this.mtime));
  }

  protected async writeBlob(desc: Pick<Descriptor, 'digest' | 'size'>, content: Readable): Promise<void> {
    if (this.queuedBytes <= this.maxQueuedBytes) {
      // Written straight in. A failure here leaves a partial entry, so it ends the export.
      await this.enqueue(desc, () => content).catch((err: unknown) => {
        content.destroy();
        throw err;
      });
      return;
    }
    const spooled = await this.spool(desc, content);
    void this.enqueue(
      desc,
      () => createReadStream(spooled),
      () => rm(spooled, { force: true }),
    ).catch(() => undefined);
  }

  async close(outcome: 'success' | 'failure'): Promise<void> {
    if (this.closed) return;
    try {
      if (outcome === 'success') {
        await this.tail;
        if (this.failure) throw this.failure;
        await this.carryOverBase();
        if (this.failure) throw this.failure;
        this.closed = true;
        for (const [name, content] of await this.closingFiles()) await this.write(fileEntry(name, content, this.mtime));
        await this.write(END_OF_ARCHIVE);
        this.out.end();
        await this.delivered;
      } else {
        this.closed = true;
        this.abort(new ContentError(`export to ${this.description} failed`));
        await this.delivered.catch(() => undefined);
      }
    } catch (err) {
      this.closed = true;
      this.abort(err);
      throw err;
    } finally {
      if (this.spoolDir) {
        const dir = await this.spoolDir;
        await rm(dir, { recursive: true, force: true });
        untrackPartial(dir);
      }
    }
  }

  private abort(err: unknown): void {
    this.failure ??= err;
    if (!this.out.destroyed) this.out.destroy(err instanceof Error ? err : new Error(String(err)));
  }

  /** Appends blob entries one after another, with back-pressure from the tar's consumer; the first failure ends the export. */
  private enqueue(desc: Pick<Descriptor, 'digest' | 'size'>, open: () => Readable, cleanUp?: () => Promise<void>): Promise<void> {
    this.queuedBytes += desc.size;
    let left = desc.size;
    const run = this.tail.then(async () => {
      try {
        if (this.failure) throw this.failure;
        await this.write(fileHeader(blobEntryName(desc.digest), desc.size, this.mtime));
        for await (const chunk of countedChunks(open(), desc)) {
          await this.write(chunk);
          left -= chunk.length;
          this.queuedBytes -= chunk.length;
        }
        const padding = paddingFor(desc.size);
        if (padding) await this.write(Buffer.alloc(padding));
      } finally {
        this.queuedBytes -= left;
        await cleanUp?.();
      }
    });
    this.tail = run.catch((err) => this.abort(err));
    return run;
  }

  /** Hands bytes to the stream, waiting while its consumer is behind. */
  private async write(bytes: Buffer): Promise<void> {
    if (this.out.destroyed) throw this.failure ?? new ContentError(`${this.description} was closed while being written`);
    if (this.out.write(bytes)) return;
    await new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        this.out.off('close', onClose);
        resolve();
      };
      const onClose = () => {
        this.out.off('drain', onDrain);
        reject(this.failure ?? new ContentError(`${this.description} was closed while being written`));
      };
      this.out.once('drain', onDrain);
      this.out.once('close', onClose);
    });
  }

  private async spool(desc: Pick<Descriptor, 'digest' | 'size'>, content: Readable): Promise<string> {
    this.spoolDir ??= mkdtemp(join(this.spoolParent, '.oci-copy-spool-')).then((dir) => {
      trackPartial(dir);
      return dir;
    });
    const path = join(await this.spoolDir, `${parseDigest(desc.digest).hex}.${randomBytes(4).toString('hex')}`);
    try {
      await pipeline(countedChunks(content, desc), createWriteStream(path, { flags: 'wx' }));
    } catch (err) {
      await rm(path, { force: true });
      throw err;
    }
    return path;
  }
}

/** Exports to any writable (a socket, stdout): `close('success')` resolves once it has taken every byte. */
export function createArchiveWriter(sink: Writable, options: Omit<ArchiveWriterOptions, 'sink'> = {}): OciArchiveWriter {
  return new OciArchiveWriter({ ...options, sink });
}
