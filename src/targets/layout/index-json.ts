import { ANNOTATION_IMAGE_NAME, ANNOTATION_REF_NAME, type Descriptor } from '../../oci/descriptor.js';
import { isDigest } from '../../oci/digest.js';
import { ContentError, NotFoundError } from '../../oci/errors.js';
import { parseIndex, type ImageIndex } from '../../oci/manifest.js';
import { imageNameOf, sameImageName } from '../../oci/image-name.js';
import { MediaType, isManifest } from '../../oci/media-types.js';
import { isAttachmentTag } from '../../oci/referrer-kinds.js';
import { isTag } from '../../oci/reference.js';
import { printable, quoted } from '../../oci/text.js';
import { parseBoundedJson } from '../../oci/json.js';

/**
 * The `index.json` of an OCI image layout, shared by layout directories and archives: which roots
 * there are, their tags (the `org.opencontainers.image.ref.name` annotation), and how a tag is set.
 */

export const OCI_LAYOUT_FILE = 'oci-layout';
export const INDEX_FILE = 'index.json';
export const OCI_LAYOUT_CONTENT = '{"imageLayoutVersion":"1.0.0"}';

export function emptyIndex(): ImageIndex {
  return { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] };
}

/** Parses `oci-layout` and refuses a layout version this code does not know. */
export function checkOciLayout(content: Uint8Array, where: string): void {
  let version: unknown;
  try {
    version = (parseBoundedJson(Buffer.from(content).toString('utf8')) as { imageLayoutVersion?: unknown })?.imageLayoutVersion;
  } catch {
    throw new ContentError(`${OCI_LAYOUT_FILE} in ${where} is not valid JSON`);
  }
  if (typeof version !== 'string' || !/^1\.\d+\.\d+$/.test(version)) {
    throw new ContentError(`${where} has OCI layout version ${printable(JSON.stringify(version) ?? 'none')}: only 1.x is supported`);
  }
}

export function parseLayoutIndex(content: Uint8Array, where: string): ImageIndex {
  // Every entry's digest, size and media type are checked as the index is parsed.
  return parseIndex(content, `${INDEX_FILE} in ${where}`);
}

/** Written with the fields skopeo omits, so any reader knows what it is. */
export function serializeIndex(index: ImageIndex): Buffer {
  const { schemaVersion: _s, mediaType: _m, manifests, ...rest } = index;
  return Buffer.from(`${JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests, ...rest })}\n`);
}

export function refNameOf(desc: Descriptor): string | undefined {
  return desc.annotations?.[ANNOTATION_REF_NAME];
}

/** Every tag in the index, in index order, each once. */
export function indexTags(index: ImageIndex): string[] {
  const tags = index.manifests.map(refNameOf).filter((t): t is string => typeof t === 'string');
  return [...new Set(tags)];
}

/** The image tags, for a message: attachment tags (`sha256-<hex>.sig`) are not images to name. */
function tagList(index: ImageIndex): string {
  const tags = indexTags(index).filter((t) => !isAttachmentTag(t));
  return tags.length ? tags.map((t) => printable(t)).join(', ') : 'none';
}

/** Reads the media type of a blob that is not listed in the index (a child manifest), if it is one. */
export type ManifestSniffer = (digest: string) => Promise<Descriptor | undefined>;

/** Whether an index entry is listed for another image's sake (a referrer), so it is no root of its own. */
export type AttachedTest = (entry: Descriptor) => Promise<boolean>;

/**
 * The root a selector names: a tag (exact ref name, else a full name ending in `:tag`), a digest
 * (listed in the index, or a manifest blob that `sniff` recognises), or nothing (the only root,
 * not counting the entries `attached` says are referrers).
 */
export async function findRoot(
  index: ImageIndex,
  selector: string | undefined,
  where: string,
  sniff?: ManifestSniffer,
  attached?: AttachedTest,
): Promise<Descriptor> {
  if (selector === undefined) {
    let roots = index.manifests;
    if (new Set(roots.map((d) => d.digest)).size > 1) roots = roots.filter((d) => !isAttachmentTag(refNameOf(d)));
    if (attached && new Set(roots.map((d) => d.digest)).size > 1) {
      const flags = await Promise.all(roots.map((d) => attached(d)));
      roots = roots.filter((_, i) => !flags[i]);
    }
    const digests = new Set(roots.map((d) => d.digest));
    if (digests.size === 1) return roots[0];
    if (digests.size === 0) throw new NotFoundError(`${where} holds no image`);
    const names = [...new Set(roots.map(imageNameOf).filter((n): n is string => n !== undefined))].map((n) => printable(n));
    const byName = names.length ? `, one of its images as docker-archive:PATH:NAME:TAG (${names.join(', ')})` : '';
    throw new NotFoundError(
      `${where} holds ${digests.size} images and no tag was given: name one of its tags (${tagList({ ...index, manifests: roots })})${byName} or a digest`,
    );
  }
  if (isDigest(selector)) {
    const listed = index.manifests.find((d) => d.digest === selector);
    if (listed) return listed;
    const sniffed = await sniff?.(selector);
    if (sniffed) return sniffed;
    throw new NotFoundError(`${printable(selector)} is not in ${where}`);
  }
  if (!isTag(selector)) return findNamed(index, selector, where);
  let matches = index.manifests.filter((d) => refNameOf(d) === selector);
  if (matches.length === 0) {
    // containerd before 1.5 and `ctr export` wrote the full name (`docker.io/library/alpine:3.19`).
    matches = index.manifests.filter((d) => {
      const name = refNameOf(d) ?? d.annotations?.[ANNOTATION_IMAGE_NAME];
      return name?.endsWith(`:${selector}`);
    });
  }
  const digests = new Set(matches.map((d) => d.digest));
  if (digests.size === 1) return matches[0];
  if (digests.size === 0) throw new NotFoundError(`tag ${quoted(selector)} is not in ${where}: its tags are ${tagList(index)}`);
  const names = matches.map((d) => printable(d.annotations?.[ANNOTATION_IMAGE_NAME] ?? d.digest));
  throw new NotFoundError(
    `tag ${quoted(selector)} names ${digests.size} images in ${where} (${names.join(', ')}): name one by digest, or read it as docker-archive:PATH:NAME:TAG`,
  );
}

