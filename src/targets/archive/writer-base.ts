import { Readable } from 'node:stream';
import type { Descriptor, Platform } from '../../oci/descriptor.js';
import { isDigest, verifyBytes, VerifyingStream } from '../../oci/digest.js';
import { ContentError, NotFoundError } from '../../oci/errors.js';
import { repositoryOfImageName } from '../../oci/image-name.js';
import type { ImageIndex } from '../../oci/manifest.js';
import { MAX_MANIFEST_BYTES, isManifest } from '../../oci/media-types.js';
import { drain, readManifestBytes } from '../layout/blob-files.js';
import {
  INDEX_FILE,
  emptyIndex,
  findRoot,
  imageNameFor,
  indexTags,
  serializeIndex,
  taggedEntry,
  withReference,
} from '../layout/index-json.js';
import { referrerEntry } from '../layout/referrer-entries.js';
import type { StoreNote, StoreNoter, TagContext, TagLister, TagReader, Target } from '../target.js';
import { dockerManifestList, dockerStoreNotes } from './docker-manifest.js';
import { DOCKER_MANIFEST_FILE } from './entry-names.js';
import type { OciArchiveReader } from './reader.js';

export interface ArchiveWriterBaseOptions {
  /** How the archive is named in messages. */
  description?: string;
  /** An archive whose blobs and tags the new one keeps (a same-named tag is replaced). */
  base?: OciArchiveReader;
  /**
   * Also write `manifest.json`, which `docker load` before Docker 25 reads (a docker-archive:
   * destination). Without it, an archive is written with one when its base had one, so rewriting
   * a docker archive never takes away what loaded it.
   */
  dockerManifest?: boolean;
  /** The full name (`docker.io/library/app:1.2`) every image is given, whatever the copy says of its source. */
  image?: string;
}

/**
 * What every archive writer shares: the index, the tags, which blobs are written, and referrers.
 * A pushed manifest with a `subject` (a signature, an SBOM) is listed in `index.json` untagged, so
 * a reader finds it among the referrers of its subject. How bytes reach the tar is the subclass's.
 *
 * Blob content is not hashed here: the copy engine hands every push a verifying stream that errors
 * instead of ending when the bytes are wrong (the Target contract), and a writer commits the archive
 * only when the export succeeds. The writer only counts bytes, since the tar's framing depends on them.
 */
export abstract class ArchiveWriterBase implements Target, TagLister, TagReader, StoreNoter {
  readonly description: string;
  protected readonly base?: OciArchiveReader;
  protected readonly mtime = new Date();
  protected index: ImageIndex;
  /** Digests in the tar, or being written to it. */
  private readonly stored = new Set<string>();
  /** Referrers this export listed in the index. */
  private readonly referrerDigests = new Set<string>();
  private readonly dockerManifest: boolean;
  private readonly imageRepository?: string;
  /** Manifests this export wrote, kept (they are small) for `manifest.json`; none without one. */
  private readonly manifests = new Map<string, Buffer>();
  /** The platform asked for, by the digest of a root this export tagged. */
  private readonly platforms = new Map<string, Platform>();
  /** The tags of a root this export could give no image name, by the root's digest. */
  private readonly unnamed = new Map<string, string[]>();
  protected failure?: unknown;
  protected closed = false;

  constructor(options: ArchiveWriterBaseOptions, defaultDescription: string) {
    this.description = options.description ?? defaultDescription;
    this.base = options.base;
    this.index = options.base ? structuredClone(options.base.index) : emptyIndex();
    this.dockerManifest = options.dockerManifest ?? options.base?.hasDockerManifest ?? false;
    if (options.image) this.imageRepository = repositoryOfImageName(options.image);
  }

  /** Writes one blob's entry; rejects when the content fails or does not have `desc.size` bytes. */
  protected abstract writeBlob(desc: Pick<Descriptor, 'digest' | 'size'>, content: Readable): Promise<void>;

  abstract close(outcome: 'success' | 'failure'): Promise<void>;

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

  async readTag(tag: string, context?: TagContext): Promise<Descriptor | undefined> {
    return taggedEntry(this.index, tag, imageNameFor(tag, this.imageRepository ?? context?.repository));
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
      if (this.dockerManifest) this.manifests.set(desc.digest, bytes);
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
    try {
      await this.writeBlob(desc, content);
    } catch (err) {
      this.stored.delete(desc.digest);
      throw err;
    }
  }

