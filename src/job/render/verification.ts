import type { SignerIdentity } from '../../signatures/record.js';
import type { JobOutcome } from '../outcome/outcome.js';
import type { ImageSigning, ImageSummary, ImageVerification } from '../checks/signature-gates/names.js';
import { jsonParts } from './checks.js';

/** The JSON key a signature check and the signing stage give their fields under, the action's output of that name. */
export const VERIFICATION_KEY = 'verification';

/**
 * One record per image that was verified, refused by its signature policy, or signed: the
 * action's `verification` output and the `verification` of `--json`. Who signed (identity and
 * issuer; for a key its fingerprint), the workflow, repository and commit the certificate names,
 * the accepted predicate types, the transparency-log index, and what signing wrote (or found
 * there already, or would write). `verified` is true (the policy held) or false (refused; with
 * `mode: "warn"`, copied anyway), and absent when no policy applied.
 */
export function verificationRecords(outcome: JobOutcome): Array<Record<string, unknown>> {
  return outcome.results.flatMap((r) => {
    const record = jsonParts(r)[VERIFICATION_KEY];
    return record ? [{ source: r.source, destination: r.destination, ...record }] : [];
  });
}

/** What the policy found of an image, as JSON: verified (who signed), or refused (what was found, what was required). */
export function verificationFields(v: ImageVerification): Record<string, unknown> {
  return {
    digest: v.digest,
    verified: v.verified,
    ...(v.mode ? { mode: v.mode } : {}),
    policy: v.policy,
    ...signerFields(v.signer),
    ...(v.signer?.workflow ? { workflow: v.signer.workflow } : {}),
    ...(v.signer?.repository ? { repository: v.signer.repository } : {}),
    ...(v.signer?.commit ? { commit: v.signer.commit } : {}),
    predicateTypes: v.predicateTypes,
    ...(v.tlogIndex !== undefined ? { logIndex: v.tlogIndex } : {}),
    ...(v.platforms
      ? {
          platforms: v.platforms.map((p) => ({
            digest: p.digest,
            ...(p.signer?.identity ? { signer: p.signer.identity } : {}),
            ...(p.tlogIndex !== undefined ? { logIndex: p.tlogIndex } : {}),
          })),
        }
      : {}),
    ...(v.verified
      ? {}
      : {
          found: v.found.map((f) => ({
            form: f.form,
            kind: f.kind,
            where: f.where,
            ...(f.predicateType ? { predicateType: f.predicateType } : {}),
            ...(f.signer?.identity ? { signer: f.signer.identity } : {}),
            ...(f.problem ? { problem: f.problem } : {}),
          })),
          required: v.required,
        }),
  };
}

/**
 * What signing did, as JSON: `{digest, signed: {…}}`. The digest stands first for an image only
 * signed; beside a verification, the verified digest (the source's) is the one kept.
 */
export function signingFields(s: ImageSigning): Record<string, unknown> {
  return {
    digest: s.digest,
    signed: {
      state: s.state,
      mode: s.mode,
      format: s.format,
      digest: s.digest,
      ...(s.state === 'signed' ? { manifest: s.manifest, ...(s.tag ? { tag: s.tag } : {}) } : {}),
      ...(s.state === 'already-signed' ? { where: s.where } : {}),
      ...signerFields(s.signer),
      ...(s.state === 'signed' && s.tlogIndex !== undefined ? { logIndex: s.tlogIndex } : {}),
      ...(s.platforms
        ? {
            platforms: s.platforms.map((p) => ({
              digest: p.digest,
              platform: p.platform,
              state: p.state,
              format: p.format,
              ...(p.manifest ? { manifest: p.manifest } : {}),
              ...(p.tag ? { tag: p.tag } : {}),
              ...(p.where ? { where: p.where } : {}),
            })),
          }
        : {}),
    },
  };
}

/**
 * What the verification-summary stage did, as JSON: `{digest, attested: {…}}`: its state, the
 * referrer written or found, who signed it, the policy's digest and the levels it states.
 */
export function summaryFields(s: ImageSummary): Record<string, unknown> {
  return {
    digest: s.digest,
    attested: {
      state: s.state,
      digest: s.digest,
      ...(s.state === 'attested' ? { mode: s.mode, manifest: s.manifest, verifiedLevels: s.verifiedLevels } : {}),
      ...(s.state === 'would-attest' ? { mode: s.mode } : {}),
      ...(s.state === 'already-attested' ? { where: s.where } : {}),
      ...(s.state === 'not-attested' ? { reason: s.reason } : { policyDigest: s.policyDigest, ...signerFields(s.signer) }),
      ...(s.state === 'attested' && s.tlogIndex !== undefined ? { logIndex: s.tlogIndex } : {}),
    },
  };
}

/** `{signer, issuer}`: the identity (or `key SHA256:…`) and the issuer, those known. */
function signerFields(signer: SignerIdentity | undefined): Record<string, unknown> {
  const who = signer?.identity ? { signer: signer.identity } : signer?.keyFingerprint ? { signer: `key ${signer.keyFingerprint}` } : {};
  return { ...who, ...(signer?.issuer ? { issuer: signer.issuer } : {}) };
}
