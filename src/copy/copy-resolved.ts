import { throwIfAborted } from '../cancel/index.js';
import type { Descriptor } from '../oci/descriptor.js';
import { isDigest } from '../oci/digest.js';
import { isIndex } from '../oci/media-types.js';
import { referrerLabel } from '../oci/referrer-kinds.js';
import type { ReadOnlyTarget, TagContext, Target } from '../targets/target.js';
import { GraphCopier } from './graph-copier.js';
import type { CopyOptions } from './options.js';
import { choosePlatforms } from './platforms.js';
import { readConfig, type ResolvedRoot } from './resolve-root.js';
import { Tagger } from './tagging.js';

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
export async function copyResolved(
  src: ReadOnlyTarget,
  resolved: ResolvedRoot,
  d: ResolvedDestination,
  options: CopyOptions,
  context?: TagContext,
): Promise<void> {
  const { source, root } = resolved;
  const onEvent = d.onEvent ?? options.onEvent;
  const copier = new GraphCopier(src, d.target, { ...options, onEvent });
  const tagger = new Tagger(d.target, {
    ...options,
    onEvent,
    ...(context ? { context } : {}),
    ...(d.tagsRead ? { tagsRead: d.tagsRead } : {}),
  });
  const platforms =
    resolved.platforms ??
    (isIndex(root.mediaType)
      ? (await choosePlatforms(root, [], { manifest: (m) => copier.manifest(m), config: (c) => readConfig(src, c) }, src.description))
          .platforms
      : undefined);
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
async function reportReferrersLeft(
  copier: GraphCopier,
  source: Descriptor,
  root: Descriptor,
  onEvent: CopyOptions['onEvent'],
): Promise<void> {
  const left = await copier.referrersOf(source);
  if (!left.length) return;
  const n = left.length;
  const message =
    `not copied: ${n} referrer${n === 1 ? '' : 's'} of the source index ${source.digest} (${left.map(referrerLabel).join(', ')}): ` +
    `${n === 1 ? 'it refers' : 'they refer'} to that index, and the destination gets ${root.digest} instead`;
  onEvent?.({ type: 'notice', node: source, message, level: 'warning' });
}
