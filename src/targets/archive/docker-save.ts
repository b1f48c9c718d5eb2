import { ANNOTATION_REF_NAME, type Descriptor } from '../../oci/descriptor.js';
import { digestOf, isDigest } from '../../oci/digest.js';
import { ContentError, NotFoundError } from '../../oci/errors.js';
import type { ImageIndex, ImageManifest } from '../../oci/manifest.js';
import { MAX_MANIFEST_BYTES, MediaType } from '../../oci/media-types.js';
import { normalizeImageName, tagOfImageName } from '../../oci/image-name.js';
import { ANNOTATION_IMAGE_NAME } from '../../oci/descriptor.js';
import { emptyIndex } from '../layout/index-json.js';
import type { ArchiveContents } from './archive-contents.js';
import { DOCKER_MANIFEST_FILE, normalizeEntryName } from './entry-names.js';
import { bytesEntry, describeEntry, readEntry, type StoredEntry } from './stored-entry.js';
import { quoted } from '../../oci/text.js';
import { parseBoundedJson } from '../../oci/json.js';

/** One image of a `docker save` `manifest.json`, checked. */
export interface DockerSaveItem {
  config: string;
  repoTags: string[];
  layers: string[];
}

/** Reads and checks an archive's `manifest.json`: every item has a Config and a list of Layers. */
export async function readDockerManifestList(contents: ArchiveContents, where: string): Promise<DockerSaveItem[]> {
  const listFile = contents.files.get(DOCKER_MANIFEST_FILE);
  if (!listFile) throw new NotFoundError(`${where} has no ${DOCKER_MANIFEST_FILE}`);
  const raw = await readEntry(listFile, MAX_MANIFEST_BYTES, `${DOCKER_MANIFEST_FILE} in ${where}`);
  let items: unknown;
  try {
    items = parseBoundedJson(raw.toString('utf8'));
  } catch {
    throw new ContentError(`${DOCKER_MANIFEST_FILE} in ${where} is not valid JSON`);
  }
  if (!Array.isArray(items) || items.length === 0) throw new ContentError(`${DOCKER_MANIFEST_FILE} in ${where} lists no image`);
  return items.map((item: { Config?: unknown; RepoTags?: unknown; Layers?: unknown } | null) => {
    if (typeof item?.Config !== 'string' || !Array.isArray(item.Layers) || !item.Layers.every((l) => typeof l === 'string')) {
      throw new ContentError(`${DOCKER_MANIFEST_FILE} in ${where} is malformed: an item lacks Config or Layers`);
    }
    const repoTags = Array.isArray(item.RepoTags) ? item.RepoTags.filter((t): t is string => typeof t === 'string') : [];
    return { config: item.Config, repoTags, layers: item.Layers as string[] };
  });
}

/**
 * Turns a `docker save` archive without `index.json` (Docker before 25, skopeo's docker-archive:,
 * or tools that write its format) into OCI images: a manifest per `manifest.json` item over the
 * config and layer files, digests computed by streaming them, tagged with the tags of its
 * `RepoTags` (the full name kept in the `io.containerd.image.name` annotation, as Docker 25 does).
 * The new manifests are added to `contents.blobs`; configs and layers are served from where they
 * sit in the archive. `roots[i]` is the image of item `i`.
 */
export async function convertDockerSave(
  contents: ArchiveContents,
  items: DockerSaveItem[],
  where: string,
): Promise<{ index: ImageIndex; roots: Descriptor[] }> {
  const index = emptyIndex();
  const roots: Descriptor[] = [];
  for (const item of items) {
    const config = await describeFile(contents, item.config, where);
    const layers: Descriptor[] = [];
    for (const layer of item.layers) {
      const d = await describeFile(contents, layer, where);
      layers.push({ mediaType: d.gzip ? MediaType.OciLayerGzip : MediaType.OciLayer, digest: d.digest, size: d.size });
    }
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: MediaType.OciConfig, digest: config.digest, size: config.size },
      layers,
    };
    const bytes = Buffer.from(JSON.stringify(manifest));
    const digest = digestOf(bytes);
    contents.blobs.set(digest, bytesEntry(bytes, digest));
    const root: Descriptor = { mediaType: MediaType.OciManifest, digest, size: bytes.byteLength };
    if (item.repoTags.length === 0) index.manifests.push(root);
    for (const name of item.repoTags) {
      index.manifests.push({
        ...root,
        annotations: { [ANNOTATION_IMAGE_NAME]: normalizeImageName(name) ?? name, [ANNOTATION_REF_NAME]: tagOfImageName(name) },
      });
    }
    roots.push(withItemName(root, item));
  }
  return { index, roots };
}

/** The descriptor named by the item's first tag, so that what is copied from it keeps its name. */
export function withItemName(desc: Descriptor, item: DockerSaveItem): Descriptor {
  const name = item.repoTags.map(normalizeImageName).find((n) => n !== undefined);
  return name ? { ...desc, annotations: { ...desc.annotations, [ANNOTATION_IMAGE_NAME]: name } } : desc;
}

/** The digest of a file `manifest.json` names (`blobs/sha256/<hex>` says it; any other is hashed). */
export async function digestOfListedFile(contents: ArchiveContents, name: string, where: string): Promise<string> {
  return (await describeFile(contents, name, where)).digest;
}

async function describeFile(
  contents: ArchiveContents,
  name: string,
  where: string,
): Promise<{ digest: string; size: number; gzip: boolean }> {
  const normalized = normalizeEntryName(name);
  const blobDigest = normalized.startsWith('blobs/') ? normalized.slice(6).replace('/', ':') : undefined;
  let entry: StoredEntry | undefined = blobDigest && isDigest(blobDigest) ? contents.blobs.get(blobDigest) : contents.files.get(normalized);
  if (!entry) throw new NotFoundError(`${DOCKER_MANIFEST_FILE} in ${where} names ${quoted(name)}, which is not in the archive`);
  const { digest, gzip } = await describeEntry(entry);
  if (blobDigest && digest !== blobDigest) {
    throw new ContentError(`${where}: entry ${quoted(name)} does not hold the blob its name promises (got ${digest})`);
  }
  // Serve the file as the blob it now is, and hash it once however many images share it (an
  // entry's open() may live on its prototype: wrap it, never spread it).
  const file = entry;
  entry = { size: file.size, digest, gzip, open: () => file.open() };
  if (!blobDigest) contents.files.set(normalized, entry);
  if (!contents.blobs.has(digest)) contents.blobs.set(digest, entry);
  return { digest, size: entry.size, gzip };
}
