import type { Descriptor, Platform } from '../oci/descriptor.js';
import { digestOf } from '../oci/digest.js';
import { NotFoundError } from '../oci/errors.js';
import { parseIndex, parseJson, parseImageManifest, type ImageIndex } from '../oci/manifest.js';
import { isImageManifest, isIndex } from '../oci/media-types.js';
import { formatPlatform, platformMatches } from '../oci/platform.js';
import { printable } from '../oci/text.js';
import type { PlatformManifest } from './events.js';

/** What choosing platforms reads from the source: verified bytes of a manifest, and of an image config. */
export interface PlatformSourceReader {
  manifest(desc: Descriptor): Promise<Buffer>;
  config(desc: Descriptor): Promise<Buffer>;
}

export interface PlatformChoice {
  /** What is copied: the source's root, one platform's manifest, or a new index of several. */
  root: Descriptor;
  /** The bytes of the new index, when one was made (verified by construction: its digest is theirs). */
  content?: Buffer;
  /** The root's platform manifests (an index), or the one platform it was chosen for or checked against. */
  platforms?: PlatformManifest[];
}

/**
 * buildx stores provenance and SBOMs as index entries of platform `unknown/unknown` that name the
 * platform manifest they describe; they go wherever that manifest goes.
 */
const REFERENCE_TYPE = 'vnd.docker.reference.type';
const REFERENCE_DIGEST = 'vnd.docker.reference.digest';
const isAttestationEntry = (d: Descriptor) => d.annotations?.[REFERENCE_TYPE] === 'attestation-manifest';

/**
 * The root to copy for the platforms asked. None: the source's root as it is. One: that
 * platform's manifest of an index, or a single-platform image checked against its config. Several:
 * a new index holding only their manifests (and the attestations of those), with every other field
 * of the source's index kept, so its digest differs from the source's; when they are all the
 * index has, the source's index itself. A platform the source does not have is an error naming
 * what it has. `where` names the source in messages.
 */
export async function choosePlatforms(
  source: Descriptor,
  asked: Platform[],
  read: PlatformSourceReader,
  where: string,
): Promise<PlatformChoice> {
  const wanted = distinct(asked);
  if (isIndex(source.mediaType)) {
    const bytes = await read.manifest(source);
    const index = parseIndex(bytes, `index ${source.digest}`);
    if (!wanted.length) return { root: source, platforms: platformManifests(index.manifests) };
    return chooseFromIndex(source, bytes, index, wanted, where);
  }
  if (!wanted.length) return { root: source };
  const platform = isImageManifest(source.mediaType) ? await imagePlatform(source, read) : undefined;
  if (!platform) {
    throw new NotFoundError(
      `${platformList(wanted)} asked for, but ${where} names no platform: it is not an image whose config gives os and architecture; copy it without a platform`,
    );
  }
  const missing = wanted.filter((w) => !platformMatches(w, platform));
  if (missing.length) {
    throw new NotFoundError(
      `${platformList(missing)} ${missing.length > 1 ? 'are' : 'is'} not in ${where}: it is a single-platform image for ${printable(formatPlatform(platform))}`,
    );
  }
  return { root: source, platforms: [{ platform, mediaType: source.mediaType, digest: source.digest, size: source.size }] };
}

function chooseFromIndex(source: Descriptor, bytes: Buffer, index: ImageIndex, wanted: Platform[], where: string): PlatformChoice {
  const images = index.manifests.filter((d) => !isAttestationEntry(d));
  const chosen: Descriptor[] = [];
  const missing: Platform[] = [];
  for (const w of wanted) {
    const match = images.find((m) => platformMatches(w, m.platform));
    if (!match) missing.push(w);
    else if (!chosen.includes(match)) chosen.push(match);
  }
  if (missing.length) {
    const offered = images.map((m) => (m.platform ? printable(formatPlatform(m.platform)) : 'unknown')).join(', ');
    throw new NotFoundError(
      `${platformList(missing)} ${missing.length > 1 ? 'are' : 'is'} not in ${where}: it has ${offered || 'no platforms'}`,
    );
  }
  if (wanted.length === 1) {
    const [m] = chosen;
    return { root: { mediaType: m.mediaType, digest: m.digest, size: m.size }, platforms: platformManifests(chosen) };
  }
  const kept = new Set(chosen.map((m) => m.digest));
  const manifests = index.manifests.filter(
    (d) => kept.has(d.digest) || (isAttestationEntry(d) && kept.has(d.annotations?.[REFERENCE_DIGEST] ?? '')),
  );
  if (manifests.length === index.manifests.length) return { root: source, platforms: platformManifests(chosen) };
  // Every field of the source's index stays (its annotations above all); only the list shrinks.
  const doc = parseJson<Record<string, unknown>>(bytes, `index ${source.digest}`);
  const content = Buffer.from(JSON.stringify({ ...doc, mediaType: source.mediaType, manifests }));
  return {
    root: { mediaType: source.mediaType, digest: digestOf(content), size: content.length },
    content,
    platforms: platformManifests(manifests),
  };
}

/** The platform of a single-platform image, from its config's `os`, `architecture` and `variant`. */
async function imagePlatform(desc: Descriptor, read: PlatformSourceReader): Promise<Platform | undefined> {
  const manifest = parseImageManifest(await read.manifest(desc), `manifest ${desc.digest}`);
  const config = parseJson<Record<string, unknown>>(await read.config(manifest.config), `config ${manifest.config.digest}`);
  const { os, architecture, variant } = config ?? {};
  if (typeof os !== 'string' || typeof architecture !== 'string' || !os || !architecture) return undefined;
  return typeof variant === 'string' && variant ? { os, architecture, variant } : { os, architecture };
}

/** The entries of an index that are images for a platform. */
export function platformManifests(entries: Descriptor[]): PlatformManifest[] {
  return entries
    .filter((d) => d.platform && !isAttestationEntry(d))
    .map((d) => ({ platform: d.platform!, mediaType: d.mediaType, digest: d.digest, size: d.size }));
}

function distinct(platforms: Platform[]): Platform[] {
  const seen = new Set<string>();
  return platforms.filter((p) => {
    const key = formatPlatform(p).toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function platformList(platforms: Platform[]): string {
  const names = platforms.map((p) => printable(formatPlatform(p))).join(', ');
  return platforms.length > 1 ? `platforms ${names}` : `platform ${names}`;
}
