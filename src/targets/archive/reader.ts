import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { plainDescriptor, type Descriptor } from '../../oci/descriptor.js';
import { isDigest } from '../../oci/digest.js';
import { ContentError, NotFoundError } from '../../oci/errors.js';
import { sameImageName } from '../../oci/image-name.js';
import { parseImageManifest, parseIndex, type ImageIndex } from '../../oci/manifest.js';
import { MAX_MANIFEST_BYTES, isImageManifest, isIndex } from '../../oci/media-types.js';
import { isTag } from '../../oci/reference.js';
import {
  INDEX_FILE,
  OCI_LAYOUT_FILE,
  checkOciLayout,
  findRoot,
  indexTags,
  parseLayoutIndex,
  sniffManifest,
  taggedEntry,
} from '../layout/index-json.js';
import { ReferrerFinder } from '../layout/referrer-entries.js';
import type { ReadOnlyTarget, ReferrerLister, TagLister, TagReader } from '../target.js';
import { indexArchiveFile, spoolArchive, type ArchiveContents } from './archive-contents.js';
import { convertDockerSave, digestOfListedFile, readDockerManifestList, withItemName, type DockerSaveItem } from './docker-save.js';
import { DOCKER_MANIFEST_FILE } from './entry-names.js';
import { readEntry } from './stored-entry.js';
import { printable } from '../../oci/text.js';

export interface OpenArchiveFileOptions {
  /** How the archive is named in messages (`[oci-archive] PATH` by default). */
  description?: string;
}

export interface OpenArchiveStreamOptions extends OpenArchiveFileOptions {
  /** Where the spool directory goes; the system temporary directory by default. */
  tempDir?: string;
}

/**
 * Opens an OCI or docker archive file for reading. A regular file is indexed once and read by byte
 * range; a pipe or device (`/dev/stdin`) is spooled as a stream would be.
 */
export async function openArchiveFile(path: string, options: OpenArchiveFileOptions = {}): Promise<OciArchiveReader> {
  const description = options.description ?? `[oci-archive] ${printable(path)}`;
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new NotFoundError(`${description} does not exist`);
    throw err;
  });
  if (info.isDirectory()) throw new ContentError(`${description} is a directory: use oci:${printable(path)} for an OCI layout directory`);
  if (!info.isFile()) {
    return openArchiveStream(createReadStream(path), { description });
  }
  return OciArchiveReader.fromContents(await indexArchiveFile(path, description), description);
}

/** Reads an OCI archive from a stream (stdin, a socket, an HTTP body), spooling it while verifying. */
export async function openArchiveStream(input: Readable, options: OpenArchiveStreamOptions = {}): Promise<OciArchiveReader> {
  const description = options.description ?? '[oci-archive] stream';
  return OciArchiveReader.fromContents(await spoolArchive(input, description, options.tempDir), description);
}

/**
 * A read-only target over an OCI image-layout archive (skopeo, containerd, Docker 25+ and this
 * project write them), or over a legacy `docker save` archive converted on the fly. Besides tags
 * and digests, `resolve` takes a full image name (`docker.io/library/app:1.2`) and `@N`, the N-th
 * image of `manifest.json`, as skopeo's `docker-archive:` does.
 */
export class OciArchiveReader implements ReadOnlyTarget, TagLister, TagReader, ReferrerLister {
  private readonly finder: ReferrerFinder;
  private items?: Promise<DockerSaveItem[]>;

  private constructor(
    readonly description: string,
    private readonly contents: ArchiveContents,
    readonly index: ImageIndex,
    /** The image of each `manifest.json` item, when the archive was converted from one. */
    private readonly itemRoots?: Descriptor[],
  ) {
    this.finder = new ReferrerFinder(async (desc) => {
      const entry = contents.blobs.get(desc.digest);
      return entry && readEntry(entry, MAX_MANIFEST_BYTES, `manifest ${desc.digest} in ${description}`);
    }, description);
  }

  static async fromContents(contents: ArchiveContents, description: string): Promise<OciArchiveReader> {
    try {
      const { index, roots } = await readIndex(contents, description);
      return new OciArchiveReader(description, contents, index, roots);
    } catch (err) {
      await contents.dispose();
      throw err;
    }
  }

  /** Whether the archive has a `manifest.json` (a docker archive), which rewriting it keeps. */
  get hasDockerManifest(): boolean {
    return this.contents.files.has(DOCKER_MANIFEST_FILE);
  }

  async resolve(selector: string | undefined): Promise<Descriptor> {
    if (selector !== undefined && /^@[0-9]+$/.test(selector)) return this.resolveItem(Number(selector.slice(1)), selector);
    try {
      return await this.findRoot(selector);
    } catch (err) {
      // A name index.json does not carry may still be among manifest.json's RepoTags.
      if (!(err instanceof NotFoundError) || selector === undefined || isTag(selector) || isDigest(selector) || !this.hasDockerManifest)
        throw err;
      const items = await this.dockerItems();
      const at = items.findIndex((item) => item.repoTags.some((t) => sameImageName(t, selector)));
      if (at < 0) throw err;
      return this.resolveItem(at, selector);
    }
  }

