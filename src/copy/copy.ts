import type { Descriptor } from '../oci/descriptor.js';
import { CopyError, InputError, NotFoundError } from '../oci/errors.js';
import { parseIndex } from '../oci/manifest.js';
import { isIndex } from '../oci/media-types.js';
import { formatPlatform, platformMatches } from '../oci/platform.js';
import { isLocated, isTagLister, type ReadOnlyTarget, type Target } from '../targets/target.js';
import { GraphCopier } from './graph-copier.js';
import type { CopyOptions } from './options.js';
import { printable } from '../oci/text.js';

/** What a reference names inside its target: tags and/or a digest. */
export interface Selector {
  tags: string[];
  digest?: string;
}

/**
 * Copies the root that `srcRef` names in `src`, and everything under it, into `dst`, then tags it
 * there. A destination without tag or digest takes the source's tags (or its digest). Tags are
 * written only after the whole graph is in, so a failed copy leaves no tag on incomplete content.
 * Returns the root descriptor.
 */
export async function copy(
  src: ReadOnlyTarget,
  srcRef: Selector,
  dst: Target,
  dstRef: Selector,
  options: CopyOptions = {},
): Promise<Descriptor> {
  return copyToMany(src, srcRef, [{ target: dst, ref: dstRef }], options);
}

export interface Destination {
  target: Target;
  ref: Selector;
  /** This destination's events; `options.onEvent` when not given. */
  onEvent?: CopyOptions['onEvent'];
}

/**
 * Copies one root to several destinations in turn: the root is resolved once (so every destination
 * gets the same digest even if the source tag moves meanwhile) and each manifest is fetched once.
 * Destinations on one registry mount from each other through the blob-info cache when one is given.
 */
export async function copyToMany(src: ReadOnlyTarget, givenRef: Selector, destinations: Destination[], options: CopyOptions = {}): Promise<Descriptor> {
  const srcRef = await defaultSelector(src, givenRef);
  const manifestCache = options.manifestCache ?? new Map<string, Buffer>();
  const copiers = destinations.map(
    (d) => new GraphCopier(src, d.target, { ...options, manifestCache, onEvent: d.onEvent ?? options.onEvent }),
  );
  const root = await resolveRoot(src, srcRef, copiers[0], options);
  for (const d of destinations) {
    if (d.ref.digest && d.ref.digest !== root.digest) {
      throw new InputError(`destination digest ${d.ref.digest} does not match the source's ${root.digest}: drop the digest from the destination or fix it`);
    }
  }
  for (const [i, d] of destinations.entries()) {
    const references = destinationReferences(srcRef, d.ref, root);
    const onEvent = d.onEvent ?? options.onEvent;
    // With referrers to copy, the tag waits for them too: a signed image is not tagged unsigned.
    const first = options.referrers ? undefined : references[0];
    const taggedFirst = await copiers[i].copy(root, first);
    if (options.referrers) await copiers[i].copyReferrers();
    if (!options.dryRun) {
      if (taggedFirst) onEvent?.({ type: 'tagged', node: root, reference: references[0] });
      await tagRoot(d.target, root, taggedFirst ? references.slice(1) : references, { onEvent });
    }
  }
  return root;
}

/**
 * What a source reference without tag or digest means: a registry's `latest`, as docker and skopeo
 * read it; a layout's or archive's one tag, when it has exactly one. The destination then takes it.
 */
export async function defaultSelector(src: ReadOnlyTarget, ref: Selector): Promise<Selector> {
  if (ref.tags.length || ref.digest) return ref;
  if (isLocated(src)) return { tags: ['latest'] };
  if (isTagLister(src)) {
    const tags = (await src.tags()).filter((t) => !/^sha(256|512)-[0-9a-f]+$/.test(t));
    if (tags.length === 1) return { tags };
  }
  return ref;
}

export function destinationReferences(srcRef: Selector, dstRef: Selector, root: Descriptor): string[] {
  if (dstRef.tags.length) return dstRef.tags;
  if (srcRef.tags.length) return srcRef.tags;
  return [root.digest];
}

export async function tagRoot(dst: Target, root: Descriptor, references: string[], options: CopyOptions = {}): Promise<void> {
  for (const reference of references) {
    try {
      await dst.tag(root, reference);
    } catch (err) {
      throw new CopyError('destination', `tagging ${root.digest} as ${printable(reference)} in ${dst.description}`, err);
    }
    options.onEvent?.({ type: 'tagged', node: root, reference });
  }
}

/** The node to copy: what the reference names, or its one platform's manifest when a platform is asked. */
export async function resolveRoot(src: ReadOnlyTarget, srcRef: Selector, copier: GraphCopier, options: CopyOptions): Promise<Descriptor> {
  const selector = srcRef.digest ?? srcRef.tags[0];
  let root: Descriptor;
  try {
    root = await src.resolve(selector);
  } catch (err) {
    if (err instanceof NotFoundError) throw err;
    throw new CopyError('source', `resolving ${selector === undefined ? 'the root' : printable(selector)} in ${src.description}`, err);
  }
  root = { mediaType: root.mediaType, digest: root.digest, size: root.size, ...(root.artifactType ? { artifactType: root.artifactType } : {}) };
  const wanted = options.platform;
  if (!wanted) return root;
  if (!isIndex(root.mediaType)) {
    // A single-platform image is what it is: check it is the one asked for only when it says.
    return root;
  }
  const index = parseIndex(await copier.manifest(root), `index ${root.digest}`);
  const match = index.manifests.find((m) => platformMatches(wanted, m.platform));
  if (!match) {
    const offered = index.manifests.map((m) => (m.platform ? printable(formatPlatform(m.platform), 64) : 'unknown')).join(', ');
    throw new NotFoundError(`platform ${formatPlatform(wanted)} is not in ${src.description} (${selector ?? root.digest}): it has ${offered || 'no platforms'}`);
  }
  return { mediaType: match.mediaType, digest: match.digest, size: match.size };
}
