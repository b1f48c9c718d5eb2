import { lstat, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve as resolvePath } from 'node:path';
import { Readable } from 'node:stream';
import type { Descriptor } from '../../oci/descriptor.js';
import { ContentError, InputError, NotFoundError } from '../../oci/errors.js';
import type { ImageIndex } from '../../oci/manifest.js';
import { MAX_MANIFEST_BYTES, isManifest } from '../../oci/media-types.js';
import { verifyBytes } from '../../oci/digest.js';
import type {
  BlobSizer,
  ReferrerLister,
  RemoveTagOptions,
  TagContext,
  TagLister,
  TagReader,
  TagRemoval,
  TagRemover,
  Target,
} from '../target.js';
import { blobPath, drain, readManifestBytes, writeVerifiedBlob } from './blob-files.js';
import {
  INDEX_FILE,
  OCI_LAYOUT_CONTENT,
  OCI_LAYOUT_FILE,
  checkOciLayout,
  emptyIndex,
  findRoot,
  imageNameFor,
  indexTags,
  parseLayoutIndex,
  serializeIndex,
  sniffManifest,
  taggedEntry,
  withReference,
  withoutTag,
} from './index-json.js';
import { LayoutFiles } from './layout-files.js';
import { ReferrerFinder, referrerEntry } from './referrer-entries.js';
import { printable } from '../../oci/text.js';
import { partialPath, sweepPartials, trackPartial, untrackPartial } from '../partial-files.js';

/** `index.json` is read whole: capped like an archive's, and like a manifest. */
export const MAX_INDEX_BYTES = MAX_MANIFEST_BYTES;
/** `oci-layout` holds one short JSON object. */
const MAX_LAYOUT_FILE_BYTES = 64 * 1024;

export interface OpenLayoutOptions {
  /** Create the layout when the directory is missing or empty (a destination). */
  create?: boolean;
}

/** Opens an OCI image-layout directory. A source must exist; a destination may be created. */
export async function openLayout(path: string, options: OpenLayoutOptions = {}): Promise<OciLayoutTarget> {
  const root = resolvePath(path);
  const where = `OCI layout ${printable(path)}`;
  const info = await stat(root).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (info && !info.isDirectory()) throw new InputError(`${where} is not a directory`);
  const files = new LayoutFiles(root, where);
  const layoutFile = info
    ? await files.read(join(root, OCI_LAYOUT_FILE), OCI_LAYOUT_FILE, MAX_LAYOUT_FILE_BYTES).catch((err: unknown) => {
        if (err instanceof NotFoundError) return undefined;
        throw err;
      })
    : undefined;
  if (layoutFile) {
    checkOciLayout(layoutFile, where);
    const index = await files.read(join(root, INDEX_FILE), INDEX_FILE, MAX_INDEX_BYTES).catch((err: unknown) => {
      if (err instanceof NotFoundError) throw new ContentError(`${where} has no ${INDEX_FILE}: it is not a complete OCI layout`);
      throw err;
    });
    parseLayoutIndex(index, where);
    if (options.create) await sweepLayout(root);
    return new OciLayoutTarget(root, path);
  }
  if (!options.create) {
    throw new NotFoundError(`${where} does not exist or has no ${OCI_LAYOUT_FILE} file: point at an OCI image-layout directory`);
  }
  // Never scribble a layout into a directory that already holds something else.
  if (info && (await readdir(root)).length > 0) {
    throw new InputError(`${where} is a directory with other content and no ${OCI_LAYOUT_FILE} file: use an empty or new directory`);
  }
  // What is made here stays only if a copy into it succeeds: a failed or interrupted one (a source
  // that does not exist, say) leaves the directory as it found it, or no directory at all.
  const made = info
    ? [join(root, 'blobs'), join(root, OCI_LAYOUT_FILE), join(root, INDEX_FILE)]
    : [(await mkdir(root, { recursive: true })) ?? root];
  for (const path of made) trackPartial(path);
  try {
    await mkdir(join(root, 'blobs'), { recursive: true });
    await writeFile(join(root, OCI_LAYOUT_FILE), OCI_LAYOUT_CONTENT);
    await writeFile(join(root, INDEX_FILE), serializeIndex(emptyIndex()));
  } catch (err) {
    await removeMade(made);
    throw err;
  }
  return new OciLayoutTarget(root, path, made);
}

/** Removes what a new layout's opening made (it was never finished), and forgets it. */
async function removeMade(made: readonly string[]): Promise<void> {
  for (const path of made) {
    await rm(path, { recursive: true, force: true }).catch(() => undefined);
    untrackPartial(path);
  }
}

