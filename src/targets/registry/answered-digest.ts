import { namesOtherContent } from '../../oci/digest.js';
import { DigestMismatchError } from '../../oci/errors.js';
import { header, type HttpResponse } from './http.js';

/**
 * A request by digest pins its answer: a `Docker-Content-Digest` that names other content is
 * refused before anything is read or believed (a registry that answers `sha256:B` for `sha256:A`
 * would otherwise have B copied and tagged as if A had been asked for). `op` names the request,
 * and with it the digest asked for. The body, if any, is the caller's to discard.
 */
export function refuseOtherDigest(requested: string, res: HttpResponse, op: string): void {
  const said = header(res, 'docker-content-digest');
  if (namesOtherContent(requested, said)) {
    throw new DigestMismatchError(
      `${op}: the registry answered ${said} (its Docker-Content-Digest) for ${requested}: refused, a digest pins the content it names`,
      requested,
      said,
    );
  }
}

/** The digest of the bytes a registry sent for `requested`, refused when it is another. */
export function refuseOtherBytes(requested: string, computed: string, op: string): void {
  if (computed !== requested) {
    throw new DigestMismatchError(
      `${op}: the registry sent other content: digest mismatch: expected ${requested}, got ${computed}`,
      requested,
      computed,
    );
  }
}
