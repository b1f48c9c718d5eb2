import type { SignerIdentity, SignRecord, VerificationRecord } from '../../../signatures/record.js';

/** The check that verifies the source against a policy, and the stage that signs the destination: the names they record under. */
export const SIGNATURE_POLICY_CHECK = 'signature-policy';
export const SIGN_STAGE = 'sign';
/** The stage that attaches a signed verification summary (SLSA VSA) of a verified image to its destination digest. */
export const VERIFICATION_SUMMARY_STAGE = 'verification-summary';

/**
 * What verification found of one image, as the outcome keeps it: the verifier's record (verified,
 * with who signed and what attestations were accepted), each platform manifest's by its digest,
 * signer and log index; or a refusal, with everything found and what was required (in warn mode,
 * an image let through unverified: the same, with `mode: 'warn'`).
 */
export type ImageVerification = Omit<VerificationRecord, 'trustRoot' | 'platforms'> & {
  /** The trust root, when one was used (a key policy's refusal that read no log used none). */
  trustRoot?: string;
  /** Each platform manifest's own result, when the policy covers platforms. */
  platforms?: Array<Pick<VerificationRecord, 'digest' | 'signer' | 'tlogIndex'>>;
  /** For a refusal: what the policy required, in words. */
  required?: string;
  /**
   * `warn`: the policy was in warn mode, so `verified: false` refused nothing (the image went on,
   * with a warning). Absent in enforce mode, where `verified: false` is a refusal.
   */
  mode?: 'warn';
  /** When the policy was found satisfied (ISO 8601), for a pass. */
  verifiedAt?: string;
};

/**
 * What the signing stage did for one image: `signed` (a signature written now: what `signImage`
 * wrote), `already-signed` (the destination digest already carries a signature by this signer:
 * nothing written; `format` is the form found, `where` where), or `would-sign` (a dry run).
 */
export type ImageSigning = (
  | (SignRecord & { state: 'signed' })
  | { state: 'already-signed'; digest: string; mode: 'key' | 'keyless'; format: 'bundle' | 'legacy'; signer: SignerIdentity; where: string }
  | { state: 'would-sign'; digest: string; mode: 'key' | 'keyless'; format: 'bundle' | 'legacy'; signer?: SignerIdentity }
) & {
  /**
   * With `sign-platforms`: each platform manifest of the index, in its order, and what was done
   * for it (empty: the image is a single manifest, or its index lists none). Absent without it.
   */
  platforms?: PlatformSigning[];
};

/** What signing did for one platform manifest of an index: as for the index, by the same signer. */
export interface PlatformSigning {
  digest: string;
  /** `linux/arm64`. */
  platform: string;
  state: 'signed' | 'already-signed' | 'would-sign';
  /** The form written, or found. */
  format: 'bundle' | 'legacy';
  /** Signed now: the manifest that holds the signature, and the `.sig` tag for the legacy form. */
  manifest?: string;
  tag?: string;
  /** Already signed: where the signature was found. */
  where?: string;
}

/**
 * What the verification-summary stage did for one image: `attested` (a summary signed and attached
 * now: the referrer manifest, who signed it, the levels it states), `already-attested` (the
 * destination digest already carries this signer's summary for the same policy: nothing written),
 * `would-attest` (a dry run), or `not-attested` (the image did not pass the policy, in warn mode, or
 * nothing verified or signs it: `reason` says which; nothing written, and a warning said so).
 * `policyDigest` is the digest of the policy the summary names (`sha256:…`).
 */
export type ImageSummary =
  | {
      state: 'attested';
      digest: string;
      mode: 'key' | 'keyless';
      signer: SignerIdentity;
      manifest: string;
      policyDigest: string;
      verifiedLevels: string[];
      tlogIndex?: string;
    }
  | { state: 'already-attested'; digest: string; signer: SignerIdentity; where: string; policyDigest: string }
  | { state: 'would-attest'; digest: string; mode: 'key' | 'keyless'; signer?: SignerIdentity; policyDigest: string }
  | { state: 'not-attested'; digest: string; reason: string };

export type { SignRecord };

declare module '../check.js' {
  interface KnownCheckRecords {
    [SIGNATURE_POLICY_CHECK]: ImageVerification;
    [SIGN_STAGE]: ImageSigning;
    [VERIFICATION_SUMMARY_STAGE]: ImageSummary;
  }
}
