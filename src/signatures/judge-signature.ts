import { Verifier, VerificationError, type Signer } from '@sigstore/verify';
import { printable } from '../oci/text.js';
import type { Prepared } from './entity.js';
import { certificateIdentity } from './identity.js';
import type { VerifyPolicy } from './policy.js';
import { keyFingerprint } from './public-key.js';
import type { FoundSignature, SignerIdentity } from './record.js';
import { trustMaterial, type TrustRoot } from './trust-root.js';

/**
 * Verifies one prepared signature against the trust root, offline: the signature over its content;
 * for a certificate, its chain to a Fulcio CA of the root at a proven time (a transparency-log entry
 * or an RFC 3161 timestamp; the certificate lives ten minutes) and its embedded SCT; every
 * transparency-log entry's inclusion proof or signed entry timestamp, and that the entry records
 * this very signature. Then the policy: the key, or the identity and issuer.
 *
 * A keyless signature needs a timestamp, and a log entry when the root has logs (GitHub's private
 * instance has none: its TSA stamps instead). A keyed one needs neither: a key does not expire, as
 * skopeo's `sigstoreSigned` with `keyPath` does not ask for one; any entry it carries is still checked.
 */
export function judgeSignature(p: Prepared, policy: VerifyPolicy, root: TrustRoot): FoundSignature {
  const keyed = p.entity.key.$case === 'public-key';
  const signer: SignerIdentity | undefined = p.certificate ? certificateIdentity(p.certificate) : undefined;
  const base: FoundSignature = {
    form: p.form,
    kind: p.kind,
    where: p.where,
    digest: p.digest,
    ...(p.predicateType ? { predicateType: p.predicateType } : {}),
    ...(signer ? { signer } : {}),
    valid: false,
    accepted: false,
    ...(p.tlogIndex !== undefined ? { tlogIndex: p.tlogIndex } : {}),
  };
  const policyKey = policy.signer.kind === 'key' ? policy.signer.key : undefined;
  const verifier = new Verifier(
    trustMaterial(root, policyKey),
    keyed
      ? { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }
      : { tlogThreshold: root.root.tlogs.length ? 1 : 0, ctlogThreshold: root.root.ctlogs.length ? 1 : 0, timestampThreshold: 1 },
  );
  if (keyed && !policyKey) return { ...base, problem: 'it is signed with a key, and the policy requires a certificate identity' };

  let verified: Signer;
  try {
    verified = verifier.verify(p.entity);
  } catch (err) {
    return { ...base, problem: verificationProblem(err, p) };
  }
  const signedAt = signingTime(p);
  const valid: FoundSignature = { ...base, valid: true, ...(signedAt ? { signedAt } : {}) };
  if (keyed) {
    // The trust material hands out the policy's key for any hint: the signature verified against it.
    return { ...valid, accepted: true, signer: { keyFingerprint: keyFingerprint(verified.key) } };
  }
  if (policy.signer.kind === 'key') return { ...valid, problem: 'it is signed keyless, and the policy requires a key' };
  const identity = verified.identity?.subjectAlternativeName;
  const issuer = verified.identity?.extensions?.issuer;
  const rule = policy.signer;
  const identityOk =
    identity !== undefined && (rule.identity !== undefined ? identity === rule.identity : rule.identityRegexp!.test(identity));
  if (!identityOk)
    return { ...valid, problem: identity === undefined ? 'its certificate names no identity' : 'its signer is not the identity required' };
  if (issuer !== rule.issuer)
    return { ...valid, problem: issuer === undefined ? 'its certificate names no OIDC issuer' : 'its issuer is not the one required' };
  return { ...valid, accepted: true };
}

/** The verifier's failure as a phrase a person can act on. */
function verificationProblem(err: unknown, p: Prepared): string {
  if (!(err instanceof VerificationError))
    return `it cannot be verified (${printable(err instanceof Error ? err.message : String(err), 200)})`;
  const msg = err.message;
  const cause = (err as { cause?: { message?: string } }).cause?.message ?? '';
  switch (err.code) {
    case 'SIGNATURE_ERROR':
      return 'its signature does not verify (the content or the key differs from what was signed)';
    case 'PUBLIC_KEY_ERROR':
      return `its key is not the one required (${printable(msg, 160)})`;
    case 'CERTIFICATE_ERROR':
      if (/not valid or expired/.test(msg) || /not valid or expired/.test(cause))
        return `its certificate ${validity(p)} was not valid when it was signed`;
      if (/SCT/.test(msg)) return 'its certificate carries no valid SCT from a CT log of the trust root';
      return 'its certificate does not chain to a certificate authority of the trust root';
    case 'TIMESTAMP_ERROR':
      if (/expected \d+ timestamps?, got 0/.test(msg))
        return `no timestamp (transparency-log entry or TSA) shows it was signed while its certificate ${validity(p)} was valid`;
      return `its timestamp does not verify against the trust root (${printable(msg, 120)})`;
    case 'TLOG_ERROR':
      if (/expected \d+ tlog entries, got 0/.test(msg)) return 'it has no transparency-log entry, and the trust root requires one';
      return `its transparency-log entries do not verify (${printable(msg, 120)})`;
    case 'TLOG_INCLUSION_PROMISE_ERROR':
    case 'TLOG_INCLUSION_PROOF_ERROR':
    case 'TLOG_MISSING_INCLUSION_ERROR':
      return 'its transparency-log entry is not proven by a log of the trust root';
    case 'TLOG_BODY_ERROR':
      // An entry of a kind or version the verifier cannot read is not a mismatch, and is not said to be one.
      if (/^unsupported /.test(msg)) return `its transparency-log entry is of a type the verifier cannot check (${printable(msg, 80)})`;
      return 'its transparency-log entry records another signature';
    default:
      return `it does not verify (${printable(msg, 160)})`;
  }
}

function validity(p: Prepared): string {
  const c = p.certificate;
  if (!c) return '';
  try {
    return `(valid ${c.notBefore.toISOString()} to ${c.notAfter.toISOString()})`;
  } catch {
    return '';
  }
}

/** When the log integrated the entry, else when the TSA stamped it. */
function signingTime(p: Prepared): string | undefined {
  for (const t of p.entity.timestamps) {
    try {
      if (t.$case === 'transparency-log') return new Date(Number(t.tlogEntry.integratedTime) * 1000).toISOString();
      return t.timestamp.signingTime.toISOString();
    } catch {
      // an unreadable time is no time
    }
  }
  return undefined;
}