  /** Tags `desc`, naming it `<repository>:<tag>` for loaders: its own image's repository, else the source's. */
  async tag(desc: Descriptor, reference: string, context?: TagContext): Promise<void> {
    this.checkUsable();
    if (!(await this.exists(desc))) {
      throw new NotFoundError(`cannot tag ${desc.digest} in ${this.description}: the manifest was not written to it`);
    }
    const imageName = imageNameFor(reference, this.imageRepository ?? context?.repository);
    this.index = withReference(this.index, desc, reference, imageName);
    if (context?.platform) this.platforms.set(desc.digest, context.platform);
    if (imageName === undefined && !isDigest(reference))
      this.unnamed.set(desc.digest, [...(this.unnamed.get(desc.digest) ?? []), reference]);
  }

  /** For a docker archive, what `docker load` will make of `root` (see `dockerStoreNotes`). */
  async storeNotes(root: Descriptor): Promise<StoreNote[]> {
    if (!this.dockerManifest) return [];
    return dockerStoreNotes(root, {
      read: (desc) => this.readManifest(desc),
      platform: this.platforms.get(root.digest),
      unnamedTags: this.unnamed.get(root.digest) ?? [],
    });
  }

  protected checkUsable(): void {
    if (this.closed) throw new ContentError(`${this.description} is already closed`);
    if (this.failure) throw this.failure;
  }

  /**
   * Writes every blob of the archive this export extends that it does not hold yet. Those bytes
   * come from a file, not through the engine, so they are verified here.
   */
  protected async carryOverBase(): Promise<void> {
    if (!this.base) return;
    for (const blob of this.base.blobs()) {
      if (this.stored.has(blob.digest)) continue;
      this.stored.add(blob.digest);
      const verified = new VerifyingStream(blob);
      const source = blob.open();
      source.on('error', (err) => verified.destroy(err));
      await this.writeBlob(blob, source.pipe(verified));
    }
  }

  /** The files that end the archive, once every blob is in: `index.json`, and `manifest.json` when written. */
  protected async closingFiles(): Promise<Array<[string, Buffer]>> {
    const files: Array<[string, Buffer]> = [[INDEX_FILE, serializeIndex(this.index)]];
    if (!this.dockerManifest) return files;
    const items = await dockerManifestList(this.index, {
      read: (desc) => this.readManifest(desc),
      isAttached: async (entry) => this.referrerDigests.has(entry.digest) || ((await this.base?.isAttached(entry)) ?? false),
      platformOf: (entry) => this.platforms.get(entry.digest),
      has: (desc) => this.exists(desc),
    });
    files.push([DOCKER_MANIFEST_FILE, Buffer.from(`${JSON.stringify(items)}\n`)]);
    return files;
  }

  private async readManifest(desc: Descriptor): Promise<Buffer> {
    const held = this.manifests.get(desc.digest);
    if (held) return held;
    if (!this.base || !(await this.base.exists(desc))) throw new NotFoundError(`manifest ${desc.digest} is not in ${this.description}`);
    if (desc.size > MAX_MANIFEST_BYTES)
      throw new ContentError(
        `manifest ${desc.digest} in ${this.description} is ${desc.size} bytes, over the limit of ${MAX_MANIFEST_BYTES}`,
      );
    const bytes = await readManifestBytes(await this.base.fetch(desc), desc);
    verifyBytes(bytes, desc);
    return bytes;
  }
}

/**
 * Yields `content`'s chunks, failing when it brings more or fewer than `size` bytes: the tar's
 * framing depends on the count, whatever verified the bytes themselves.
 */
export async function* countedChunks(content: Readable, desc: Pick<Descriptor, 'digest' | 'size'>): AsyncGenerator<Buffer> {
  let seen = 0;
  for await (const chunk of content) {
    const buf = chunk as Buffer;
    seen += buf.length;
    if (seen > desc.size) {
      content.destroy();
      throw new ContentError(`size mismatch for ${desc.digest}: more than the expected ${desc.size} bytes`);
    }
    yield buf;
  }
  if (seen !== desc.size) throw new ContentError(`size mismatch for ${desc.digest}: expected ${desc.size} bytes, got ${seen}`);
}
