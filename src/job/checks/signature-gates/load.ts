import type { SignatureInputs } from '../../../signatures/parse-settings.js';
import type { SyncEntry } from '../../../plan/entries.js';
import { loadTrustRoots } from '../../../signatures/policy.js';
import type { SignatureStageOptions, SignatureStages } from './stages.js';

/**
 * The signature check and signing stage the settings and entries ask for (`signatureStages`). The
 * Sigstore libraries (a few megabytes of code) load only when something is verified or signed: a
 * job that does neither starts without them. Each policy's trust root is read in full now, so a
 * damaged one is one line before any image is copied.
 */
export async function loadSignatureStages(inputs: SignatureInputs, options: SignatureStageOptions = {}): Promise<SignatureStages> {
  const entries = options.entries ?? [];
  const policies = [inputs.verify, ...entries.map((e) => e.verify)].filter((p) => p !== undefined);
  const signs = inputs.sign !== undefined || entries.some((e) => e.sign);
  if (!policies.length && !signs && !options.entryPolicies) return { checks: [], afterTag: [] };
  const [{ signatureStages }] = await Promise.all([import('./stages.js'), loadTrustRoots(policies)]);
  return signatureStages(inputs, options);
}

/**
 * What signs keyless in this job, for the shells' check that an identity token can be had before
 * anything is copied: the step (when some image takes its signing) or the first entry that does.
 * Undefined when nothing signs keyless.
 */
export function keylessSigner(inputs: SignatureInputs, entries: readonly SyncEntry[] = []): { entry?: SyncEntry } | undefined {
  const entry = entries.find((e) => e.sign && e.sign.mode === 'keyless');
  const stepUsed = inputs.sign?.mode === 'keyless' && (!entries.length || entries.some((e) => e.sign === undefined));
  if (stepUsed) return {};
  return entry ? { entry } : undefined;
}
