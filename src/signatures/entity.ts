import { createHash } from 'node:crypto';
import { bundleFromJSON, envelopeFromJSON, ValidationError, type Bundle, type TransparencyLogEntry } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { toSignedEntity, type SignedEntity } from '@sigstore/verify';
import type { Descriptor } from '../oci/descriptor.js';
import { parseDigest } from '../oci/digest.js';
import { parseBoundedJson } from '../oci/json.js';
import { printable } from '../oci/text.js';
import {
  COSIGN_BUNDLE_ANNOTATION,
  COSIGN_CERTIFICATE_ANNOTATION,
  COSIGN_PAYLOAD_TYPE,
  COSIGN_SIGN_PREDICATE,
  COSIGN_SIGNATURE_ANNOTATION,
  COSIGN_TIMESTAMP_ANNOTATION,
  IN_TOTO_PAYLOAD_TYPE,
  VSA_PREDICATE,
} from './constants.js';
import type { BundleCandidate, LegacyCandidate } from './discovery.js';
import { verifiesWithKey } from './public-key.js';
import type { SignatureForm, SignatureKind } from './record.js';
import { parseStatement, statementDigests, statementNames } from './statement.js';
import { summaryProblem } from './verification-summary.js';

/** A signature made ready for the verifier: what it signs has been checked to be the digest at hand. */
export interface Prepared {
  form: SignatureForm;
  kind: SignatureKind;
  where: string;
  /** The manifest (a bundle referrer) or layer (cosign's legacy form) that holds it. */
  digest: string;
  predicateType?: string;
  /** The in-toto statement a DSSE envelope signs, as its bytes are. */
  statement?: Buffer;
  entity: SignedEntity;
  /** The leaf certificate, for a keyless signature. */
  certificate?: X509Certificate;
  tlogIndex?: string;
}

/** A candidate that cannot be verified, and the phrase that says why. */
export interface Rejected {
  form: SignatureForm;
  kind: SignatureKind;
  where: string;
  digest?: string;
  predicateType?: string;
  problem: string;
}

const BUNDLE_V01 = 'application/vnd.dev.sigstore.bundle+json;version=0.1';

/**
 * A Sigstore bundle, parsed and tied to `subject`: a DSSE envelope must hold an in-toto statement
 * naming the digest; a message signature must sign the digest itself (the manifest's bytes, which
 * `manifestBytes` reads only then).
 */
export async function prepareBundle(
  c: BundleCandidate,
  subject: Descriptor,
  manifestBytes: () => Promise<Buffer>,
): Promise<Prepared | Rejected> {
  const base = { form: 'bundle' as const, where: c.where, digest: c.digest };
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(parseBoundedJson(c.bundle.toString('utf8')));
  } catch (err) {
    const why =
      err instanceof ValidationError && err.fields?.length
        ? `lacks or mangles ${err.fields.slice(0, 3).join(', ')}`
        : err instanceof SyntaxError
          ? 'is not JSON'
          : 'cannot be read';
    return { ...base, kind: 'signature', problem: `its bundle is malformed: it ${why}` };
  }
  if (bundle.content.$case === 'dsseEnvelope') {
    const env = bundle.content.dsseEnvelope;
    if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE)
      return { ...base, kind: 'attestation', problem: `its DSSE payload is ${printable(env.payloadType, 80)}, not an in-toto statement` };
    const statement = parseStatement(env.payload);
    if (typeof statement === 'string') return { ...base, kind: 'attestation', problem: statement };
    const kind = statement.predicateType === COSIGN_SIGN_PREDICATE ? 'signature' : 'attestation';
    const predicateType = printable(statement.predicateType, 200);
    if (!statementNames(statement, subject.digest))
      return {
        ...base,
        kind,
        predicateType,
        problem: `its statement is about ${aboutWhat(statementDigests(statement))}, not ${subject.digest}`,
      };
    const summary = statement.predicateType === VSA_PREDICATE ? summaryProblem(statement.predicate) : undefined;
    if (summary) return { ...base, kind, predicateType, problem: summary };
    return entityOf({ ...base, kind, predicateType, statement: env.payload }, bundle);
  }
  const digest = bundle.content.messageSignature.messageDigest;
  const { hex } = parseDigest(subject.digest);
  if (
    !digest ||
    (digest.algorithm !== HashAlgorithm.SHA2_256 && digest.algorithm !== HashAlgorithm.HASH_ALGORITHM_UNSPECIFIED) ||
    digest.digest.toString('hex') !== hex
  ) {
    return {
      ...base,
      kind: 'signature',
      problem: `it signs ${digest ? `sha256:${digest.digest.toString('hex')}` : 'no digest'}, not ${subject.digest}`,
    };
  }
  // The signed artifact is the manifest itself: read (and verified against its digest) only now.
  return entityOf({ ...base, kind: 'signature' }, bundle, await manifestBytes());
}

