import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { pack as tarPack, type Pack } from 'tar-stream';
import type { Descriptor } from '../../oci/descriptor.js';
import { parseDigest, verifyBytes, VerifyingStream } from '../../oci/digest.js';
import { ContentError, NotFoundError, OciCopyError } from '../../oci/errors.js';
import type { ImageIndex } from '../../oci/manifest.js';
import { MAX_MANIFEST_BYTES, isManifest } from '../../oci/media-types.js';
import { drain, readManifestBytes } from '../layout/blob-files.js';
import {
  INDEX_FILE,
  OCI_LAYOUT_CONTENT,
  OCI_LAYOUT_FILE,
  emptyIndex,
  findRoot,
  indexTags,
  serializeIndex,
  withReference,
} from '../layout/index-json.js';
import { referrerEntry } from '../layout/referrer-entries.js';
import type { TagLister, Target } from '../target.js';
import { openArchiveFile, type OciArchiveReader } from './reader.js';

export interface ArchiveWriterOptions {
  /** How the archive is named in messages. */
  description?: string;
  /** An archive whose blobs and tags the new one keeps (a same-named tag is replaced). */
  base?: OciArchiveReader;
  /** Where blobs that arrive while another is being written wait; the system temp directory by default. */
  spoolParent?: string;
  /** Where the tar goes; without it, read `stream`. */
  sink?: Writable;
}

/**
 * Exports to an OCI image-layout archive, written as one sequential tar stream: `oci-layout`, then
 * each blob as it is pushed, then `index.json` when the export succeeds. Nothing else goes in.
 * A pushed manifest with a `subject` (a signature, an SBOM) is listed in `index.json` untagged, so
 * a reader finds it among the referrers of its subject.
 *
 * Pushes come concurrently but a tar is sequential. The first push while the tar is idle streams
 * straight into it; one that arrives while another is being written is spooled to a temporary file
 * and appended when the tar is free. Spooling rather than holding pushes back keeps fetches
 * concurrent (a source connection left waiting minutes for its turn may be dropped) and never holds
 * a blob in memory; it costs disk only for blobs that arrive faster than the tar is consumed.
 *
 * A failed export (`close('failure')`, or a bad blob streamed straight in) ends `stream` with an
 * error, so no consumer can take a half-written archive for a whole one.
 */
export class OciArchiveWriter implements Target, TagLister {
  readonly description: string;
  /** The archive's bytes. Read it (or give a `sink`): pushes wait while it is not consumed. */
  readonly stream: Readable;
  private readonly pack: Pack;
  protected readonly base?: OciArchiveReader;
  private readonly spoolParent: string;
  private readonly delivered: Promise<void>;
  private readonly mtime = new Date();
  private index: ImageIndex;
  /** Digests in the tar, or queued for it. */
  private readonly stored = new Set<string>();
  /** Referrers this export listed in the index. */
  private readonly referrerDigests = new Set<string>();
  private tail: Promise<void> = Promise.resolve();
  private active = 0;
  private failure?: unknown;
  private spoolDir?: Promise<string>;
  private closed = false;

  constructor(options: ArchiveWriterOptions = {}) {
    this.description = options.description ?? '[oci-archive] stream';
    this.base = options.base;
    this.spoolParent = options.spoolParent ?? tmpdir();
    this.index = options.base ? structuredClone(options.base.index) : emptyIndex();
    this.pack = tarPack();
    this.stream = Readable.from(this.pack, { objectMode: false });
    this.delivered = options.sink ? pipeline(this.stream, options.sink) : finished(this.stream);
    this.delivered.catch(() => undefined);
    this.pack.entry(this.header(OCI_LAYOUT_FILE, OCI_LAYOUT_CONTENT.length), OCI_LAYOUT_CONTENT);
  }

  async resolve(selector: string | undefined): Promise<Descriptor> {
    return findRoot(
      this.index,
      selector,
      this.description,
      async (digest) => {
        const listed = this.base?.index.manifests.find((d) => d.digest === digest);
        return listed ?? (this.base ? this.base.resolve(digest).catch(() => undefined) : undefined);
      },
      async (entry) => this.referrerDigests.has(entry.digest) || ((await this.base?.isAttached(entry)) ?? false),
    );
  }

