import { CancelledError, messageOf } from '../../../oci/errors.js';
import { isDigest } from '../../../oci/digest.js';
import { formatReference } from '../../../oci/reference.js';
import { VSA_PREDICATE } from '../../../signatures/constants.js';
import { SigningError } from '../../../signatures/errors.js';
import type { VerifyPolicy } from '../../../signatures/policy.js';
import { attestImage } from '../../../signatures/sign.js';
import { findOwnAttestations } from '../../../signatures/signed-by.js';
import { parseStatement } from '../../../signatures/statement.js';
import {
  inputAttestations,
  OCI_COPY_URI,
  policyDescriptor,
  readSummary,
  summaryStatement,
  verifiedLevels,
  type VerificationSummary,
} from '../../../signatures/verification-summary.js';
import { VERSION } from '../../../version.js';
import type { AfterTagStage } from '../check.js';
import { SIGNATURE_POLICY_CHECK, VERIFICATION_SUMMARY_STAGE, type ImageSummary } from './names.js';
import { summaryPresenter } from './presenter.js';
import { ownSigner, signerOptions, signStageOptions, type EntrySigningOptions, type SignStageOptions } from './sign-stage.js';
import { SigningKeys } from './signing-keys.js';

export interface SummaryStageOptions {
  /** The step's `attest-verification`; an entry's own replaces it for its images. */
  attest: boolean;
  /** The step's policy (an entry's own replaces it), whose requirements the summary states. */
  policy?: VerifyPolicy;
  /** The step's signing (an entry's own replaces it): the summary is signed as the image is. */
  sign?: SignStageOptions;
}

/**
 * `attest-verification`: after a verified promotion, the destination digest gets a signed SLSA
 * verification summary (an in-toto statement, predicate `https://slsa.dev/verification_summary/v1`)
 * as a v0.3 bundle referrer: who verified it (oci-copy and its version; keyless, the workflow
 * identity), when, the destination reference, the policy (its requirements as JSON, their digest,
 * in words), the signatures and attestations that satisfied it, `PASSED`, and the SLSA levels
 * verified. Signed as the image is signed (the step's or the entry's `sign`). An image that did not
 * pass (warn mode) gets none, and a warning says so. A digest that already carries a summary by
 * this signer for the same policy gets no second one (`already attested`), so a re-run writes
 * nothing. A dry run says what it would attest. Runs after the signing stage.
 */
export function verificationSummaryStage(options: SummaryStageOptions, entries: EntrySigningOptions = {}): AfterTagStage<ImageSummary> {
  const keys = entries.keys ?? new SigningKeys();
  const identityToken = entries.identityToken ?? options.sign?.identityToken;
  return {
    name: VERIFICATION_SUMMARY_STAGE,
    presenter: summaryPresenter,
    everyRun: true,
    async run(ctx) {
      if (!(ctx.entry?.attestVerification ?? options.attest)) return;
      const digest = ctx.root.digest;
      const notAttested = (reason: string): ImageSummary => {
        ctx.warning(`No verification summary for ${digest}: ${reason}`);
        return { state: 'not-attested', digest, reason };
      };
      const verification = ctx.checks[SIGNATURE_POLICY_CHECK];
      const policy = ctx.entry?.verify ?? options.policy;
      if (!verification || !policy) return notAttested('no signature policy verified it (give verify-key or verify-certificate-identity)');
      if (!verification.verified)
        return notAttested(
          'it did not pass the signature policy (verify-mode warn copied it anyway), and a summary says PASSED or nothing',
        );
      const own = ctx.entry?.sign;
      if (own === false || (own === undefined && !options.sign)) return notAttested('nothing signs it (its entry says sign: false)');

      const fail = (err: unknown): never => {
        if (err instanceof CancelledError) throw err;
        const where = ctx.state === 'unchanged' ? 'is already at the destination' : 'is copied and tagged';
        throw new SigningError(`${digest} ${where}, but its verification summary is not attached: ${messageOf(err)}`);
      };
      const chosen = own ? await signStageOptions(own, keys, identityToken).catch(fail) : (options.sign as SignStageOptions);
      const signer = await ownSigner(chosen, ctx.dryRun).catch(fail);
      const policyRef = policyDescriptor(policy);
      const policyDigest = `sha256:${policyRef.digest!.sha256}`;
      if (signer) {
        const there = await findOwnAttestations(ctx.destination, ctx.root, signer.rule, VSA_PREDICATE, ctx.signal).catch(fail);
        const same = there.find((a) => {
          const statement = parseStatement(a.statement);
          const read = typeof statement === 'string' ? undefined : readSummary(statement.predicate);
          return read?.policyDigest === policyDigest && read.result === 'PASSED';
        });
        if (same) return { state: 'already-attested', digest, signer: same.signer, where: same.where, policyDigest };
      }
      if (ctx.dryRun)
        return { state: 'would-attest', digest, mode: chosen.mode, ...(signer ? { signer: signer.identity } : {}), policyDigest };

      const dst = ctx.item.destination;
      const repository = formatReference({ ...dst, tags: [], digest: undefined } as typeof dst);
      const tag = ctx.references.find((r) => !isDigest(r));
      const levels = verifiedLevels(policy, verification.predicateTypes);
      const summary: VerificationSummary = {
        verifier: {
          // Keyless, the workflow that verified is the verifier the certificate names; with a key, oci-copy.
          id: (signer?.rule.kind === 'identity' && signer.identity.identity) || OCI_COPY_URI,
          version: { 'oci-copy': VERSION },
        },
        timeVerified: verification.verifiedAt ?? new Date().toISOString(),
        resourceUri: formatReference({ ...dst, tags: tag ? [tag] : [], digest } as typeof dst),
        policy: policyRef,
        inputAttestations: inputAttestations(verification.found, policy),
        verificationResult: 'PASSED',
        verifiedLevels: levels,
        slsaVersion: '1.0',
      };
      const statement = summaryStatement({ digest, name: repository, summary });
      const record = await attestImage(ctx.destination, ctx.root, statement, VSA_PREDICATE, signerOptions(chosen, ctx)).catch(fail);
      return {
        state: 'attested',
        digest,
        mode: chosen.mode,
        signer: record.signer,
        manifest: record.manifest,
        policyDigest,
        verifiedLevels: levels,
        ...(record.tlogIndex !== undefined ? { tlogIndex: record.tlogIndex } : {}),
      };
    },
  };
}
