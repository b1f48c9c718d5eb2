import { printable } from '../oci/text.js';
import type { VerifyPolicy } from './policy.js';
import type { FoundSignature, SignerIdentity } from './record.js';

/** `signed by X (issuer Y)`, `signed with key SHA256:…`, or nothing when the signer is unknown. */
export function signedBy(signer: SignerIdentity | undefined): string {
  if (!signer) return '';
  if (signer.keyFingerprint) return `signed with key ${signer.keyFingerprint}`;
  if (!signer.identity && !signer.issuer) return '';
  return `signed by ${printable(signer.identity ?? 'no identity')}${signer.issuer ? ` (issuer ${printable(signer.issuer)})` : ''}`;
}

/** `a bundle signature (referrer sha256:…) signed by X (issuer Y): its signer is not the identity required`. */
export function describeFound(f: FoundSignature): string {
  const what = `a ${f.form} ${f.kind}${f.kind === 'attestation' && f.predicateType ? ` of type ${printable(f.predicateType)}` : ''} (${printable(f.where)})`;
  const by = signedBy(f.signer);
  return `${what}${by ? ` ${by}` : ''}${f.accepted ? '' : `: ${f.problem ?? 'not accepted'}`}`;
}

/**
 * What the policy requires, as the end of a refusal: `required identity X, issuer Y (trust root Z)`.
 * A key policy uses the trust root only for a signature's transparency-log entry: without one
 * among `found`, the root is not named.
 */
export function describeRequired(policy: VerifyPolicy, found: readonly FoundSignature[] = []): string {
  const usedRoot = policy.signer.kind !== 'key' || found.some((f) => f.tlogIndex !== undefined);
  return `required ${policy.description}${usedRoot ? ` (trust root ${printable(policy.trustRootName)})` : ''}`;
}

/** The one-line refusal: what is missing, everything found and why each falls short, what was required. */
export function refusalLine(digest: string, missing: string, found: FoundSignature[], policy: VerifyPolicy, context = ''): string {
  const shown = found.slice(0, 5).map(describeFound);
  const more = found.length > shown.length ? `; and ${found.length - shown.length} more` : '';
  const what = found.length
    ? `found ${found.length}: ${shown.join('; ')}${more}`
    : 'found none (no Sigstore bundle among its referrers, no cosign .sig or .att tag)';
  return `no ${missing} of ${digest}${context} satisfies the policy: ${what}; ${describeRequired(policy, found)}`;
}