/**
 * The verifier's view of a parsed bundle. Everything here is parsing of bytes from outside (the
 * certificate, the timestamps): any failure is the bundle's, said as such.
 */
function entityOf(base: Omit<Prepared, 'entity'>, bundle: Bundle, artifact?: Buffer): Prepared | Rejected {
  let certificate: X509Certificate | undefined;
  try {
    certificate = leafOf(bundle);
    // The chain is built from the trust root; a bundle that brings a root of its own is refused
    // (Sigstore's bundle format forbids it), not quietly used or ignored.
    if (chainOf(bundle).some((c) => c.isCA && c.subject.equals(c.issuer)))
      return { ...base, problem: 'its certificate chain holds a root certificate, which a bundle must not carry' };
  } catch {
    return { ...base, problem: 'its certificate cannot be read' };
  }
  try {
    const tlogIndex = bundle.verificationMaterial.tlogEntries[0]?.logIndex;
    return {
      ...base,
      ...(certificate ? { certificate } : {}),
      ...(tlogIndex !== undefined ? { tlogIndex } : {}),
      entity: byKeyType(toSignedEntity(bundle, artifact), bundle, artifact),
    };
  } catch (err) {
    return { ...base, problem: `its bundle is malformed: ${printable(err instanceof Error ? err.message : String(err), 160)}` };
  }
}

/**
 * The entity with its signature checked by the hash the key's type takes (`signingHash`): the
 * verifier hashes with SHA-256 whatever the key (a message signature with the digest's algorithm),
 * which P-384 and Ed25519 signatures cosign makes do not use.
 */
function byKeyType(entity: SignedEntity, bundle: Bundle, artifact?: Buffer): SignedEntity {
  const inner = entity.signature;
  const c = bundle.content;
  const signed = c.$case === 'dsseEnvelope' ? preAuthEncoding(c.dsseEnvelope.payloadType, c.dsseEnvelope.payload) : artifact;
  if (!signed) return entity;
  const signature: SignedEntity['signature'] = {
    signature: inner.signature,
    compareSignature: (s) => inner.compareSignature(s),
    compareDigest: (d) => inner.compareDigest(d),
    compareSignedDigest: (d) => inner.compareSignedDigest(d),
    verifySignature: (key) => verifiesWithKey(key, signed, inner.signature),
  };
  return { ...entity, signature };
}

/** DSSE's pre-authentication encoding, the bytes a DSSE signature signs. */
function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/**
 * One layer of a cosign `.sig` (a simple-signing payload, the signature in an annotation) or `.att`
 * (a DSSE envelope), with its certificate, Rekor bundle and RFC 3161 timestamp annotations, as the
 * bundle the verifier reads: cosign's legacy layout, converted and nothing more.
 */
