import { throwIfAborted } from '../cancel/index.js';
import type { Descriptor } from '../oci/descriptor.js';
import { isDigest } from '../oci/digest.js';
import { isIndex } from '../oci/media-types.js';
import { referrerLabel } from '../oci/referrer-kinds.js';
import type { ReadOnlyTarget, TagContext, Target } from '../targets/target.js';
import type { NodeAction } from './events.js';
import { GraphCopier } from './graph-copier.js';
import type { CopyOptions } from './options.js';
import { choosePlatforms } from './platforms.js';
import { blobHolder, relaySource, type BlobHolder } from './relay.js';
import { readConfig, resolveRoot, type ResolvedRoot } from './resolve-root.js';
import { checkDestinationDigest, defaultSelector, destinationReferences, type Selector } from './selector.js';
import { tagContext } from './tag-context.js';
import { Tagger } from './tagging.js';

/**
 * Copies the root that `srcRef` names in `src`, and everything under it, into `dst`, then tags it
 * there. A destination without tag or digest takes the source's tags (or its digest). Tags are
 * written only after the whole graph is in, so a failed copy leaves no tag on incomplete content.
 * Returns the root descriptor: with a list of platforms, a new index of just those.
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
  /** What its tags named when the caller read them moments ago (see `TaggingOptions.tagsRead`). */
  tagsRead?: ReadonlyMap<string, string | undefined>;
}

/**
 * Copies one root to several destinations in turn: the root is resolved once (so every destination
 * gets the same digest even if the source tag moves meanwhile), each manifest is fetched once, and
 * each blob is read from the source once: a later destination reads what an earlier one holds from
 * there (see `relaySource`). Destinations on one registry mount from each other through the
 * blob-info cache (or a `ledger`) when one is given.
 * With `noClobber`, every destination's tags are checked before any byte moves.
 */
export async function copyToMany(src: ReadOnlyTarget, givenRef: Selector, destinations: Destination[], options: CopyOptions = {}): Promise<Descriptor> {
  const srcRef = await defaultSelector(src, givenRef);
  const manifestCache = options.manifestCache ?? new Map<string, Buffer>();
  const reader = new GraphCopier(src, destinations[0].target, { ...options, manifestCache });
  const resolved = await resolveRoot(src, srcRef, reader, { ...options, manifestCache });
  const context = await tagContext(src, srcRef, options.platform);
  for (const d of destinations) checkDestinationDigest(d.ref, resolved);
  const plans = destinations.map((d) => {
    const onEvent = d.onEvent ?? options.onEvent;
    const references = destinationReferences(srcRef, d.ref, resolved.root);
    return { d, onEvent, references, tagger: new Tagger(d.target, { ...options, onEvent, context, ...(d.tagsRead ? { tagsRead: d.tagsRead } : {}) }) };
  });
  // A tag the copy may not move stops it before any byte moves; it is checked again right before tagging.
  for (const p of plans) await p.tagger.refuseMoves(resolved.root, p.references);
  // The destinations copied so far give the blobs they hold to the next ones (see `relaySource`).
  const holders: BlobHolder[] = [];
  for (const { d, onEvent, references } of plans) {
    const last = d === plans[plans.length - 1].d;
    const done: Array<{ digest: string; action: NodeAction }> = [];
    const track: CopyOptions['onEvent'] = last
      ? onEvent
      : (event) => {
          if (event.type === 'done') done.push({ digest: event.node.digest, action: event.action });
          onEvent?.(event);
        };
    const from = holders.length ? relaySource(src, holders) : src;
    await copyResolved(from, resolved, { target: d.target, references, onEvent: track, ...(d.tagsRead ? { tagsRead: d.tagsRead } : {}) }, { ...options, manifestCache }, context);
    if (!options.dryRun) holders.push(blobHolder(d.target, done));
  }
  return resolved.root;
}

/** One destination of a root already resolved: the references it gets (tags, or the root's digest). */
export interface ResolvedDestination {
  target: Target;
  references: string[];
  onEvent?: CopyOptions['onEvent'];
  tagsRead?: ReadonlyMap<string, string | undefined>;
}

/**
 * Copies a resolved root, everything under it and (with `referrers`) what refers to it into one
 * destination, then tags it there. Tags are written only after the whole graph is in. Tells the
 * destination's listener what it receives first (`resolved`, with an index's platforms: its bytes
 * are the walk's first read anyway).
 */
export async function copyResolved(src: ReadOnlyTarget, resolved: ResolvedRoot, d: ResolvedDestination, options: CopyOptions, context?: TagContext): Promise<void> {
  const { source, root } = resolved;
  const onEvent = d.onEvent ?? options.onEvent;
  const copier = new GraphCopier(src, d.target, { ...options, onEvent });
  const tagger = new Tagger(d.target, { ...options, onEvent, ...(context ? { context } : {}), ...(d.tagsRead ? { tagsRead: d.tagsRead } : {}) });
  const platforms = resolved.platforms ?? (isIndex(root.mediaType) ? (await choosePlatforms(root, [], { manifest: (m) => copier.manifest(m), config: (c) => readConfig(src, c) }, src.description)).platforms : undefined);
  onEvent?.({ type: 'resolved', node: root, source, ...(platforms ? { platforms } : {}) });
  const references = d.references;
  // With referrers to copy, the tag waits for them too: a signed image is not tagged unsigned.
  const first = options.referrers || isDigest(references[0]) ? undefined : references[0];
  let previous: string | undefined;
  const taggedFirst = await copier.copy(root, first, async () => {
    previous = await tagger.current(root, first!);
  });
  if (options.referrers) {
    await copier.copyReferrers();
    if (root.digest !== source.digest) await reportReferrersLeft(copier, source, root, onEvent);
  }
  // A copy cancelled once its graph was in still writes no tag.
  throwIfAborted(options.signal);
  if (taggedFirst) tagger.announce(root, first!, previous);
  await tagger.tagAll(root, taggedFirst ? references.slice(1) : references);
}

/**
 * Referrers of the index platforms were chosen from refer to that index, which the destination
 * does not get: they cannot come along, and the log says so rather than nothing.
 */
async function reportReferrersLeft(copier: GraphCopier, source: Descriptor, root: Descriptor, onEvent: CopyOptions['onEvent']): Promise<void> {
  const left = await copier.referrersOf(source);
  if (!left.length) return;
  const n = left.length;
  const message =
    `not copied: ${n} referrer${n === 1 ? '' : 's'} of the source index ${source.digest} (${left.map(referrerLabel).join(', ')}): ` +
    `${n === 1 ? 'it refers' : 'they refer'} to that index, and the destination gets ${root.digest} instead`;
  onEvent?.({ type: 'notice', node: source, message, level: 'warning' });
}
