import type { Descriptor } from '../oci/descriptor.js';
import { InputError } from '../oci/errors.js';
import { isAttachmentTag } from '../oci/referrer-kinds.js';
import { isLocated, isTagLister, type ReadOnlyTarget } from '../targets/target.js';

/** What a reference names inside its target: tags and/or a digest. */
export interface Selector {
  tags: string[];
  digest?: string;
  /** A docker archive's image, picked before the tags: a full name (`docker.io/library/app:1.2`) or `@N`. */
  image?: string;
}

/**
 * What a source reference without tag or digest means: a registry's `latest`, as docker and skopeo
 * read it; a layout's or archive's one tag, when it has exactly one. The destination then takes it.
 */
export async function defaultSelector(src: ReadOnlyTarget, ref: Selector): Promise<Selector> {
  if (ref.tags.length || ref.digest || ref.image) return ref;
  if (isLocated(src)) return { tags: ['latest'] };
  if (isTagLister(src)) {
    const tags = (await src.tags()).filter((t) => !isAttachmentTag(t));
    if (tags.length === 1) return { tags };
  }
  return ref;
}

/** What names the root in a source: its digest, else a docker archive's image, else its first tag. */
export function rootSelector(ref: Selector): string | undefined {
  return ref.digest ?? ref.image ?? ref.tags[0];
}

/** What a destination gets: its own tags, else the source's, else the root's digest. */
export function destinationReferences(srcRef: Selector, dstRef: Selector, root: Descriptor): string[] {
  if (dstRef.tags.length) return dstRef.tags;
  if (srcRef.tags.length) return srcRef.tags;
  return [root.digest];
}

/** A destination named by digest takes only that digest: anything else is refused before any byte moves. */
export function checkDestinationDigest(ref: Selector, resolved: { source: Descriptor; root: Descriptor }): void {
  const { source, root } = resolved;
  if (ref.digest && ref.digest !== root.digest) {
    const what =
      root.digest === source.digest
        ? `the source's ${root.digest}`
        : `${root.digest}, what the platforms asked for make of the source's ${source.digest}`;
    throw new InputError(`destination digest ${ref.digest} does not match ${what}: drop the digest from the destination or fix it`);
  }
}