  async tags(): Promise<string[]> {
    return indexTags(this.index);
  }

  async fetch(desc: Descriptor): Promise<Readable> {
    if (this.base && (await this.base.exists(desc))) return this.base.fetch(desc);
    throw new NotFoundError(`blob ${desc.digest} cannot be read back from ${this.description}: it is being written as a stream`);
  }

  async exists(desc: Descriptor): Promise<boolean> {
    return this.stored.has(desc.digest) || (this.base !== undefined && (await this.base.exists(desc)));
  }

  async push(desc: Descriptor, content: Readable): Promise<void> {
    this.checkUsable();
    if (isManifest(desc.mediaType) && desc.size <= MAX_MANIFEST_BYTES) {
      // A manifest is small: held whole, it can be listed in the index when it is a referrer.
      const bytes = await readManifestBytes(content, desc);
      verifyBytes(bytes, desc);
      await this.pushBlob(desc, Readable.from([bytes]));
      const entry = referrerEntry(desc, bytes);
      if (entry) {
        this.index = withReference(this.index, entry, entry.digest);
        this.referrerDigests.add(entry.digest);
      }
      return;
    }
    await this.pushBlob(desc, content);
  }

  private async pushBlob(desc: Descriptor, content: Readable): Promise<void> {
    if (await this.exists(desc)) {
      await drain(content);
      return;
    }
    this.stored.add(desc.digest);
    if (this.active === 0) {
      // The tar is idle: stream straight in. A failure here leaves a partial entry, so it ends the export.
      await this.enqueue(() => this.writeBlob(desc, content));
      return;
    }
    let spooled: string;
    try {
      spooled = await this.spool(desc, content);
    } catch (err) {
      this.stored.delete(desc.digest);
      throw err;
    }
    void this.enqueue(() => this.writeBlob(desc, createReadStream(spooled)).finally(() => rm(spooled, { force: true }))).catch(
      () => undefined,
    );
  }

  async tag(desc: Descriptor, reference: string): Promise<void> {
    this.checkUsable();
    if (!(await this.exists(desc))) {
      throw new NotFoundError(`cannot tag ${desc.digest} in ${this.description}: the manifest was not written to it`);
    }
    this.index = withReference(this.index, desc, reference);
  }