export function prepareLegacy(c: LegacyCandidate, subject: Descriptor): Prepared | Rejected {
  const base = { form: 'legacy' as const, kind: c.kind, where: c.where, digest: c.digest };
  const ann = c.annotations;
  let certificate: X509Certificate | undefined;
  const certPem = ann[COSIGN_CERTIFICATE_ANNOTATION];
  if (certPem) {
    try {
      certificate = X509Certificate.parse(certPem);
    } catch {
      return { ...base, problem: 'its certificate annotation cannot be read' };
    }
  }
  const tlog = ann[COSIGN_BUNDLE_ANNOTATION] ? rekorBundleEntry(ann[COSIGN_BUNDLE_ANNOTATION]) : undefined;
  if (typeof tlog === 'string') return { ...base, problem: tlog };
  const material = {
    content: certificate
      ? { $case: 'x509CertificateChain' as const, x509CertificateChain: { certificates: [{ rawBytes: certificate.root.toDER() }] } }
      : { $case: 'publicKey' as const, publicKey: { hint: '' } },
    tlogEntries: tlog ? [tlog] : [],
    timestampVerificationData: { rfc3161Timestamps: [] as Array<{ signedTimestamp: Buffer }> },
  };

  if (c.kind === 'signature') {
    const sig = ann[COSIGN_SIGNATURE_ANNOTATION];
    if (!sig) return { ...base, problem: 'its layer has no signature annotation' };
    const named = simpleSigningDigest(c.payload);
    if (named.problem) return { ...base, problem: named.problem };
    if (named.digest !== subject.digest)
      return { ...base, problem: `its payload signs ${printable(named.digest, 80)}, not ${subject.digest}` };
    // cosign timestamps the raw signature, as the verifier checks a TSA stamp of a message signature.
    const stamp = ann[COSIGN_TIMESTAMP_ANNOTATION] ? rfc3161Stamp(ann[COSIGN_TIMESTAMP_ANNOTATION]) : undefined;
    if (typeof stamp === 'string') return { ...base, problem: stamp };
    if (stamp) material.timestampVerificationData.rfc3161Timestamps.push({ signedTimestamp: stamp });
    const bundle = {
      mediaType: BUNDLE_V01,
      verificationMaterial: material,
      content: {
        $case: 'messageSignature' as const,
        messageSignature: {
          messageDigest: { algorithm: HashAlgorithm.SHA2_256, digest: createHash('sha256').update(c.payload).digest() },
          signature: Buffer.from(sig, 'base64'),
        },
      },
    } as unknown as Bundle;
    return entityOf({ ...base, ...(tlog ? { tlogIndex: tlog.logIndex } : {}) }, bundle, c.payload);
  }

  let envelope: ReturnType<typeof envelopeFromJSON>;
  try {
    envelope = envelopeFromJSON(parseBoundedJson(c.payload.toString('utf8')));
  } catch {
    return { ...base, problem: 'its layer is not a DSSE envelope' };
  }
  if (!envelope.signatures.length) return { ...base, problem: 'its DSSE envelope holds no signature' };
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE)
    return { ...base, problem: `its DSSE payload is ${printable(envelope.payloadType, 80)}, not an in-toto statement` };
  const statement = parseStatement(envelope.payload);
  if (typeof statement === 'string') return { ...base, problem: statement };
  const predicateType = printable(statement.predicateType, 200);
  if (!statementNames(statement, subject.digest))
    return { ...base, predicateType, problem: `its statement is about ${aboutWhat(statementDigests(statement))}, not ${subject.digest}` };
  const summary = statement.predicateType === VSA_PREDICATE ? summaryProblem(statement.predicate) : undefined;
  if (summary) return { ...base, predicateType, problem: summary };
  // cosign stamps an attestation's whole layer (the envelope's bytes), not its signature
  // (pkg/cosign/verify.go, VerifyRFC3161Timestamp: "for attestations … the signed payload").
  const stamp = ann[COSIGN_TIMESTAMP_ANNOTATION] ? rfc3161Stamp(ann[COSIGN_TIMESTAMP_ANNOTATION]) : undefined;
  if (typeof stamp === 'string') return { ...base, predicateType, problem: stamp };
  if (stamp) material.timestampVerificationData.rfc3161Timestamps.push({ signedTimestamp: stamp });
  const bundle = {
    mediaType: BUNDLE_V01,
    verificationMaterial: material,
    content: { $case: 'dsseEnvelope' as const, dsseEnvelope: envelope },
  } as unknown as Bundle;
  const prepared = entityOf({ ...base, predicateType, statement: envelope.payload, ...(tlog ? { tlogIndex: tlog.logIndex } : {}) }, bundle);
  if ('problem' in prepared || !stamp) return prepared;
  return { ...prepared, entity: stampedOver(prepared.entity, c.payload) };
}

/**
 * The entity with its TSA stamps checked over `stamped` (the bytes cosign sent the TSA) in place of
 * the signature; the signature itself, and the log entry's record of it, are checked as before.
 */
function stampedOver(entity: SignedEntity, stamped: Buffer): SignedEntity {
  const content = entity.signature;
  return {
    ...entity,
    signature: {
      signature: stamped,
      compareSignature: (sig) => content.compareSignature(sig),
      compareDigest: (digest) => content.compareDigest(digest),
      compareSignedDigest: (digest) => content.compareSignedDigest(digest),
      verifySignature: (key) => content.verifySignature(key),
    },
  };
}

