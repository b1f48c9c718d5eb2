import * as core from '@actions/core';
import type { StepInputs } from '../inputs/inputs.js';
import { Input } from '../inputs/names.js';
import type { JobSettings } from '../job/settings.js';
import { signatureStages } from '../job/signatures/stages.js';
import { InputError } from '../oci/errors.js';
import { runnerIdentityToken } from './oidc-token.js';

/**
 * The step's signature check and signing stage. Keyless signing takes the job's own OIDC token from
 * the runner (each token masked as it arrives); a job without `id-token: write` is told so before
 * anything is copied. A key file is decrypted here, so a wrong password fails the step at once.
 */
export async function signatureSettings(step: StepInputs, env: NodeJS.ProcessEnv = process.env): Promise<Pick<JobSettings, 'checks' | 'afterTag'>> {
  const { signatures, dryRun } = step.inputs;
  const keyless = signatures.sign?.mode === 'keyless';
  if (keyless && !dryRun && !env.ACTIONS_ID_TOKEN_REQUEST_URL) {
    throw new InputError(`input "${Input.Sign}" is keyless but the runner offers no OIDC token: give the job "permissions: id-token: write"`);
  }
  const entryPolicies = step.mode === 'sync' && step.inputs.entries.some((e) => e.verify);
  const stages = await signatureStages(signatures, {
    entryPolicies,
    ...(keyless ? { identityToken: runnerIdentityToken(env, { onToken: (token) => core.setSecret(token) }) } : {}),
  });
  return stages;
}
