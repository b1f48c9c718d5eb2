import { parseDigest } from './digest.js';
import { printable } from './text.js';

/**
 * What a referrer is, for the person reading a log or a summary: a signature, an SBOM, an
 * attestation, or some other artifact. No I/O: only names, media types and tags.
 */
export type ReferrerKind = 'signature' | 'sbom' | 'attestation' | 'artifact';

export interface ReferrerKindInfo {
  kind: ReferrerKind;
  /** The tool whose format it is, when the artifact type or the tag says so (`cosign`, `notation`). */
  tool?: string;
}

/**
 * cosign before v3 keeps what it attaches to a manifest under tags named after the manifest's
 * digest, in the manifest's repository, with no `subject` to find them by.
 */
const COSIGN_SUFFIXES: ReadonlyArray<readonly [string, ReferrerKind]> = [
  ['sig', 'signature'],
  ['att', 'attestation'],
  ['sbom', 'sbom'],
];

export interface AttachmentTag {
  tag: string;
  kind: ReferrerKind;
}

/** The tags cosign would keep `digest`'s attachments under: `sha256-<hex>.sig`, `.att`, `.sbom`. */
export function cosignTags(digest: string): AttachmentTag[] {
  const { algorithm, hex } = parseDigest(digest);
  return COSIGN_SUFFIXES.map(([suffix, kind]) => ({ tag: `${algorithm}-${hex}.${suffix}`, kind }));
}

const ATTACHMENT_TAG = /^(sha256-[0-9a-f]{64}|sha512-[0-9a-f]{128})(\.(sig|att|sbom))?$/;

/**
 * A tag that names something kept for another manifest's sake, never an image of its own: the
 * referrers tag schema's `sha256-<hex>` index, or a cosign attachment `sha256-<hex>.sig|.att|.sbom`.
 */
export function isAttachmentTag(tag: string | undefined): boolean {
  return tag !== undefined && ATTACHMENT_TAG.test(tag);
}

/** Well-known artifact types, by the tool that writes them. */
const KNOWN: Record<string, ReferrerKindInfo> = {
  'application/vnd.dev.cosign.artifact.sig.v1+json': { kind: 'signature', tool: 'cosign' },
  'application/vnd.dev.cosign.artifact.sbom.v1+json': { kind: 'sbom', tool: 'cosign' },
  'application/vnd.dev.cosign.simplesigning.v1+json': { kind: 'signature', tool: 'cosign' },
  'application/vnd.cncf.notary.signature': { kind: 'signature', tool: 'notation' },
  'application/vnd.in-toto+json': { kind: 'attestation', tool: 'in-toto' },
  'application/vnd.dsse.envelope.v1+json': { kind: 'attestation' },
};

/** cosign v3 stores both signatures and attestations as Sigstore bundles; this predicate marks a signature. */
const SIGSTORE_PREDICATE_ANNOTATION = 'dev.sigstore.bundle.predicateType';
const SIGSTORE_SIGNATURE_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

/** The kind of a referrer from its artifact type (and, for a Sigstore bundle, its annotations). */
export function referrerKind(artifactType: string | undefined, annotations?: Record<string, string>): ReferrerKindInfo {
  if (!artifactType) return { kind: 'artifact' };
  const type = artifactType.toLowerCase();
  const known = KNOWN[type];
  if (known) return known;
  if (type.startsWith('application/vnd.dev.sigstore.bundle')) {
    const predicate = annotations?.[SIGSTORE_PREDICATE_ANNOTATION];
    return { kind: predicate && predicate !== SIGSTORE_SIGNATURE_PREDICATE ? 'attestation' : 'signature', tool: 'sigstore' };
  }
  if (/spdx|cyclonedx|syft|sbom/.test(type)) return { kind: 'sbom' };
  if (/attestation|in-toto|intoto|provenance|vex/.test(type)) return { kind: 'attestation' };
  if (/signature|\.sig\b/.test(type)) return { kind: 'signature' };
  return { kind: 'artifact' };
}

const KIND_WORDS: Record<ReferrerKind, string> = { signature: 'signature', sbom: 'SBOM', attestation: 'attestation', artifact: 'artifact' };

/**
 * `signature (cosign)`, `SBOM (application/spdx+json)`: the kind, then the tool when known, else
 * the artifact type, else the media type. Made printable: the types come from outside.
 */
export function referrerLabel(r: { kind: ReferrerKind; tool?: string; artifactType?: string; mediaType: string }): string {
  return `${KIND_WORDS[r.kind]} (${printable(r.tool ?? r.artifactType ?? r.mediaType, 128)})`;
}
