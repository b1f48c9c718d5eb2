import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Descriptor } from '../../oci/descriptor.js';
import { ContentError, NotFoundError } from '../../oci/errors.js';
import type { ImageIndex } from '../../oci/manifest.js';
import { MAX_MANIFEST_BYTES } from '../../oci/media-types.js';
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
import { convertDockerSave } from './docker-save.js';
import { DOCKER_MANIFEST_FILE } from './entry-names.js';
import { readEntry } from './stored-entry.js';
import { printable } from '../../oci/text.js';

export interface OpenArchiveStreamOptions {
  /** How the archive is named in messages (`[oci-archive] -` for stdin). */
  description?: string;
  /** Where the spool directory goes; the system temporary directory by default. */
  tempDir?: string;
}

/**
 * Opens an OCI archive file for reading. A regular file is indexed once and read by byte range; a
 * pipe or device (`/dev/stdin`) is spooled as a stream would be.
 */
export async function openArchiveFile(path: string): Promise<OciArchiveReader> {
  const description = `[oci-archive] ${printable(path)}`;
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
 * project write them), or over a legacy `docker save` archive converted on the fly.
 */
export class OciArchiveReader implements ReadOnlyTarget, TagLister, TagReader, ReferrerLister {
  private readonly finder: ReferrerFinder;

  private constructor(
    readonly description: string,
    private readonly contents: ArchiveContents,
    readonly index: ImageIndex,
  ) {
    this.finder = new ReferrerFinder(async (desc) => {
      const entry = contents.blobs.get(desc.digest);
      return entry && readEntry(entry, MAX_MANIFEST_BYTES, `manifest ${desc.digest} in ${description}`);
    }, description);
  }

  static async fromContents(contents: ArchiveContents, description: string): Promise<OciArchiveReader> {
    try {
      return new OciArchiveReader(description, contents, await readIndex(contents, description));
    } catch (err) {
      await contents.dispose();
      throw err;
    }
  }

  async resolve(selector: string | undefined): Promise<Descriptor> {
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

async function readIndex(contents: ArchiveContents, where: string): Promise<ImageIndex> {
  const layout = contents.files.get(OCI_LAYOUT_FILE);
  const index = contents.files.get(INDEX_FILE);
  if (index) {
    if (layout) checkOciLayout(await readEntry(layout, 64 * 1024, `${OCI_LAYOUT_FILE} in ${where}`), where);
    return parseLayoutIndex(await readEntry(index, MAX_MANIFEST_BYTES, `${INDEX_FILE} in ${where}`), where);
  }
  if (contents.files.has(DOCKER_MANIFEST_FILE)) return convertDockerSave(contents, where);
  throw new ContentError(`${where} has no ${INDEX_FILE} (nor a docker save ${DOCKER_MANIFEST_FILE}): it is not an OCI archive`);
}
