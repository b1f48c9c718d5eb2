import type { SignatureInputs, SignInputs } from '../../../signatures/parse-settings.js';
import type { SyncEntry } from '../../../plan/entries.js';
import type { AfterTagStage, ImageCheck } from '../check.js';
import { signatureCheck } from './signature-check.js';
import { signStage, signStageOptions } from './sign-stage.js';
import { SigningKeys } from './signing-keys.js';
import { verificationSummaryStage } from './summary-stage.js';
import { checkAttestVerification } from './load.js';

/** The check and the stage the signature settings ask for, for `JobSettings.checks` and `afterTag`. */
export interface SignatureStages {
  checks: ImageCheck[];
  afterTag: AfterTagStage[];
}

export interface SignatureStageOptions {
  /** The job's OIDC identity token for keyless signing, asked for when first needed. */
  identityToken?: () => Promise<string>;
  /** The sync's entries: their own policies (`verify-*`) and signing (`sign*`). */
  entries?: readonly SyncEntry[];
  /** Some entry has its own policy (the same as giving `entries`, for callers that do not). */
  entryPolicies?: boolean;
}

/**
 * The job's signature check and signing stage from its settings and its entries'. Every key file
 * (the step's, each entry's, each distinct one once) is decrypted now, before any image is copied,
 * so a wrong password is one line and nothing is written. With one entry's policy given, the check
 * runs for every image; with the step or one entry signing, the stage does.
 */
export async function signatureStages(inputs: SignatureInputs, options: SignatureStageOptions = {}): Promise<SignatureStages> {
  const entries = options.entries ?? [];
  checkAttestVerification(inputs, entries);
  const entryPolicies = options.entryPolicies || entries.some((e) => e.verify);
  const checks: ImageCheck[] =
    inputs.verify || entryPolicies ? [signatureCheck({ ...(inputs.verify ? { policy: inputs.verify } : {}) })] : [];
  const afterTag: AfterTagStage[] = [];
  const entrySigns = entries.map((e) => e.sign).filter((s): s is SignInputs => !!s);
  if (inputs.sign || entrySigns.length) {
    const keys = new SigningKeys();
    const step = inputs.sign ? await signStageOptions(inputs.sign, keys, options.identityToken) : undefined;
    for (const sign of entrySigns) if (sign.mode === 'key') await keys.key(sign);
    const signing = { keys, ...(options.identityToken ? { identityToken: options.identityToken } : {}) };
    afterTag.push(signStage(step, signing));
    // The summary of what was verified, signed as the image was, after it.
    if (inputs.attestVerification || entries.some((e) => e.attestVerification))
      afterTag.push(
        verificationSummaryStage(
          {
            attest: inputs.attestVerification === true,
            ...(inputs.verify ? { policy: inputs.verify } : {}),
            ...(step ? { sign: step } : {}),
          },
          signing,
        ),
      );
  }
  return { checks, afterTag };
}
