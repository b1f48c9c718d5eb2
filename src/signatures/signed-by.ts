import { createPublicKey, type KeyObject } from 'node:crypto';
import { readManifest } from '../copy/read-manifest.js';
import type { Descriptor } from '../oci/descriptor.js';
import type { ReadOnlyTarget } from '../targets/target.js';
import { isUnreadable, SignatureDiscovery } from './discovery.js';
import { prepareBundle, prepareLegacy, type Prepared } from './entity.js';
import { certificateIdentity, certificateIssuer } from './identity.js';
import { keyFingerprint } from './public-key.js';
import type { SignatureForm, SignerIdentity } from './record.js';

/** Who signs in this job: the key's public half, or the identity and issuer a Fulcio certificate will name. */
export type OwnSigner = { kind: 'key'; key: KeyObject } | { kind: 'identity'; identity: string; issuer: string };

/** A signature by that signer, found attached to a digest. */
export interface OwnSignature {
  form: SignatureForm;
  /** `referrer sha256:…` or `tag sha256-….sig`. */
  where: string;
  signer: SignerIdentity;
}

/**
 * The first signature of `subject` in `target` made by `signer`: for a key, one whose signature
 * verifies with the key's public half; for an identity, one whose certificate names that identity
 * and issuer and whose signature verifies with the certificate's key. The attachments are found as
 * verification finds them (referrers and cosign tags; manifests and the signatures' own small
 * layers, nothing else).
 *
 * This decides only whether to sign again, never whether an image may pass (a verify policy does
 * that, against a trust root): the certificate chain and log proofs are not checked, as a job
 * signing through a private Fulcio and Rekor is not given their trust root. Undefined when there is none.
 * `discovery`, shared across an index and its platform manifests, reads the tag list once.
 */
export async function findOwnSignature(
  target: ReadOnlyTarget,
  subject: Descriptor,
  signer: OwnSigner,
  signal?: AbortSignal,
  discovery: SignatureDiscovery = new SignatureDiscovery(target),
): Promise<OwnSignature | undefined> {
  const [first] = await findOwn(target, subject, signer, (p) => p.kind === 'signature', true, signal, discovery);
  return first && { form: first.form, where: first.where, signer: first.signer };
}

/** An attestation by this signer: where it is, and the in-toto statement it signs. */
export interface OwnAttestation extends OwnSignature {
  statement: Buffer;
}

/**
 * Every attestation of `subject` in `target` with `predicateType` made by `signer`, judged as
 * `findOwnSignature` judges signatures (whether to write one again, never whether to trust it).
 */
export async function findOwnAttestations(
  target: ReadOnlyTarget,
  subject: Descriptor,
  signer: OwnSigner,
  predicateType: string,
  signal?: AbortSignal,
): Promise<OwnAttestation[]> {
  const found = await findOwn(target, subject, signer, (p) => p.kind === 'attestation' && p.predicateType === predicateType, false, signal);
  return found.flatMap((f) => (f.statement ? [{ form: f.form, where: f.where, signer: f.signer, statement: f.statement }] : []));
}

async function findOwn(
  target: ReadOnlyTarget,
  subject: Descriptor,
  signer: OwnSigner,
  wanted: (p: Prepared) => boolean,
  firstOnly: boolean,
  signal?: AbortSignal,
  discovery: SignatureDiscovery = new SignatureDiscovery(target),
): Promise<Array<Prepared & { signer: SignerIdentity }>> {
  const candidates = await discovery.find(subject, signal);
  let manifest: Promise<Buffer> | undefined;
  const manifestBytes = () => (manifest ??= target.fetch(subject, signal).then((s) => readManifest(s, subject)));
  const out: Array<Prepared & { signer: SignerIdentity }> = [];
  for (const c of candidates) {
    if (isUnreadable(c)) continue;
    const p = c.form === 'bundle' ? await prepareBundle(c, subject, manifestBytes) : prepareLegacy(c, subject);
    if ('problem' in p || !wanted(p)) continue;
    const found = signedBy(p, signer);
    if (!found) continue;
    out.push({ ...p, signer: found });
    if (firstOnly) break;
  }
  return out;
}

function signedBy(p: Prepared, signer: OwnSigner): SignerIdentity | undefined {
  try {
    if (signer.kind === 'key') {
      if (p.certificate || !p.entity.signature.verifySignature(signer.key)) return undefined;
      return { keyFingerprint: keyFingerprint(signer.key) };
    }
    const cert = p.certificate;
    if (!cert || cert.subjectAltName !== signer.identity || certificateIssuer(cert) !== signer.issuer) return undefined;
    const key = createPublicKey({ key: cert.publicKey, format: 'der', type: 'spki' });
    return p.entity.signature.verifySignature(key) ? certificateIdentity(cert) : undefined;
  } catch {
    // A key or signature from outside that cannot be used is no signature by this signer.
    return undefined;
  }
}

/**
 * The identity and issuer Fulcio puts in the certificate for an OIDC token, read from the token's
 * claims (it is this job's own token: its signature is Fulcio's to check): GitHub Actions'
 * `https://github.com/<job_workflow_ref>` (or the `url` claim's server), else the `email` claim,
 * else the subject. Undefined when the token cannot be read.
 */
export function tokenIdentity(token: string): { identity: string; issuer: string } | undefined {
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const issuer = str(claims.iss);
  if (!issuer) return undefined;
  const workflow = str(claims.job_workflow_ref);
  const identity = workflow
    ? `${(str(claims.url) ?? 'https://github.com/').replace(/\/?$/, '/')}${workflow}`
    : (str(claims.email) ?? str(claims.sub));
  return identity ? { identity, issuer } : undefined;
}