  async close(outcome: 'success' | 'failure'): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (outcome === 'success') {
        await this.tail;
        if (this.failure) throw this.failure;
        await this.carryOverBase();
        if (this.failure) throw this.failure;
        const index = serializeIndex(this.index);
        this.pack.entry(this.header(INDEX_FILE, index.byteLength), index);
        this.pack.finalize();
        await this.delivered;
      } else {
        this.abort(new ContentError(`export to ${this.description} failed`));
        await this.delivered.catch(() => undefined);
      }
    } catch (err) {
      this.abort(err);
      throw err;
    } finally {
      if (this.spoolDir) await rm(await this.spoolDir, { recursive: true, force: true });
    }
  }

  private checkUsable(): void {
    if (this.closed) throw new ContentError(`${this.description} is already closed`);
    if (this.failure) throw this.failure;
  }

  private abort(err: unknown): void {
    this.failure ??= err;
    if (!this.pack.destroyed) this.pack.destroy(err instanceof Error ? err : new Error(String(err)));
  }

  /** Runs tar writes one after another; the first failure ends the export. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    this.active++;
    const run = this.tail.then(() => {
      if (this.failure) throw this.failure;
      return task();
    });
    this.tail = run.then(
      () => void this.active--,
      (err) => {
        this.active--;
        this.abort(err);
      },
    );
    return run;
  }

  /** Appends one blob entry, verified as it flows, with back-pressure from the tar's consumer. */
  private async writeBlob(desc: Pick<Descriptor, 'digest' | 'size'>, content: Readable): Promise<void> {
    const { algorithm, hex } = parseDigest(desc.digest);
    const verified = new VerifyingStream(desc);
    content.on('error', (err) => verified.destroy(err));
    content.pipe(verified);
    await new Promise<void>((resolve, reject) => {
      const entry = this.pack.entry(this.header(`blobs/${algorithm}/${hex}`, desc.size), (err) => (err ? reject(err) : resolve()));
      entry.on('error', reject);
      void (async () => {
        for await (const chunk of verified) {
          if (!entry.write(chunk as Buffer)) {
            await new Promise<void>((ok, fail) => {
              const onDrain = () => {
                entry.off('close', onClose);
                ok();
              };
              const onClose = () => {
                entry.off('drain', onDrain);
                fail(new ContentError(`${this.description} closed while writing ${desc.digest}`));
              };
              entry.once('drain', onDrain);
              entry.once('close', onClose);
            });
          }
        }
        entry.end(undefined);
      })().catch((err: unknown) => {
        entry.destroy(err as Error);
        reject(err);
      });
    });
  }

  /** Keeps every blob of the archive this export extends. */
  private async carryOverBase(): Promise<void> {
    if (!this.base) return;
    for (const blob of this.base.blobs()) {
      if (this.stored.has(blob.digest)) continue;
      this.stored.add(blob.digest);
      await this.enqueue(() => this.writeBlob(blob, blob.open()));
    }
  }

  private async spool(desc: Descriptor, content: Readable): Promise<string> {
    this.spoolDir ??= mkdtemp(join(this.spoolParent, '.oci-copy-spool-'));
    const path = join(await this.spoolDir, `${parseDigest(desc.digest).hex}.${randomBytes(4).toString('hex')}`);
    try {
      await pipeline(content, new VerifyingStream(desc), createWriteStream(path, { flags: 'wx' }));
    } catch (err) {
      await rm(path, { force: true });
      throw err;
    }
    return path;
  }

  private header(name: string, size: number) {
    return { name, size, type: 'file' as const, mode: 0o644, uid: 0, gid: 0, mtime: this.mtime };
  }
}

/** Exports to any writable (a socket, stdout): `close('success')` resolves once it has taken every byte. */
export function createArchiveWriter(sink: Writable, options: Omit<ArchiveWriterOptions, 'sink'> = {}): OciArchiveWriter {
  return new OciArchiveWriter({ ...options, sink });
}

/**
 * Exports to a file. The archive is written to a temporary file beside `path` and renamed over it
 * only when the export succeeds, so a failed export leaves no half-written archive under that name.
 * When `path` already holds an archive, the new one keeps its blobs and tags and adds the new ones.
 */
export async function openArchiveFileWriter(path: string): Promise<OciArchiveWriter> {
  const target = resolvePath(path);
  const description = `[oci-archive] ${path}`;
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory()) throw new ContentError(`${description} is a directory: use oci:${path} to export into an OCI layout directory`);
  const base = existing?.isFile() && existing.size > 0 ? await openArchiveFile(path) : undefined;
  const dir = dirname(target);
  const temp = join(dir, `.${basename(target)}.${randomBytes(6).toString('hex')}.partial`);
  let out: Writable;
  try {
    out = createWriteStream(temp, { flags: 'wx' });
    await new Promise<void>((ok, fail) => out.once('open', () => ok()).once('error', fail));
  } catch (err) {
    await base?.close('failure');
    throw err;
  }
  return new FileArchiveWriter({ description, base, spoolParent: dir, sink: out }, temp, target);
}

class FileArchiveWriter extends OciArchiveWriter {
  constructor(
    options: ArchiveWriterOptions,
    private readonly temp: string,
    private readonly target: string,
  ) {
    super(options);
  }

  override async close(outcome: 'success' | 'failure'): Promise<void> {
    try {
      await super.close(outcome);
      if (outcome === 'success') await rename(this.temp, this.target);
    } catch (err) {
      await rm(this.temp, { force: true });
      throw err instanceof OciCopyError ? err : new ContentError(`writing ${this.description}: ${(err as Error).message}`);
    } finally {
      await this.base?.close(outcome);
    }
    if (outcome === 'failure') await rm(this.temp, { force: true });
  }
}
