/**
 * The settings of verification and signing, named once: step inputs, CLI flags (`--verify-key`)
 * and keys of an `images` entry use these same words.
 */
export const VerifySetting = {
  Key: 'verify-key',
  CertificateIdentity: 'verify-certificate-identity',
  CertificateIdentityRegexp: 'verify-certificate-identity-regexp',
  CertificateOidcIssuer: 'verify-certificate-oidc-issuer',
  AttestationType: 'verify-attestation-type',
  TrustedRoot: 'verify-trusted-root',
  Platforms: 'verify-platforms',
  /** `enforce` (an image that fails the policy is not copied) or `warn` (it is copied, with a warning). */
  Mode: 'verify-mode',
} as const;

export const SignSetting = {
  Sign: 'sign',
  Key: 'sign-key',
  KeyPassword: 'sign-key-password',
  Format: 'signature-format',
  /** `true`: each platform manifest of an index is signed too (cosign's `--recursive`), as podman and skopeo policies check each. */
  Platforms: 'sign-platforms',
} as const;

/** A signed verification summary (SLSA VSA) of each image that passed the policy, attached to its destination digest. */
export const AttestSetting = {
  Verification: 'attest-verification',
} as const;

/** The URLs of a private Sigstore instance to sign through. */
export const SignServiceSetting = {
  FulcioUrl: 'sign-fulcio-url',
  RekorUrl: 'sign-rekor-url',
  TsaUrl: 'sign-tsa-url',
} as const;

/** The environment variable cosign reads a key file's password from, by convention. */
export const COSIGN_PASSWORD_ENV = 'COSIGN_PASSWORD';