  private findRoot(selector: string | undefined): Promise<Descriptor> {
    return findRoot(
      this.index,
      selector,
      this.description,
      async (digest) => {
        const entry = this.contents.blobs.get(digest);
        if (!entry || entry.size > MAX_MANIFEST_BYTES) return undefined;
        return sniffManifest(await readEntry(entry, MAX_MANIFEST_BYTES, digest), digest);
      },
      (entry) => this.isAttached(entry),
    );
  }

  private dockerItems(): Promise<DockerSaveItem[]> {
    this.items ??= readDockerManifestList(this.contents, this.description);
    return this.items;
  }

  /**
   * The image of `manifest.json` item `n`: the converted one, or the manifest in index.json (or
   * under one of its indexes) whose config the item names.
   */
  private async resolveItem(n: number, shown: string): Promise<Descriptor> {
    shown = printable(shown);
    if (!this.hasDockerManifest) {
      throw new NotFoundError(
        `${shown} picks an image of a docker archive's ${DOCKER_MANIFEST_FILE}, which ${this.description} does not have: name the image by tag or digest`,
      );
    }
    const items = await this.dockerItems();
    if (n >= items.length)
      throw new NotFoundError(
        `${shown} is not in ${this.description}: its ${DOCKER_MANIFEST_FILE} lists ${items.length} image(s), @0 to @${items.length - 1}`,
      );
    const item = items[n];
    if (this.itemRoots) return this.itemRoots[n];
    const config = await digestOfListedFile(this.contents, item.config, this.description);
    const read = async (d: Descriptor) => {
      const entry = this.contents.blobs.get(d.digest);
      return entry && entry.size <= MAX_MANIFEST_BYTES
        ? readEntry(entry, MAX_MANIFEST_BYTES, `manifest ${d.digest} in ${this.description}`)
        : undefined;
    };
    for (const root of this.index.manifests) {
      const candidates = isIndex(root.mediaType) ? await childrenOf(root, read) : [root];
      for (const c of candidates) {
        const bytes = isImageManifest(c.mediaType) ? await read(c) : undefined;
        if (bytes && parseImageManifest(bytes, `manifest ${c.digest}`).config?.digest === config)
          return withItemName(plainDescriptor(c), item);
      }
    }
    throw new NotFoundError(
      `${shown} in ${this.description}: no manifest in ${INDEX_FILE} has the config ${config} that ${DOCKER_MANIFEST_FILE} names`,
    );
  }

  /** What refers to `subject`: manifests listed in index.json whose subject it is, or its `sha256-<hex>` index. */
  async referrers(subject: Descriptor, artifactType?: string): Promise<Descriptor[]> {
    return this.finder.referrers(this.index, subject, artifactType);
  }

  /** Whether an index entry is a referrer (or a referrers index) rather than an image of its own. */
  isAttached(entry: Descriptor): Promise<boolean> {
    return this.finder.isAttached(entry);
  }

  async tags(): Promise<string[]> {
    return indexTags(this.index);
  }

  async readTag(tag: string): Promise<Descriptor | undefined> {
    return taggedEntry(this.index, tag);
  }

  async fetch(desc: Descriptor): Promise<Readable> {
    const entry = this.contents.blobs.get(desc.digest);
    if (!entry) throw new NotFoundError(`blob ${desc.digest} is missing from ${this.description}`);
    if (entry.size !== desc.size) {
      throw new ContentError(`blob ${desc.digest} in ${this.description} is ${entry.size} bytes, not the ${desc.size} its descriptor says`);
    }
    return entry.open();
  }

  async exists(desc: Descriptor): Promise<boolean> {
    return this.contents.blobs.get(desc.digest)?.size === desc.size;
  }

  /** Every blob the archive holds, to carry them over when the archive is rewritten. */
  blobs(): Array<{ digest: string; size: number; open: () => Readable }> {
    return [...this.contents.blobs].map(([digest, e]) => ({ digest, size: e.size, open: () => e.open() }));
  }

  async close(_outcome: 'success' | 'failure'): Promise<void> {
    await this.contents.dispose();
  }
}

async function childrenOf(index: Descriptor, read: (d: Descriptor) => Promise<Buffer | undefined>): Promise<Descriptor[]> {
  const bytes = await read(index);
  return bytes ? parseIndex(bytes, `index ${index.digest}`).manifests : [];
}

async function readIndex(contents: ArchiveContents, where: string): Promise<{ index: ImageIndex; roots?: Descriptor[] }> {
  const layout = contents.files.get(OCI_LAYOUT_FILE);
  const index = contents.files.get(INDEX_FILE);
  if (index) {
    if (layout) checkOciLayout(await readEntry(layout, 64 * 1024, `${OCI_LAYOUT_FILE} in ${where}`), where);
    return { index: parseLayoutIndex(await readEntry(index, MAX_MANIFEST_BYTES, `${INDEX_FILE} in ${where}`), where) };
  }
  if (contents.files.has(DOCKER_MANIFEST_FILE)) return convertDockerSave(contents, await readDockerManifestList(contents, where), where);
  throw new ContentError(`${where} has no ${INDEX_FILE} (nor a docker save ${DOCKER_MANIFEST_FILE}): it is not an OCI archive`);
}
