import type { SignatureInputs } from '../../inputs/signature-inputs.js';
import { readCosignKeyFile } from '../../signatures/cosign-key.js';
import type { AfterTagStage, ImageCheck } from '../checks.js';
import { signatureCheck } from './signature-check.js';
import { signStage } from './sign-stage.js';

/** The check and the stage the signature settings ask for, for `JobSettings.checks` and `afterTag`. */
export interface SignatureStages {
  checks: ImageCheck[];
  afterTag: AfterTagStage[];
}

/**
 * The job's signature check and signing stage from its settings. The key file is decrypted now,
 * before any image is copied, so a wrong password is one line and nothing is written. Sync entries
 * carry their own policies; with one of them given, the check runs for every image.
 */
export async function signatureStages(inputs: SignatureInputs, options: { identityToken?: () => Promise<string>; entryPolicies?: boolean } = {}): Promise<SignatureStages> {
  const checks: ImageCheck[] = inputs.verify || options.entryPolicies ? [signatureCheck({ ...(inputs.verify ? { policy: inputs.verify } : {}) })] : [];
  const afterTag: AfterTagStage[] = [];
  const sign = inputs.sign;
  if (sign) {
    const key = sign.mode === 'key' ? await readCosignKeyFile(sign.keyPem ?? '', sign.password ?? '', sign.keyName) : undefined;
    afterTag.push(
      signStage({
        mode: sign.mode,
        format: sign.format,
        ...(key ? { key } : {}),
        ...(sign.mode === 'keyless' && options.identityToken ? { identityToken: options.identityToken } : {}),
        ...(sign.fulcioUrl ? { fulcioUrl: sign.fulcioUrl } : {}),
        ...(sign.rekorUrl ? { rekorUrl: sign.rekorUrl } : {}),
        ...(sign.tsaUrl ? { tsaUrl: sign.tsaUrl } : {}),
      }),
    );
  }
  return { checks, afterTag };
}
