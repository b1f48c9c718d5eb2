import { OciCopyError } from '../oci/errors.js';
import type { FoundSignature } from './record.js';

/**
 * Nothing attached to a digest satisfies the verification policy: the image must not be copied.
 * The message is one line naming what was found and what was required; the fields carry the same
 * for a report.
 */
export class SignatureRefusedError extends OciCopyError {
  override name = 'SignatureRefusedError';
  constructor(
    message: string,
    readonly digest: string,
    readonly found: FoundSignature[],
    readonly required: string,
  ) {
    super(message);
  }
}

/** Signing failed: the key, the identity token, Fulcio, Rekor or the TSA. One line, never a secret. */
export class SigningError extends OciCopyError {
  override name = 'SigningError';
}
