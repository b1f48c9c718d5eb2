import type { FoundSignature, SignerIdentity, SignRecord } from '../../signatures/record.js';

/** The check that verifies the source against a policy, and the stage that signs the destination: the names they record under. */
export const SIGNATURE_POLICY_CHECK = 'signature-policy';
export const SIGN_STAGE = 'sign';

/**
 * What verification found of one image, as the outcome keeps it: verified, with who signed and
 * what attestations were accepted; or refused, with everything found and what was required.
 */
export interface ImageVerification {
  /** The digest verified: what the source reference names. */
  digest: string;
  verified: boolean;
  /** The policy in words (`identity …, issuer …` or `key SHA256:…`, and attestation types). */
  policy: string;
  trustRoot?: string;
  signer?: SignerIdentity;
  predicateTypes: string[];
  tlogIndex?: string;
  /** Everything found attached to the digest, accepted or not. */
  found: FoundSignature[];
  /** Each platform manifest's own result, when the policy covers platforms. */
  platforms?: Array<{ digest: string; signer?: SignerIdentity; tlogIndex?: string }>;
  /** For a refusal: what the policy required, in words. */
  required?: string;
}

/**
 * What the signing stage did for one image: `signed` (a signature written now: what `signImage`
 * wrote), `already-signed` (the destination digest already carries a signature by this signer:
 * nothing written; `format` is the form found, `where` where), or `would-sign` (a dry run).
 */
export type ImageSigning =
  | (SignRecord & { state: 'signed' })
  | { state: 'already-signed'; digest: string; mode: 'key' | 'keyless'; format: 'bundle' | 'legacy'; signer: SignerIdentity; where: string }
  | { state: 'would-sign'; digest: string; mode: 'key' | 'keyless'; format: 'bundle' | 'legacy'; signer?: SignerIdentity };

export type { SignRecord };

declare module '../checks.js' {
  interface KnownCheckRecords {
    [SIGNATURE_POLICY_CHECK]: ImageVerification;
    [SIGN_STAGE]: ImageSigning;
  }
}
