import type { Descriptor, Platform } from '../oci/descriptor.js';
import { CopyError, NotFoundError } from '../oci/errors.js';
import { parseJson } from '../oci/manifest.js';
import { isManifest, MAX_MANIFEST_BYTES } from '../oci/media-types.js';
import { platformList } from '../oci/platform.js';
import { printable } from '../oci/text.js';
import type { ReadOnlyTarget } from '../targets/target.js';
import type { PlatformManifest } from './events.js';
import type { CopyOptions } from './options.js';
import { refuseSwappedRoot } from './pin.js';
import { choosePlatforms } from './platforms.js';
import { readManifest } from './read-manifest.js';
import { rootSelector, type Selector } from './selector.js';

/** The root a copy resolved: what the source reference names, and what is copied. */
export interface ResolvedRoot {
  /** What the source reference names. */
  source: Descriptor;
  /** What is copied: `source`, or what the platforms asked for chose from it. */
  root: Descriptor;
  /** The root's platform manifests, when it is an index or was chosen for (or checked against) a platform. */
  platforms?: PlatformManifest[];
}

/** Reads a manifest's verified bytes once (a `GraphCopier`, or the job's shared reader). */
export interface ManifestReader {
  manifest(desc: Descriptor): Promise<Buffer>;
}

/** Above this an image config is not read to learn its platform: configs are a few kilobytes. */
const MAX_CONFIG_BYTES = MAX_MANIFEST_BYTES;

/**
 * The node to copy: what the reference names, or what the platforms asked for choose from it (see
 * `choosePlatforms`). A new index made for a list of platforms joins the manifest cache, so copies
 * to further destinations that name it by digest find it there, not in the source.
 */
export async function resolveRoot(
  src: ReadOnlyTarget,
  srcRef: Selector,
  copier: ManifestReader,
  options: CopyOptions,
): Promise<ResolvedRoot> {
  const source = await resolveSource(src, srcRef, options.manifestCache);
  return chooseRoot(src, srcRef, source, platformList(options.platform), copier, options.manifestCache);
}

/**
 * What the platforms asked for make of `source` (see `choosePlatforms`), reading manifests through
 * `reader`; a new index made for several joins `manifestCache`.
 */
export async function chooseRoot(
  src: ReadOnlyTarget,
  srcRef: Selector,
  source: Descriptor,
  wanted: Platform[],
  reader: ManifestReader,
  manifestCache?: Map<string, Buffer>,
): Promise<ResolvedRoot> {
  const where = `${src.description} (${printable(rootSelector(srcRef) ?? 'its only image')})`;
  const choice = await choosePlatforms(
    source,
    wanted,
    { manifest: (desc) => reader.manifest(desc), config: (desc) => readConfig(src, desc) },
    where,
  );
  if (choice.content) manifestCache?.set(choice.root.digest, choice.content);
  return { source, root: choice.root, ...(choice.platforms ? { platforms: choice.platforms } : {}) };
}

/**
 * What the source reference names, by the source's own resolve: a registry's one GET of the tag,
 * whose bytes the walk then reads from memory (no HEAD first). A digest whose verified bytes
 * `manifestCache` holds needs no request. A digest is a pin (see `refuseSwappedRoot`).
 */
export async function resolveSource(src: ReadOnlyTarget, srcRef: Selector, manifestCache?: Map<string, Buffer>): Promise<Descriptor> {
  const selector = rootSelector(srcRef);
  let source = srcRef.digest ? keptManifest(manifestCache, srcRef.digest) : undefined;
  try {
    source ??= await src.resolve(selector);
  } catch (err) {
    if (err instanceof NotFoundError) throw err;
    throw new CopyError('source', `resolving ${printable(selector ?? 'the root')} in ${src.description}`, err);
  }
  refuseSwappedRoot(srcRef.digest, source, src.description);
  return {
    mediaType: source.mediaType,
    digest: source.digest,
    size: source.size,
    ...(source.artifactType ? { artifactType: source.artifactType } : {}),
  };
}

/** A manifest whose verified bytes the cache holds needs no request; its media type is its own field. */
function keptManifest(cache: Map<string, Buffer> | undefined, digest: string): Descriptor | undefined {
  const bytes = cache?.get(digest);
  if (!bytes) return undefined;
  let mediaType: unknown;
  try {
    mediaType = parseJson<{ mediaType?: unknown }>(bytes, `manifest ${digest}`)?.mediaType;
  } catch {
    return undefined;
  }
  return typeof mediaType === 'string' && isManifest(mediaType) ? { mediaType, digest, size: bytes.length } : undefined;
}

/** An image config's verified bytes, read from the source (a few kilobytes at most). */
export async function readConfig(src: ReadOnlyTarget, desc: Descriptor): Promise<Buffer> {
  const what = `fetching config ${desc.digest} from ${src.description}`;
  try {
    return await readManifest(await src.fetch(desc), desc, MAX_CONFIG_BYTES, 'config');
  } catch (err) {
    throw err instanceof CopyError ? err : new CopyError('source', what, err);
  }
}