function chainOf(bundle: Bundle): X509Certificate[] {
  const content = bundle.verificationMaterial.content;
  if (content.$case !== 'x509CertificateChain') return [];
  return content.x509CertificateChain.certificates.map((c) => X509Certificate.parse(Buffer.from(c.rawBytes)));
}

function leafOf(bundle: Bundle): X509Certificate | undefined {
  const content = bundle.verificationMaterial.content;
  const raw =
    content.$case === 'x509CertificateChain'
      ? content.x509CertificateChain.certificates[0]?.rawBytes
      : content.$case === 'certificate'
        ? content.certificate.rawBytes
        : undefined;
  return raw ? X509Certificate.parse(Buffer.from(raw)) : undefined;
}

/** The digest a simple-signing payload signs, checked to be cosign's kind of payload. */
function simpleSigningDigest(payload: Buffer): { digest?: string; problem?: string } {
  let doc: { critical?: { type?: unknown; image?: { 'docker-manifest-digest'?: unknown } } };
  try {
    doc = parseBoundedJson(payload.toString('utf8')) as typeof doc;
  } catch {
    return { problem: 'its payload is not JSON' };
  }
  const critical = doc?.critical;
  if (!critical || typeof critical !== 'object') return { problem: 'its payload is not a simple-signing payload (no "critical")' };
  if (typeof critical.type === 'string' && critical.type.toLowerCase() !== COSIGN_PAYLOAD_TYPE)
    return { problem: `its payload is of type ${printable(critical.type, 80)}, not a cosign container image signature` };
  const digest = critical.image?.['docker-manifest-digest'];
  if (typeof digest !== 'string') return { problem: 'its payload names no docker-manifest-digest' };
  return { digest };
}

/**
 * cosign's `dev.sigstore.cosign/bundle` annotation (pkg/cosign/bundle/rekor.go): the Rekor entry
 * `{SignedEntryTimestamp, Payload: {body, integratedTime, logIndex, logID}}`, as a log entry with an
 * inclusion promise (the SET), which the verifier checks against the trust root's log keys.
 */
function rekorBundleEntry(text: string): TransparencyLogEntry | string {
  let doc: { SignedEntryTimestamp?: unknown; Payload?: { body?: unknown; integratedTime?: unknown; logIndex?: unknown; logID?: unknown } };
  try {
    doc = parseBoundedJson(text) as typeof doc;
  } catch {
    return 'its Rekor bundle annotation is not JSON';
  }
  const p = doc?.Payload;
  if (
    !p ||
    typeof doc.SignedEntryTimestamp !== 'string' ||
    typeof p.body !== 'string' ||
    typeof p.integratedTime !== 'number' ||
    typeof p.logIndex !== 'number' ||
    typeof p.logID !== 'string'
  ) {
    return 'its Rekor bundle annotation lacks SignedEntryTimestamp or Payload fields';
  }
  const body = Buffer.from(p.body, 'base64');
  let kind: { kind?: unknown; apiVersion?: unknown };
  try {
    kind = JSON.parse(body.toString('utf8')) as typeof kind;
  } catch {
    return 'its Rekor entry body is not JSON';
  }
  if (typeof kind?.kind !== 'string' || typeof kind.apiVersion !== 'string') return 'its Rekor entry body names no kind';
  return {
    logIndex: String(p.logIndex),
    logId: { keyId: Buffer.from(p.logID, 'hex') },
    kindVersion: { kind: kind.kind, version: kind.apiVersion },
    integratedTime: String(p.integratedTime),
    inclusionPromise: { signedEntryTimestamp: Buffer.from(doc.SignedEntryTimestamp, 'base64') },
    inclusionProof: undefined,
    canonicalizedBody: body,
  } as TransparencyLogEntry;
}

/** cosign's `dev.sigstore.cosign/rfc3161timestamp` annotation: `{SignedRFC3161Timestamp: <base64 DER>}`. */
function rfc3161Stamp(text: string): Buffer | string {
  try {
    const doc = parseBoundedJson(text) as { SignedRFC3161Timestamp?: unknown };
    if (typeof doc?.SignedRFC3161Timestamp === 'string') return Buffer.from(doc.SignedRFC3161Timestamp, 'base64');
  } catch {
    // fall through
  }
  return 'its RFC 3161 timestamp annotation is malformed';
}

function aboutWhat(digests: string[]): string {
  if (!digests.length) return 'no digest';
  return digests
    .slice(0, 2)
    .map((d) => printable(d, 80))
    .join(' and ');
}
