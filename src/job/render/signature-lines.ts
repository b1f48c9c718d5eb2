import { printable } from '../../oci/text.js';
import type { SignerIdentity } from '../../signatures/record.js';
import type { ImageSigning, ImageSummary, ImageVerification, PlatformSigning } from '../checks/signature-gates/names.js';

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
  const parts = [
    signer.workflow && signer.workflow !== signer.identity && `workflow ${printable(signer.workflow)}`,
    signer.repository && `repository ${printable(signer.repository)}`,
    signer.commit && `commit ${printable(signer.commit)}`,
  ].filter(Boolean);
  return parts.join(', ');
}

/** `Verified sha256:…: signed by X (issuer Y); workflow …; log index 7 (policy: …)`. `chosenFrom`: the digest is the index a platform was chosen from. */
export function verifiedLine(v: ImageVerification, chosenFrom: boolean): string {
  const run = provenanceWords(v.signer);
  const parts = [
    `Verified ${v.digest}${chosenFrom ? ' (the index the copied platform manifest was chosen from)' : ''}: signed by ${signerWords(v.signer)}`,
    run,
    v.predicateTypes.length ? `attestations ${v.predicateTypes.map((t) => printable(t)).join(', ')}` : '',
    v.tlogIndex !== undefined ? `log index ${v.tlogIndex}` : 'no transparency-log entry',
    v.platforms ? `${v.platforms.length} platform manifests verified too` : '',
  ].filter(Boolean);
  return `${parts.join('; ')} (${policyWords(v.policy, v.signer)})`;
}

/**
 * `Signed sha256:… (key, bundle) as …: referrer sha256:…`, `Not signed again: sha256:… is already
 * signed by …`, `Would sign sha256:… (key, bundle)`; with `sign-platforms`, how many platform
 * manifests were signed too (`; platform manifests: 2 signed`).
 */
export function signingLine(s: ImageSigning): string {
  return `${rootSigningLine(s)}${platformCounts(s.platforms)}`;
}

function rootSigningLine(s: ImageSigning): string {
  if (s.state === 'already-signed')
    return `Not signed again: ${s.digest} is already signed by ${signerWords(s.signer)} (${printable(s.where)}, ${s.format})`;
  if (s.state === 'would-sign') return `Would sign ${s.digest} (${s.mode}, ${s.format})${s.signer ? ` as ${signerWords(s.signer)}` : ''}`;
  const where = s.tag ? `tag ${s.tag} (manifest ${s.manifest})` : `referrer ${s.manifest}`;
  return `Signed ${s.digest} (${s.mode}, ${s.format}) as ${signerWords(s.signer)}: ${where}${s.tlogIndex !== undefined ? `; log index ${s.tlogIndex}` : ''}`;
}

/** `; platform manifests: 1 signed, 1 already signed`, or that there were none to sign; nothing without `sign-platforms`. */
export function platformCounts(platforms: PlatformSigning[] | undefined): string {
  if (!platforms) return '';
  if (!platforms.length) return '; sign-platforms: it has no platform manifests to sign (a single manifest, or an index of none)';
  const count = (state: PlatformSigning['state'], words: string) => {
    const n = platforms.filter((p) => p.state === state).length;
    return n ? `${n} ${words}` : '';
  };
  const parts = [count('signed', 'signed'), count('already-signed', 'already signed'), count('would-sign', 'would be signed')];
  return `; platform manifests: ${parts.filter(Boolean).join(', ')}`;
}

/**
 * A line per platform manifest: `Signed platform manifest linux/arm64 sha256:… of sha256:… (key,
 * bundle): referrer sha256:…`, `Not signed again: platform manifest … is already signed by this
 * signer (referrer sha256:…, bundle)`, `Would sign platform manifest … (key, bundle)`.
 */
export function platformSigningLines(s: ImageSigning): string[] {
  return (s.platforms ?? []).map((p) => {
    const what = `platform manifest ${p.platform} ${p.digest} of ${s.digest}`;
    if (p.state === 'already-signed')
      return `Not signed again: ${what} is already signed by this signer (${printable(p.where ?? '')}, ${p.format})`;
    if (p.state === 'would-sign') return `Would sign ${what} (${s.mode}, ${p.format})`;
    return `Signed ${what} (${s.mode}, ${p.format}): ${p.tag ? `tag ${p.tag} (manifest ${p.manifest})` : `referrer ${p.manifest}`}`;
  });
}

/**
 * `Attested the verification of sha256:… (SLSA verification summary, PASSED, SLSA_BUILD_LEVEL_2) as …: referrer sha256:…`,
 * `Not attested again: sha256:… is already attested for this policy by … (referrer sha256:…)`,
 * `Would attest the verification of sha256:… (keyless)`, or, for an image that got none, the reason.
 */
export function summaryLine(s: ImageSummary): string {
  if (s.state === 'already-attested')
    return `Not attested again: ${s.digest} is already attested for this policy by ${signerWords(s.signer)} (${printable(s.where)}, SLSA verification summary)`;
  if (s.state === 'would-attest')
    return `Would attest the verification of ${s.digest} (${s.mode}, SLSA verification summary)${s.signer ? ` as ${signerWords(s.signer)}` : ''}`;
  if (s.state === 'not-attested') return `No verification summary for ${s.digest}: ${s.reason}`;
  return `Attested the verification of ${s.digest} (SLSA verification summary, PASSED, ${s.verifiedLevels.join(', ')}) as ${signerWords(s.signer)}: referrer ${s.manifest}${s.tlogIndex !== undefined ? `; log index ${s.tlogIndex}` : ''}`;
}

/** `policy: identity X, issuer Y`, or, when that is exactly the signer just named, `the identity and issuer the policy requires`. */
function policyWords(policy: string, signer: SignerIdentity | undefined): string {
  if (signer?.identity && signer.issuer && policy === `identity ${printable(signer.identity)}, issuer ${printable(signer.issuer)}`)
    return 'the identity and issuer the policy requires';
  return `policy: ${printable(policy)}`;
}
