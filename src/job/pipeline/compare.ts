import type { Descriptor } from '../../oci/descriptor.js';
import { CopyError, NotFoundError } from '../../oci/errors.js';
import { isDigest } from '../../oci/digest.js';
import { isLocated, isTagReader, type ReadOnlyTarget, type TagContext, type Target } from '../../targets/target.js';
import { rootSelector, type Selector } from '../../copy/selector.js';
import { refuseSwappedRoot } from '../../copy/pin.js';

/** What a destination holds of a source image, found by HEADs alone. */
export type Comparison =
  /** Every destination tag (or the digest) already names the source's root: nothing to copy. */
  | { state: 'unchanged'; root: Descriptor }
  /** Something differs or is missing; `root` is the source's root when it was learnt on the way. */
  | { state: 'differs'; root?: Descriptor; previous: Map<string, string | undefined> };

/**
 * The source's root as cheaply as the source allows: a registry tag or digest by a HEAD (Docker
 * Hub counts no pull), a layout's or archive's index from the file. A digest is a pin: an answer
 * naming another digest is refused (see `refuseSwappedRoot`).
 */
export async function peekSourceRoot(src: ReadOnlyTarget, ref: Selector): Promise<Descriptor> {
  const selector = rootSelector(ref);
  try {
    // A docker archive's image (`@N`, a name) is found by resolving, not as a tag.
    if (selector !== undefined && ref.image === undefined && isLocated(src) && isTagReader(src)) {
      const found = await src.readTag(selector);
      if (!found)
        throw new NotFoundError(`${src.description.replace(/^\[registry\] /, '')}${isDigest(selector) ? '@' : ':'}${selector} not found`);
      return refuseSwappedRoot(selector, found, src.description);
    }
    const root = refuseSwappedRoot(ref.digest, await src.resolve(selector), src.description);
    return { mediaType: root.mediaType, digest: root.digest, size: root.size };
  } catch (err) {
    if (err instanceof NotFoundError || err instanceof CopyError) throw err;
    throw new CopyError('source', `resolving ${selector ?? 'the root'} in ${src.description}`, err);
  }
}

/**
 * What each of the destination's `references` (tags, or the root's digest) names now: a HEAD per
 * tag. A destination that cannot say what its tags name (a stream) names nothing.
 */
export async function readDestination(
  dst: Target,
  references: string[],
  root?: Descriptor,
  context?: TagContext,
): Promise<Map<string, string | undefined>> {
  const previous = new Map<string, string | undefined>();
  try {
    for (const reference of references) {
      if (isDigest(reference)) {
        previous.set(reference, root && (await dst.exists(root)) ? root.digest : undefined);
      } else if (isTagReader(dst)) {
        previous.set(reference, (await dst.readTag(reference, context))?.digest);
      } else {
        previous.set(reference, undefined);
      }
    }
  } catch (err) {
    if (err instanceof CopyError) throw err;
    throw new CopyError('destination', `checking ${references.join(', ')} in ${dst.description}`, err);
  }
  return previous;
}

/** Unchanged when every reference already names `root`. */
export function judgeDestination(root: Descriptor, previous: Map<string, string | undefined>): Comparison {
  const unchanged = previous.size > 0 && [...previous.values()].every((d) => d === root.digest);
  return unchanged ? { state: 'unchanged', root } : { state: 'differs', root, previous };
}

/** Compares what the destination's `references` name with `root` (see `readDestination`). */
export async function compareDestination(dst: Target, root: Descriptor, references: string[]): Promise<Comparison> {
  return judgeDestination(root, await readDestination(dst, references, root));
}
