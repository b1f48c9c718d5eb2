import { printable } from '../../oci/text.js';
import type { SignerIdentity } from '../../signatures/record.js';
import type { ItemOutcome } from '../outcome.js';

/** `X (issuer Y)` or `key SHA256:…`: who signed, as a phrase. */
export function signerWords(signer: SignerIdentity | undefined): string {
  if (!signer) return 'an unknown signer';
  if (signer.keyFingerprint) return `key ${signer.keyFingerprint}`;
  return `${printable(signer.identity ?? 'no identity')}${signer.issuer ? ` (issuer ${printable(signer.issuer)})` : ''}`;
}

/**
 * `workflow W, repository R, commit C`: what a GitHub certificate names of the run, when it does.
 * The workflow is left out when it is the identity itself (a workflow signing for itself), which
 * `signerWords` has already named.
 */
export function provenanceWords(signer: SignerIdentity | undefined): string {
  if (!signer) return '';
  const parts = [signer.workflow && signer.workflow !== signer.identity && `workflow ${printable(signer.workflow)}`, signer.repository && `repository ${printable(signer.repository)}`, signer.commit && `commit ${printable(signer.commit)}`].filter(Boolean);
  return parts.join(', ');
}

/**
 * What an image's log says of its signatures, a line each: what was verified (the digest, the
 * signer, the run the certificate names, the attestations, the log index) and what was signed.
 * A refusal says nothing here: its error line names what was found and what was required.
 */
export function signatureLines(r: ItemOutcome): string[] {
  const lines: string[] = [];
  const v = r.verification;
  if (v?.verified) {
    const run = provenanceWords(v.signer);
    const parts = [
      `Verified ${v.digest}${r.chosenFrom?.digest === v.digest ? ' (the index the copied platform manifest was chosen from)' : ''}: signed by ${signerWords(v.signer)}`,
      run,
      v.predicateTypes.length ? `attestations ${v.predicateTypes.map((t) => printable(t)).join(', ')}` : '',
      v.tlogIndex !== undefined ? `log index ${v.tlogIndex}` : 'no transparency-log entry',
      v.platforms ? `${v.platforms.length} platform manifests verified too` : '',
    ].filter(Boolean);
    lines.push(`${parts.join('; ')} (${policyWords(v.policy, v.signer)})`);
  }
  const s = r.signed;
  if (s) {
    const where = s.tag ? `tag ${s.tag} (manifest ${s.manifest})` : `referrer ${s.manifest}`;
    lines.push(`Signed ${s.digest} (${s.mode}, ${s.format}) as ${signerWords(s.signer)}: ${where}${s.tlogIndex !== undefined ? `; log index ${s.tlogIndex}` : ''}`);
  }
  return lines;
}

/** `policy: identity X, issuer Y`, or, when that is exactly the signer just named, `the identity and issuer the policy requires`. */
function policyWords(policy: string, signer: SignerIdentity | undefined): string {
  if (signer?.identity && signer.issuer && policy === `identity ${printable(signer.identity)}, issuer ${printable(signer.issuer)}`) return 'the identity and issuer the policy requires';
  return `policy: ${printable(policy)}`;
}
