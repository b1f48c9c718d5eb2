import type { ResolvedRoot } from '../copy/resolve-root.js';
import type { Selector } from '../copy/selector.js';
import type { Platform } from '../oci/descriptor.js';
import { InputError } from '../oci/errors.js';
import { formatReference, type Reference } from '../oci/reference.js';
import { printable } from '../oci/text.js';
import type { InPlaceOperation } from '../plan/operation.js';

/**
 * What an in-place job may act on, checked before anything is opened: a registry repository or
 * an OCI layout (an archive is one tar file, written whole: it is copied, not changed in place),
 * and at most one platform of an index (several make a new index, which a copy writes). `name`
 * is the reference as the caller's words give it (`REF`, `input "source"`).
 */
export function checkInPlace(
  reference: Reference,
  operation: InPlaceOperation,
  platform: Platform | readonly Platform[] | undefined,
  name: string,
): void {
  const ref = printable(formatReference(reference));
  if (reference.transport === 'oci-archive' || reference.transport === 'docker-archive') {
    const fix =
      operation === 'sign'
        ? `copy it into an oci: layout or a registry and ${operation} it there`
        : 'copy it, with the same policy, into an oci: layout or a registry, which verifies it on the way';
    throw new InputError(
      `${name} ${ref} is a tar archive, which cannot be ${operation === 'sign' ? 'signed' : 'verified'} in place: ${fix}`,
    );
  }
  if (reference.transport !== 'registry' && reference.path === '-') {
    throw new InputError(`${name} ${ref} is standard input: ${operation} acts on a registry repository or an oci: layout directory`);
  }
  if (Array.isArray(platform) && platform.length > 1) {
    throw new InputError(
      `${operation} acts on what ${ref} names: several platforms would make a new index, which only a copy writes; give one platform, or none for the whole index`,
    );
  }
}

/**
 * The references an image acted on in place is known by: the tags the reference gave when they
 * name the root itself, else (a digest was given, or a platform's manifest was chosen from an index) its digest.
 */
export function inPlaceReferences(selector: Selector, resolved: ResolvedRoot): string[] {
  const tags = selector.tags.filter(Boolean);
  return resolved.root.digest === resolved.source.digest && tags.length && !selector.digest ? tags : [resolved.root.digest];
}
