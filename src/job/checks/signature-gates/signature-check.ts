import { SignatureDiscovery } from '../../../signatures/discovery.js';
import { SignatureRefusedError } from '../../../signatures/errors.js';
import type { VerifyPolicy } from '../../../signatures/policy.js';
import type { VerificationRecord } from '../../../signatures/record.js';
import { verifyImage } from '../../../signatures/verify.js';
import type { ReadOnlyTarget } from '../../../targets/target.js';
import { CheckRefusal, type ImageCheck } from '../check.js';
import { verifiedLine } from '../../render/signature-lines.js';
import { SIGNATURE_POLICY_CHECK, type ImageVerification } from './names.js';
import { verificationPresenter } from './presenter.js';

export interface SignatureCheckOptions {
  /** The step's (or command's) policy. */
  policy?: VerifyPolicy;
}

/**
 * `signature-policy`: before any byte moves, the digest the source reference names must carry a
 * signature (or each required attestation) that satisfies the policy: the entry's own when it has
 * one, else the job's. The digest verified is the one the user pinned; a platform chosen from an
 * index is named by that signed index (with `verify-platforms`, each platform manifest must be
 * signed too). The policy is a gate on every run: an image the destination already holds is
 * verified too (its attachments are read: referrers and tags, and the signatures' own layers), and
 * a refusal says the destination holds it. One verification per source digest and policy serves
 * every destination of it. In a check of the destinations (`ctx.checking`), the digest the
 * destination holds is verified there instead, with what the destination holds of its signatures.
 * A pass is told in the image's log at once, before the copy. In the
 * policy's `warn` mode a failure refuses nothing: the image goes on, a warning names the digest and
 * what was missing, and the record says `verified: false, mode: 'warn'`.
 */
export function signatureCheck(options: SignatureCheckOptions): ImageCheck<ImageVerification> {
  const done = new Map<string, Promise<VerificationRecord & { verifiedAt: string }>>();
  const discoveries = new WeakMap<ReadOnlyTarget, SignatureDiscovery>();
  return {
    name: SIGNATURE_POLICY_CHECK,
    presenter: verificationPresenter,
    everyRun: true,
    async run(ctx) {
      const policy = ctx.entry?.verify ?? options.policy;
      if (!policy) return;
      // A check of the destination verifies the digest it holds there; one that holds none of it has drift to say, and nothing to verify.
      if (ctx.checking && ![...ctx.current.values()].includes(ctx.resolved.root.digest)) return;
      const target = ctx.checking ? ctx.destination : ctx.source;
      const subject = ctx.checking ? ctx.resolved.root : ctx.resolved.source;
      let discovery = discoveries.get(target);
      if (!discovery) discoveries.set(target, (discovery = new SignatureDiscovery(target)));
      const key = `${target.description}\n${subject.digest}\n${policy.description}\n${policy.trustRootName}\n${policy.platforms}`;
      let pending = done.get(key);
      if (!pending)
        done.set(
          key,
          (pending = verifyImage(target, subject, policy, { signal: ctx.signal, discovery }).then((r) => ({
            ...r,
            verifiedAt: new Date().toISOString(),
          }))),
        );
      let record: VerificationRecord & { verifiedAt: string };
      try {
        record = await pending;
      } catch (err) {
        if (err instanceof SignatureRefusedError) {
          const usedRoot = policy.signer.kind !== 'key' || err.found.some((f) => f.tlogIndex !== undefined);
          const refused: ImageVerification = {
            digest: err.digest,
            verified: false,
            policy: policy.description,
            ...(usedRoot ? { trustRoot: policy.trustRootName } : {}),
            predicateTypes: [],
            found: err.found,
            required: err.required,
          };
          if (policy.mode === 'warn') {
            // Warn mode: the image goes on as if verified; the warning names the digest and what was missing.
            const goesOn = ctx.item.inPlace
              ? 'nothing is changed'
              : ctx.state === 'unchanged'
                ? `the destination already holds ${ctx.resolved.root.digest}: it is left there`
                : ctx.dryRun
                  ? 'would be copied anyway'
                  : 'copied anyway';
            ctx.warning(`Unverified ${subject.digest} (verify-mode warn, ${goesOn}): ${err.message}`);
            return { ...refused, mode: 'warn' };
          }
          // Nothing is copied either way; an image already there stays, and the step still fails on it.
          const held = ctx.checking
            ? ` (checked in ${ctx.destination.description}, where users pull from)`
            : ctx.state === 'unchanged' && !ctx.item.inPlace
              ? `; the destination already holds ${ctx.resolved.root.digest} (copied by an earlier run): it is left there, unvouched for`
              : '';
          throw new CheckRefusal(`${err.message}${held}`, SIGNATURE_POLICY_CHECK, refused);
        }
        throw err;
      }
      // The verifier's record as it is, each platform's reduced to who signed it.
      const { platforms, ...rest } = record;
      const verified: ImageVerification = policy.mode === 'warn' ? { ...rest, mode: 'warn' } : rest;
      if (platforms)
        verified.platforms = platforms.map((p) => ({
          digest: p.digest,
          ...(p.signer ? { signer: p.signer } : {}),
          ...(p.tlogIndex !== undefined ? { tlogIndex: p.tlogIndex } : {}),
        }));
      ctx.notice(verifiedLine(verified, subject.digest !== ctx.resolved.root.digest), SIGNATURE_POLICY_CHECK);
      return verified;
    },
  };
}
