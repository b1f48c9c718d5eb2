import type { ItemOutcome, JobOutcome } from '../outcome.js';

/**
 * One record per image that was verified, refused by its signature policy, or signed: the
 * action's `verification` output and the `verification` of `--json`. Who signed (identity and
 * issuer; for a key its fingerprint), the workflow, repository and commit the certificate names,
 * the accepted predicate types, the transparency-log index, and what signing wrote (or found
 * there already, or would write). `verified` is true (the policy held) or false (refused), and
 * absent when no policy applied.
 */
export function verificationRecords(outcome: JobOutcome): Array<Record<string, unknown>> {
  return outcome.results.flatMap((r) => {
    const record = verificationRecord(r);
    return record ? [{ source: r.source, destination: r.destination, ...record }] : [];
  });
}

/** The verification and signing of one image, or undefined when there was neither. */
export function verificationRecord(r: ItemOutcome): Record<string, unknown> | undefined {
  const v = r.verification;
  const s = r.signed;
  if (!v && !s) return undefined;
  const signer = v?.signer;
  return {
    ...(v
      ? {
          digest: v.digest,
          verified: v.verified,
          policy: v.policy,
          ...(signer?.identity ? { signer: signer.identity } : signer?.keyFingerprint ? { signer: `key ${signer.keyFingerprint}` } : {}),
          ...(signer?.issuer ? { issuer: signer.issuer } : {}),
          ...(signer?.workflow ? { workflow: signer.workflow } : {}),
          ...(signer?.repository ? { repository: signer.repository } : {}),
          ...(signer?.commit ? { commit: signer.commit } : {}),
          predicateTypes: v.predicateTypes,
          ...(v.tlogIndex !== undefined ? { logIndex: v.tlogIndex } : {}),
          ...(v.platforms ? { platforms: v.platforms.map((p) => ({ digest: p.digest, ...(p.signer?.identity ? { signer: p.signer.identity } : {}), ...(p.tlogIndex !== undefined ? { logIndex: p.tlogIndex } : {}) })) } : {}),
          ...(v.verified ? {} : { found: v.found.map((f) => ({ form: f.form, kind: f.kind, where: f.where, ...(f.predicateType ? { predicateType: f.predicateType } : {}), ...(f.signer?.identity ? { signer: f.signer.identity } : {}), ...(f.problem ? { problem: f.problem } : {}) })), required: v.required }),
        }
      : // Signed with no policy: nothing was verified (`verified: false` would say refused).
        { digest: s!.digest }),
    ...(s
      ? {
          signed: {
            state: s.state,
            mode: s.mode,
            format: s.format,
            digest: s.digest,
            ...(s.state === 'signed' ? { manifest: s.manifest, ...(s.tag ? { tag: s.tag } : {}) } : {}),
            ...(s.state === 'already-signed' ? { where: s.where } : {}),
            ...(s.signer?.identity ? { signer: s.signer.identity } : s.signer?.keyFingerprint ? { signer: `key ${s.signer.keyFingerprint}` } : {}),
            ...(s.signer?.issuer ? { issuer: s.signer.issuer } : {}),
            ...(s.state === 'signed' && s.tlogIndex !== undefined ? { logIndex: s.tlogIndex } : {}),
          },
        }
      : {}),
  };
}
