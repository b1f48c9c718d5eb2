import * as core from '@actions/core';
import type { StepInputs } from './inputs.js';
import { Input } from '../settings/names.js';
import { SignSetting } from '../signatures/settings.js';
import type { JobSettings } from '../job/settings.js';
import { keylessSigner, loadSignatureStages } from '../job/checks/signature-gates/load.js';
import { InputError } from '../oci/errors.js';
import type { SyncEntry } from '../plan/entries.js';
import { entryName } from '../plan/entry-name.js';
import { runnerIdentityToken } from '../oidc/runner-token.js';

/**
 * The step's signature check and signing stage, with its entries' own. Keyless signing takes the
 * job's own OIDC token from the runner (each token masked as it arrives); a job without
 * `id-token: write` is told so before anything is copied. Key files are decrypted here, so a wrong
 * password fails the step at once.
 */
export async function signatureSettings(
  step: StepInputs,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Pick<JobSettings, 'checks' | 'afterTag'>> {
  const { signatures, dryRun } = step.inputs;
  const entries = step.mode === 'sync' ? step.inputs.entries : [];
  maskEntrySecrets(entries);
  const keyless = keylessSigner(signatures, entries);
  if (keyless && !dryRun && !env.ACTIONS_ID_TOKEN_REQUEST_URL) {
    const who =
      keyless.entry && step.mode === 'sync'
        ? `${entryName(step.inputs.origin, keyless.entry)} signs keyless`
        : step.mode === 'in-place' && !step.inputs.signGiven
          ? `input "${Input.Operation}" sign signs keyless (no input "${SignSetting.Key}")`
          : `input "${Input.Sign}" is keyless`;
    const orKey = step.mode === 'in-place' ? `, or give input "${SignSetting.Key}"` : '';
    throw new InputError(`${who} but the runner offers no OIDC token: give the job "permissions: id-token: write"${orKey}`);
  }
  return loadSignatureStages(signatures, {
    entries,
    ...(step.mode === 'sync' ? { origin: step.inputs.origin } : {}),
    ...(keyless ? { identityToken: runnerIdentityToken(env, { onToken: (token) => core.setSecret(token) }) } : {}),
  });
}

/** An entry's key password and its key file's lines go to the runner's mask (line by line: the runner masks a multi-line value only whole). */
function maskEntrySecrets(entries: readonly SyncEntry[]): void {
  for (const entry of entries) {
    if (entry.sign === false || entry.sign?.mode !== 'key') continue;
    if (entry.sign.password) core.setSecret(entry.sign.password);
    for (const line of (entry.sign.keyPem ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('-----')))
      core.setSecret(line);
  }
}