/**
 * What a tag names in the index (its ref name exactly), or undefined. With `imageName`, the entry
 * of that tag for that image: the one tagging it would replace (see `withReference`).
 */
export function taggedEntry(index: ImageIndex, tag: string, imageName?: string): Descriptor | undefined {
  const entry = index.manifests.find((d) => refNameOf(d) === tag && sameImageSlot(d, imageName));
  return entry && { mediaType: entry.mediaType, digest: entry.digest, size: entry.size };
}

/** The image of a full name (`example.com/app:1.2`, as docker-archive: references pick one). */
function findNamed(index: ImageIndex, name: string, where: string): Descriptor {
  const matches = index.manifests.filter((d) => {
    const named = imageNameOf(d);
    return named !== undefined && sameImageName(named, name);
  });
  if (matches.length > 0 && matches.every((d) => d.digest === matches[0].digest)) return matches[0];
  const shown = quoted(name);
  if (matches.length > 0)
    throw new NotFoundError(
      `image ${shown} names ${new Set(matches.map((d) => d.digest)).size} different images in ${where}: name one by digest`,
    );
  const names = [...new Set(index.manifests.map(imageNameOf).filter((n): n is string => n !== undefined))];
  throw new NotFoundError(
    `image ${shown} is not in ${where}: its images are ${names.length ? names.map((n) => printable(n)).join(', ') : 'unnamed'}`,
  );
}

/**
 * The index with `reference` pointing at `desc`. A tag replaces any entry of that tag for the same
 * image name (or where either has none) and keeps the others, so `a/x:latest` and `b/y:latest`
 * live side by side; `imageName` is kept beside the tag for loaders. A digest adds an untagged
 * entry unless the index already lists that digest.
 */
export function withReference(index: ImageIndex, desc: Descriptor, reference: string, imageName?: string): ImageIndex {
  const manifests = [...index.manifests];
  if (isDigest(reference)) {
    if (reference !== desc.digest) throw new ContentError(`cannot name ${desc.digest} by another digest ${reference}`);
    if (!manifests.some((d) => d.digest === desc.digest)) manifests.push(indexEntry(desc, undefined, undefined));
    return { ...index, manifests };
  }
  const kept = manifests.filter((d) => refNameOf(d) !== reference || !sameImageSlot(d, imageName));
  kept.push(indexEntry(desc, reference, imageName));
  return { ...index, manifests: kept };
}

/** The index without `tag`'s entry for the image `imageName` names (see `withReference`). */
export function withoutTag(index: ImageIndex, tag: string, imageName?: string): ImageIndex {
  return { ...index, manifests: index.manifests.filter((d) => refNameOf(d) !== tag || !sameImageSlot(d, imageName)) };
}

/** Whether a tag's entry belongs to the image `imageName` names: it does when either has no name. */
function sameImageSlot(entry: Descriptor, imageName: string | undefined): boolean {
  const named = entry.annotations?.[ANNOTATION_IMAGE_NAME];
  return named === undefined || imageName === undefined || sameImageName(named, imageName);
}

/** The entry for a root: its own fields, no naming annotation inherited from where it came from. */
function indexEntry(desc: Descriptor, tag: string | undefined, imageName: string | undefined): Descriptor {
  const entry: Descriptor = { mediaType: desc.mediaType, digest: desc.digest, size: desc.size };
  if (desc.platform) entry.platform = desc.platform;
  if (desc.artifactType) entry.artifactType = desc.artifactType;
  const annotations = { ...(desc.annotations ?? {}) };
  delete annotations[ANNOTATION_REF_NAME];
  delete annotations[ANNOTATION_IMAGE_NAME];
  if (imageName !== undefined && tag !== undefined) annotations[ANNOTATION_IMAGE_NAME] = imageName;
  if (tag !== undefined) annotations[ANNOTATION_REF_NAME] = tag;
  if (Object.keys(annotations).length) entry.annotations = annotations;
  return entry;
}

/** The full name a tag gives an image from `repository` (`host/repo`), when the repository is known. */
export function imageNameFor(reference: string, repository: string | undefined): string | undefined {
  return repository !== undefined && !isDigest(reference) ? `${repository}:${reference}` : undefined;
}

/** Recognises a manifest or index from its own `mediaType` field (what a layout blob can tell). */
export function sniffManifest(content: Uint8Array, digest: string): Descriptor | undefined {
  try {
    const parsed = parseBoundedJson(Buffer.from(content).toString('utf8')) as {
      mediaType?: unknown;
      manifests?: unknown;
      config?: unknown;
    };
    let mediaType = typeof parsed?.mediaType === 'string' ? parsed.mediaType : undefined;
    if (!mediaType && Array.isArray(parsed?.manifests)) mediaType = MediaType.OciIndex;
    if (!mediaType && parsed?.config) mediaType = MediaType.OciManifest;
    if (!mediaType || !isManifest(mediaType)) return undefined;
    return { mediaType, digest, size: content.byteLength };
  } catch {
    return undefined;
  }
}
