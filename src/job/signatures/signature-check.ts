import { SignatureDiscovery } from '../../signatures/discovery.js';
import { SignatureRefusedError } from '../../signatures/errors.js';
import type { VerifyPolicy } from '../../signatures/policy.js';
import type { VerificationRecord } from '../../signatures/record.js';
import { verifyImage } from '../../signatures/verify.js';
import type { ReadOnlyTarget } from '../../targets/target.js';
import { CheckRefusal, type CheckRecord, type ImageCheck } from '../checks.js';
import { SIGNATURE_POLICY_CHECK, type ImageVerification } from './names.js';

export interface SignatureCheckOptions {
  /** The step's (or command's) policy. */
  policy?: VerifyPolicy;
}

/**
 * `signature-policy`: before any byte moves, the digest the source reference names must carry a
 * signature (or each required attestation) that satisfies the policy: the entry's own when it has
 * one, else the job's. The digest verified is the one the user pinned; a platform chosen from an
 * index is named by that signed index (with `verify-platforms`, each platform manifest must be
 * signed too). Only an image that differs is verified: an unchanged destination stays HEAD-only.
 * One verification per source digest and policy serves every destination of it.
 */
export function signatureCheck(options: SignatureCheckOptions): ImageCheck {
  const done = new Map<string, Promise<VerificationRecord>>();
  const discoveries = new WeakMap<ReadOnlyTarget, SignatureDiscovery>();
  return {
    name: SIGNATURE_POLICY_CHECK,
    async run(ctx) {
      const policy = ctx.entry?.verify ?? options.policy;
      if (!policy || ctx.state !== 'differs') return;
      const subject = ctx.resolved.source;
      let discovery = discoveries.get(ctx.source);
      if (!discovery) discoveries.set(ctx.source, (discovery = new SignatureDiscovery(ctx.source)));
      const key = `${ctx.source.description}\n${subject.digest}\n${policy.description}\n${policy.trustRootName}\n${policy.platforms}`;
      let pending = done.get(key);
      if (!pending) done.set(key, (pending = verifyImage(ctx.source, subject, policy, { signal: ctx.signal, discovery })));
      let record: VerificationRecord;
      try {
        record = await pending;
      } catch (err) {
        if (err instanceof SignatureRefusedError) {
          const refused: ImageVerification = { digest: err.digest, verified: false, policy: policy.description, trustRoot: policy.trustRootName, predicateTypes: [], found: err.found, required: err.required };
          throw new CheckRefusal(err.message, SIGNATURE_POLICY_CHECK, refused as unknown as CheckRecord);
        }
        throw err;
      }
      const verified: ImageVerification = {
        digest: record.digest,
        verified: true,
        policy: record.policy,
        trustRoot: record.trustRoot,
        ...(record.signer ? { signer: record.signer } : {}),
        predicateTypes: record.predicateTypes,
        ...(record.tlogIndex !== undefined ? { tlogIndex: record.tlogIndex } : {}),
        found: record.found,
        ...(record.platforms ? { platforms: record.platforms.map((p) => ({ digest: p.digest, ...(p.signer ? { signer: p.signer } : {}), ...(p.tlogIndex !== undefined ? { tlogIndex: p.tlogIndex } : {}) })) } : {}),
      };
      return verified as unknown as CheckRecord;
    },
  };
}