/**
 * Removes the partial blobs and index files an earlier run into this layout left when it crashed
 * or was killed (see `sweepPartials`: another live process's are kept). A `blobs` directory that
 * is a link is left alone, as the layout's writes leave it.
 */
async function sweepLayout(root: string): Promise<void> {
  await sweepPartials(root, INDEX_FILE);
  const blobs = join(root, 'blobs');
  if (!(await lstat(blobs).catch(() => undefined))?.isDirectory()) return;
  for (const algorithm of await readdir(blobs)) {
    const dir = join(blobs, algorithm);
    if ((await lstat(dir).catch(() => undefined))?.isDirectory()) await sweepPartials(dir);
  }
}

/**
 * An OCI image-layout directory. Blobs land through verified temporary files; `index.json` changes
 * only when a tag is set (the last step of a copy) or the layout is closed after a successful copy,
 * by writing a new file and renaming it over the old, so a failed copy leaves no new entry and a
 * reader never sees half an index. A layout it created is removed again when the copy fails before
 * tagging anything, or is interrupted. Pushed referrers (manifests with a `subject`) are listed there
 * as untagged entries, which keeps them reachable and lets `referrers()` find them.
 */
export class OciLayoutTarget implements Target, BlobSizer, TagLister, TagReader, TagRemover, ReferrerLister {
  readonly description: string;
  private readonly inFlight = new Set<string>();
  private indexUpdate: Promise<unknown> = Promise.resolve();
  /** Referrers pushed and not yet listed in index.json. */
  private readonly unlisted = new Map<string, Descriptor>();
  private readonly finder: ReferrerFinder;
  /** Every read goes through it: regular files inside the layout only, opened without blocking. */
  private readonly files: LayoutFiles;

  constructor(
    readonly root: string,
    displayPath: string = root,
    /** What opening it made (a new layout): removed when it closes as failed before anything was tagged. */
    private made: readonly string[] = [],
  ) {
    this.description = `[oci-layout] ${printable(displayPath)}`;
    this.finder = new ReferrerFinder((desc) => this.readManifest(desc), this.description);
    this.files = new LayoutFiles(root, this.description);
  }

  async readIndex(): Promise<ImageIndex> {
    return parseLayoutIndex(await this.files.read(join(this.root, INDEX_FILE), INDEX_FILE, MAX_INDEX_BYTES), this.description);
  }

  async resolve(selector: string | undefined): Promise<Descriptor> {
    return findRoot(
      await this.readIndex(),
      selector,
      this.description,
      (digest) => this.sniff(digest),
      (entry) => this.finder.isAttached(entry),
    );
  }

  async referrers(subject: Descriptor, artifactType?: string): Promise<Descriptor[]> {
    return this.finder.referrers(await this.readIndex(), subject, artifactType);
  }

  async tags(): Promise<string[]> {
    return indexTags(await this.readIndex());
  }

  async readTag(tag: string, context?: TagContext): Promise<Descriptor | undefined> {
    return taggedEntry(await this.readIndex(), tag, imageNameFor(tag, context?.repository));
  }

  async fetch(desc: Descriptor): Promise<Readable> {
    const { handle } = await this.files.open(blobPath(this.root, desc.digest), `blob ${desc.digest}`);
    return handle.createReadStream();
  }

  /** A blob's bytes from `offset` on: the file read from that position. */
  async fetchFrom(desc: Descriptor, offset: number): Promise<Readable> {
    const { handle } = await this.files.open(blobPath(this.root, desc.digest), `blob ${desc.digest}`);
    return handle.createReadStream({ start: offset });
  }

  async exists(desc: Descriptor): Promise<boolean> {
    const size = await this.storedSize(desc.digest);
    return size === desc.size;
  }

  /** The size of the blob's file, or undefined when there is none. */
  async blobSize(desc: Descriptor): Promise<number | undefined> {
    return this.storedSize(desc.digest);
  }

  async push(desc: Descriptor, content: Readable): Promise<void> {
    if (isManifest(desc.mediaType) && desc.size <= MAX_MANIFEST_BYTES) {
      await this.pushManifest(desc, await readManifestBytes(content, desc));
      return;
    }
    if ((await this.storedSize(desc.digest)) === desc.size) {
      await drain(content);
      return;
    }
    await this.writeBlob(desc, content);
  }

  async tag(desc: Descriptor, reference: string, context?: TagContext): Promise<void> {
    if ((await this.storedSize(desc.digest)) === undefined) {
      throw new NotFoundError(`cannot tag ${desc.digest} in ${this.description}: the manifest is not stored there`);
    }
    const imageName = imageNameFor(reference, context?.repository);
    await this.updateIndex((index) => withReference(index, desc, reference, imageName));
    // A tagged image is finished: the new layout holding it stays, whatever fails after.
    this.keepMade();
  }

