/**
 * The names Sigstore and cosign give to what they store in a registry. Checked against cosign's own
 * source (pkg/oci/static, pkg/oci/remote/write.go, cmd/cosign/cli/sign) and its BUNDLE_SPEC.md.
 */

/** A Sigstore bundle as an OCI referrer: the manifest's `artifactType` and its one layer's media type. */
export const BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';
/** Every media type a Sigstore bundle has been stored under (v0.1 to v0.3, and v0.3's first spelling). */
export function isBundleMediaType(type: string | undefined): boolean {
  return (
    typeof type === 'string' &&
    (type.startsWith('application/vnd.dev.sigstore.bundle.v0.') || type.startsWith('application/vnd.dev.sigstore.bundle+json'))
  );
}

/** Annotations cosign and GitHub put on a bundle referrer, so a listing tells them apart. */
export const BUNDLE_CONTENT_ANNOTATION = 'dev.sigstore.bundle.content';
export const BUNDLE_PREDICATE_ANNOTATION = 'dev.sigstore.bundle.predicateType';
export const CREATED_ANNOTATION = 'org.opencontainers.image.created';

/** cosign v3 signs an image by signing an in-toto statement with this predicate type about its digest. */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
export const IN_TOTO_STATEMENT_V01 = 'https://in-toto.io/Statement/v0.1';
/** SLSA's verification summary attestation (VSA): what a verifier checked of an artifact, and that it passed. */
export const VSA_PREDICATE = 'https://slsa.dev/verification_summary/v1';

/** cosign before v3: the layer types of `sha256-<hex>.sig` and `.att`, and the annotations on each layer. */
export const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const DSSE_ENVELOPE = 'application/vnd.dsse.envelope.v1+json';
export const COSIGN_SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const COSIGN_CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
export const COSIGN_CHAIN_ANNOTATION = 'dev.sigstore.cosign/chain';
export const COSIGN_BUNDLE_ANNOTATION = 'dev.sigstore.cosign/bundle';
export const COSIGN_TIMESTAMP_ANNOTATION = 'dev.sigstore.cosign/rfc3161timestamp';
/** The `type` a simple-signing payload of cosign carries in `critical`. */
export const COSIGN_PAYLOAD_TYPE = 'cosign container image signature';

/**
 * cosign v2 with `--registry-referrers-mode=oci-1-1` stores the same layers as OCI referrers, not
 * under tags: signatures as an artifact of this type (simple-signing layers), attestations as one
 * of the in-toto type (DSSE envelope layers; earlier releases named it by the envelope's type).
 */
export const COSIGN_SIGNATURE_ARTIFACT = 'application/vnd.dev.cosign.artifact.sig.v1+json';
export function cosignReferrerKind(artifactType: string | undefined): 'signature' | 'attestation' | undefined {
  if (artifactType === COSIGN_SIGNATURE_ARTIFACT) return 'signature';
  if (artifactType === IN_TOTO_PAYLOAD_TYPE || artifactType === DSSE_ENVELOPE) return 'attestation';
  return undefined;
}

/** A bundle or a signature layer is small JSON; anything larger is refused unread. */
export const MAX_BUNDLE_BYTES = 1024 * 1024;
/** At most this many signatures (bundles, or layers of a `.sig`/`.att`) are read for one digest; the rest are named as not read. */
export const MAX_CANDIDATES = 64;
