import type { Descriptor } from '../oci/descriptor.js';
import { isDigest } from '../oci/digest.js';
import { DigestMismatchError } from '../oci/errors.js';

/**
 * A source asked for a digest answers that digest or nothing: whatever a target's header, index
 * entry or cache said, a root that names other content is refused here, before anything is
 * copied or compared. `where` names the target (`[registry] host/repo`).
 */
export function refuseSwappedRoot(selector: string | undefined, found: Descriptor, where: string): Descriptor {
  if (selector === undefined || !isDigest(selector) || found.digest === selector) return found;
  throw new DigestMismatchError(
    `${where} answered ${found.digest} for ${selector}: refused, a digest pins the content it names; nothing was written`,
    selector,
    found.digest,
  );
}