  /**
   * Drops the tag's entry from index.json (the entry of this image name, as `readTag` finds it).
   * The blobs stay: a layout has no garbage collector, and another entry may still need them.
   */
  async removeTag(tag: string, options: RemoveTagOptions = {}): Promise<TagRemoval> {
    const imageName = imageNameFor(tag, options.context?.repository);
    if (!taggedEntry(await this.readIndex(), tag, imageName)) return 'absent';
    let outcome: TagRemoval = 'absent';
    await this.updateIndex((index) => {
      const entry = taggedEntry(index, tag, imageName);
      if (!entry) return index;
      if (options.expected !== undefined && entry.digest !== options.expected) {
        outcome = 'moved';
        return index;
      }
      outcome = 'removed';
      return withoutTag(index, tag, imageName);
    });
    return outcome;
  }

  async close(outcome: 'success' | 'failure'): Promise<void> {
    if (outcome === 'success' && this.unlisted.size) await this.updateIndex((index) => index);
    await this.indexUpdate.catch(() => undefined);
    if (outcome === 'failure') {
      this.unlisted.clear();
      await Promise.all([...this.inFlight].map((p) => rm(p, { force: true })));
      await removeMade(this.made);
      this.made = [];
    } else {
      this.keepMade();
    }
  }

  private keepMade(): void {
    for (const path of this.made) untrackPartial(path);
    this.made = [];
  }

  /** A manifest is small: it is held whole, so a referrer among them can be listed in the index. */
  private async pushManifest(desc: Descriptor, bytes: Buffer): Promise<void> {
    verifyBytes(bytes, desc);
    if ((await this.storedSize(desc.digest)) !== desc.size) await this.writeBlob(desc, Readable.from([bytes]));
    const entry = referrerEntry(desc, bytes);
    if (entry) this.unlisted.set(entry.digest, entry);
  }

  /**
   * Reads, changes and replaces index.json one change at a time, re-reading it so entries set by
   * others survive. Referrers pushed so far are listed with the change.
   */
  private async updateIndex(change: (index: ImageIndex) => ImageIndex): Promise<void> {
    const next = this.indexUpdate.then(async () => {
      const listing = [...this.unlisted.values()];
      let index = await this.readIndex();
      for (const entry of listing) index = withReference(index, entry, entry.digest);
      index = change(index);
      const temp = partialPath(this.root, INDEX_FILE);
      this.inFlight.add(temp);
      trackPartial(temp);
      try {
        await writeFile(temp, serializeIndex(index), { flag: 'wx' });
        await rename(temp, join(this.root, INDEX_FILE));
      } finally {
        this.inFlight.delete(temp);
        untrackPartial(temp);
        await rm(temp, { force: true });
      }
      for (const entry of listing) this.unlisted.delete(entry.digest);
    });
    this.indexUpdate = next.catch(() => undefined);
    await next;
  }

  /** Into `blobs/<alg>/`, once that is known to be a directory of this layout, not a link out of it. */
  private async writeBlob(desc: Descriptor, content: Readable): Promise<void> {
    const dir = dirname(blobPath(this.root, desc.digest));
    // mkdir follows links: `blobs` must be checked before anything is made under it.
    await this.files.checkWritable(dirname(dir), 'blobs');
    await mkdir(dir, { recursive: true });
    await this.files.checkWritable(dir, relative(this.root, dir));
    await writeVerifiedBlob(this.root, desc, content, this.inFlight);
  }

  private async readManifest(desc: Descriptor): Promise<Buffer | undefined> {
    const what = `manifest ${desc.digest}`;
    const bytes = await this.files.read(blobPath(this.root, desc.digest), what, MAX_MANIFEST_BYTES).catch((err: unknown) => {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    });
    if (bytes && bytes.length !== desc.size) {
      throw new ContentError(`${what} in ${this.description} is ${bytes.length} bytes, not the ${desc.size} its index entry says`);
    }
    return bytes;
  }

  /** The size of the regular file a blob is stored in, if it is stored in this layout. */
  private storedSize(digest: string): Promise<number | undefined> {
    return this.files.storedSize(blobPath(this.root, digest));
  }

  private async sniff(digest: string): Promise<Descriptor | undefined> {
    const size = await this.storedSize(digest);
    if (size === undefined || size > MAX_MANIFEST_BYTES) return undefined;
    return sniffManifest(await this.files.read(blobPath(this.root, digest), `blob ${digest}`, MAX_MANIFEST_BYTES), digest);
  }
}
