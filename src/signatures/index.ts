/**
 * Signatures and attestations: verify that a digest carries what a policy requires before it is
 * copied, and sign a digest once it is in place. Knows nothing of GitHub: the runner's OIDC token
 * comes in as a function (`src/oidc/runner-token.ts` makes one).
 */
export {
  parseVerifyPolicy,
  parseVerifyMode,
  describePolicy,
  readSmallFile,
  type VerifyPolicy,
  type VerifyPolicySettings,
  type VerifyMode,
  type SignerRule,
} from './policy.js';
export { verifyImage, type VerifyOptions } from './verify.js';
export { SignatureDiscovery } from './discovery.js';
export { signImage, attestImage, simpleSigningPayload, type SignOptions } from './sign.js';
export {
  policyDescriptor,
  inputAttestations,
  verifiedLevels,
  summaryStatement,
  OCI_COPY_URI,
  type VerificationSummary,
  type ResourceDescriptor,
} from './verification-summary.js';
export { attachBundle, attachLegacySignature } from './attach.js';
export { readCosignKeyFile, writeCosignKeyFile } from './cosign-key.js';
export { parseTrustedRoot, publicGoodTrustRoot, type TrustRoot } from './trust-root.js';
export { SignatureRefusedError, SigningError } from './errors.js';
export { describeFound, signedBy } from './describe.js';
export { keyFingerprint } from './public-key.js';
export { VerifySetting, SignSetting, AttestSetting, COSIGN_PASSWORD_ENV } from './settings.js';
export type { FoundSignature, SignerIdentity, SignRecord, VerificationRecord, SignatureForm, SignatureKind } from './record.js';
export { MAX_BUNDLE_BYTES, VSA_PREDICATE } from './constants.js';
