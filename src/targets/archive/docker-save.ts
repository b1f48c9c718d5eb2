import { ANNOTATION_REF_NAME, type Descriptor } from '../../oci/descriptor.js';
import { digestOf, isDigest } from '../../oci/digest.js';
import { ContentError, NotFoundError } from '../../oci/errors.js';
import type { ImageIndex, ImageManifest } from '../../oci/manifest.js';
import { MAX_MANIFEST_BYTES, MediaType } from '../../oci/media-types.js';
import { ANNOTATION_IMAGE_NAME, emptyIndex } from '../layout/index-json.js';
import type { ArchiveContents } from './archive-contents.js';
import { DOCKER_MANIFEST_FILE, normalizeEntryName } from './entry-names.js';
import { bytesEntry, describeEntry, readEntry, type StoredEntry } from './stored-entry.js';
import { quoted } from '../../oci/text.js';

interface DockerSaveItem {
  Config?: unknown;
  RepoTags?: unknown;
  Layers?: unknown;
}

/**
 * Turns a `docker save` archive without `index.json` (Docker before 25, or tools that write its
 * format) into OCI images: a manifest per `manifest.json` item over the config and layer files,
 * digests computed by streaming them, tagged with the tags of its `RepoTags` (the full name kept
 * in the `io.containerd.image.name` annotation, as Docker 25 does). The new manifests are added to
 * `contents.blobs`; configs and layers are served from where they sit in the archive.
 */
export async function convertDockerSave(contents: ArchiveContents, where: string): Promise<ImageIndex> {
  const listFile = contents.files.get(DOCKER_MANIFEST_FILE)!;
  const raw = await readEntry(listFile, MAX_MANIFEST_BYTES, `${DOCKER_MANIFEST_FILE} in ${where}`);
  let items: DockerSaveItem[];
  try {
    items = JSON.parse(raw.toString('utf8')) as DockerSaveItem[];
  } catch {
    throw new ContentError(`${DOCKER_MANIFEST_FILE} in ${where} is not valid JSON`);
  }
  if (!Array.isArray(items) || items.length === 0) throw new ContentError(`${DOCKER_MANIFEST_FILE} in ${where} lists no image`);

  const index = emptyIndex();
  for (const item of items) {
    if (typeof item?.Config !== 'string' || !Array.isArray(item.Layers) || !item.Layers.every((l) => typeof l === 'string')) {
      throw new ContentError(`${DOCKER_MANIFEST_FILE} in ${where} is malformed: an item lacks Config or Layers`);
    }
    const config = await describeFile(contents, item.Config, where);
    const layers: Descriptor[] = [];
    for (const layer of item.Layers as string[]) {
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
    const names = Array.isArray(item.RepoTags) ? (item.RepoTags as unknown[]).filter((t): t is string => typeof t === 'string') : [];
    if (names.length === 0) index.manifests.push(root);
    for (const name of names) {
      index.manifests.push({ ...root, annotations: { [ANNOTATION_IMAGE_NAME]: name, [ANNOTATION_REF_NAME]: tagOf(name) } });
    }
  }
  return index;
}

/** `registry:5000/repo:1.2` → `1.2`; a name without a tag is `latest`, as docker reads it. */
export function tagOf(name: string): string {
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : 'latest';
}

async function describeFile(
  contents: ArchiveContents,
  name: string,
  where: string,
): Promise<{ digest: string; size: number; gzip: boolean }> {
  const normalized = normalizeEntryName(name);
  const blobDigest = normalized.startsWith('blobs/') ? normalized.slice(6).replace('/', ':') : undefined;
  let entry: StoredEntry | undefined =
    blobDigest && isDigest(blobDigest) ? contents.blobs.get(blobDigest) : contents.files.get(normalized);
  if (!entry) throw new NotFoundError(`${DOCKER_MANIFEST_FILE} in ${where} names ${quoted(name)}, which is not in the archive`);
  const { digest, gzip } = await describeEntry(entry);
  if (blobDigest && digest !== blobDigest) {
    throw new ContentError(`${where}: entry ${quoted(name)} does not hold the blob its name promises (got ${digest})`);
  }
  // Serve the file as the blob it now is.
  entry = { ...entry, digest, gzip };
  if (!contents.blobs.has(digest)) contents.blobs.set(digest, entry);
  return { digest, size: entry.size, gzip };
}
