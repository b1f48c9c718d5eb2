import { ANNOTATION_REF_NAME, type Descriptor, type Platform } from '../../oci/descriptor.js';
import { familiarImageName, imageNameOf, normalizeImageName } from '../../oci/image-name.js';
import { parseImageManifest, parseIndex, type ImageIndex, type ImageManifest } from '../../oci/manifest.js';
import { MediaType, isImageManifest, isIndex } from '../../oci/media-types.js';
import { formatPlatform, platformMatches } from '../../oci/platform.js';
import { isAttachmentTag } from '../../oci/referrer-kinds.js';
import { printable } from '../../oci/text.js';
import type { StoreNote } from '../target.js';
import { blobEntryName } from './entry-names.js';

/** One image of `docker save`'s `manifest.json`, as Docker 25 and containerd write it beside an OCI layout. */
export interface DockerManifestItem {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

/** Where `manifest.json` is made from: the archive's manifests and what is known of its index entries. */
export interface DockerManifestSource {
  /** The bytes of a manifest or index in the archive. */
  read(desc: Descriptor): Promise<Buffer>;
  /** Whether an index entry is a referrer (a signature, an SBOM) rather than an image. */
  isAttached(entry: Descriptor): Promise<boolean>;
  /** The platform the export asked for, for an entry it wrote. */
  platformOf(entry: Descriptor): Platform | undefined;
  /** Whether the archive holds a blob or manifest (an index of another tool may list children it left out). */
  has(desc: Descriptor): Promise<boolean>;
}

const LINUX_AMD64: Platform = { os: 'linux', architecture: 'amd64' };
const IMAGE_CONFIG_TYPES: readonly string[] = [MediaType.OciConfig, MediaType.DockerConfig];

/**
 * The `manifest.json` of an archive's index: one item per image, its tags in docker's familiar
 * spelling (`app:1.2`, `example.com/app:1.2`), its config and layers named by their blob entries.
 * An index stands for one of its images, as `docker load` can take only one: the platform the
 * export asked for, else linux/amd64 when present, else the first, of those the archive holds.
 * Referrers and artifacts (whose config is no image config) are not images and are left out, as
 * are images the archive does not hold whole (skopeo's `--multi-arch index-only` writes an index
 * without its children): docker could not load them. `index.json` still lists them all.
 */
export async function dockerManifestList(index: ImageIndex, source: DockerManifestSource): Promise<DockerManifestItem[]> {
  const items: DockerManifestItem[] = [];
  const byDigest = new Map<string, DockerManifestItem>();
  for (const entry of index.manifests) {
    // cosign's `sha256-<hex>.sig` tags and referrers are attachments of an image, not images.
    if (isAttachmentTag(entry.annotations?.[ANNOTATION_REF_NAME]) || (await source.isAttached(entry))) continue;
    const image = await imageOf(entry, source);
    if (!image) continue;
    let item = byDigest.get(image.digest);
    if (!item) {
      item = {
        Config: blobEntryName(image.manifest.config.digest),
        RepoTags: [],
        Layers: (image.manifest.layers ?? []).map((l) => blobEntryName(l.digest)),
      };
      byDigest.set(image.digest, item);
      items.push(item);
    }
    const name = imageNameOf(entry);
    const full = name === undefined ? undefined : normalizeImageName(name);
    if (full && !item.RepoTags.includes(familiarImageName(full))) item.RepoTags.push(familiarImageName(full));
  }
  return items;
}

async function imageOf(entry: Descriptor, source: DockerManifestSource): Promise<{ digest: string; manifest: ImageManifest } | undefined> {
  if (!(await source.has(entry))) return undefined;
  let chosen = entry;
  if (isIndex(entry.mediaType)) {
    const children = parseIndex(await source.read(entry), `index ${entry.digest}`).manifests;
    const held = [];
    for (const child of children) if (await source.has(child)) held.push(child);
    const pick = dockerImageOf(held, source.platformOf(entry));
    if (!pick) return undefined;
    chosen = pick;
  }
  if (!isImageManifest(chosen.mediaType)) return undefined;
  const manifest = parseImageManifest(await source.read(chosen), `manifest ${chosen.digest}`);
  if (!IMAGE_CONFIG_TYPES.includes(manifest.config.mediaType)) return undefined;
  // Layers with foreign `urls` are never copied: they are listed whether or not they are held.
  const copied = [manifest.config, ...(manifest.layers ?? []).filter((l) => !l.urls?.length)];
  for (const blob of copied) if (!(await source.has(blob))) return undefined;
  return { digest: chosen.digest, manifest };
}

/** The image of an index that docker is given: attestation manifests (`unknown/unknown`) never count. */
export function dockerImageOf(children: Descriptor[], wanted: Platform | undefined): Descriptor | undefined {
  const images = children.filter((c) => isImageManifest(c.mediaType) && c.platform?.os !== 'unknown');
  for (const platform of [wanted, LINUX_AMD64]) {
    const match = platform && images.find((c) => platformMatches(platform, c.platform));
    if (match) return match;
  }
  return images[0];
}

/** What a docker archive knows of a root it tagged, to say how `docker load` will take it. */
export interface DockerStoreFacts {
  /** The bytes of a manifest or index it wrote. */
  read(desc: Descriptor): Promise<Buffer>;
  /** The platform the export asked for first. */
  platform?: Platform;
  /** The root's tags that got no image name (the destination named none, the source has none). */
  unnamedTags: string[];
}

/**
 * What is worth saying of a root in a docker archive: which image of an index its `manifest.json`
 * lists (docker load takes one), and, as a warning, that it could name the image nothing, so that
 * `manifest.json` says `RepoTags: []` and loaders make up a name or none.
 */
export async function dockerStoreNotes(root: Descriptor, facts: DockerStoreFacts): Promise<StoreNote[]> {
  const notes: StoreNote[] = [];
  if (isIndex(root.mediaType)) {
    const children = parseIndex(await facts.read(root), `index ${root.digest}`).manifests;
    const chosen = dockerImageOf(children, facts.platform);
    if (!chosen) return notes;
    const name = chosen.platform ? formatPlatform(chosen.platform) : chosen.digest;
    notes.push({
      message: `manifest.json lists ${printable(name)} (${chosen.digest}), the one image of the index docker load takes; index.json keeps all ${children.length} for other loaders`,
    });
  } else if (!isImageManifest(root.mediaType)) {
    return notes;
  }
  const tag = facts.unnamedTags[0];
  if (tag !== undefined) {
    notes.push({
      level: 'warning',
      message:
        `manifest.json names no image for ${root.digest} (RepoTags: []): the destination names none and the source has no repository, ` +
        `so docker load leaves it untagged and podman calls it localhost/${printable(tag)}:latest; name it in the destination (docker-archive:PATH:NAME:TAG)`,
    });
  }
  return notes;
}
