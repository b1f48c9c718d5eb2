import type { SignatureInputs } from '../../../signatures/parse-settings.js';
import type { SyncEntry } from '../../../plan/entries.js';
import { loadTrustRoots } from '../../../signatures/policy.js';
import type { SignatureStageOptions, SignatureStages } from './stages.js';
import { InputError } from '../../../oci/errors.js';
import { entryName } from '../../../plan/entry-name.js';
import { ACTION_VOICE, type Voice } from '../../../settings/voice.js';
import { AttestSetting, SignSetting, VerifySetting } from '../../../signatures/settings.js';

/** How `checkAttestVerification` names the settings: the step's voice, and where the entries came from. */
export interface AttestCheckOptions {
  voice?: Voice;
  /** `input "images"`, `images-file mirror.yml`, the command line's FILE. */
  origin?: string;
}

/**
 * `attest-verification` summarises a verification and is signed as the image is: an image it
 * applies to (the step's, or an entry's with its own key) needs a policy and signing, the step's
 * or its entry's. Otherwise one line naming the setting at fault, before anything is copied.
 */
export function checkAttestVerification(inputs: SignatureInputs, entries: readonly SyncEntry[], options: AttestCheckOptions = {}): void {
  const voice = options.voice ?? ACTION_VOICE;
  const origin = options.origin ?? voice.input('images');
  const attest = voice.input(AttestSetting.Verification);
  const noPolicy = `give ${voice.input(VerifySetting.Key)}, or ${voice.input(VerifySetting.CertificateIdentity)} with ${voice.input(VerifySetting.CertificateOidcIssuer)} (a summary states what a policy required and that it passed)`;
  const noSigning = `set ${voice.input(SignSetting.Sign)} to keyless or key (the summary is signed as the image is)`;
  const asks = 'asks for a signed verification summary';
  if (!entries.length) {
    if (!inputs.attestVerification) return;
    if (!inputs.sign) throw new InputError(`${attest} ${asks}, but ${voice.input(SignSetting.Sign)} is not given: ${noSigning}`);
    if (!inputs.verify) throw new InputError(`${attest} ${asks}, but nothing is verified: ${noPolicy}`);
    return;
  }
  for (const entry of entries) {
    if (!(entry.attestVerification ?? inputs.attestVerification)) continue;
    const name = entryName(origin, entry);
    // Said by the entry's own key, or by the step's input for this entry.
    const who = entry.attestVerification ? `${name}, field "${AttestSetting.Verification}" ${asks}` : `${attest} ${asks}`;
    const sign = entry.sign === false ? undefined : (entry.sign ?? inputs.sign);
    if (!sign) {
      const why = entry.sign === false ? `${name} says sign: false` : `${voice.input(SignSetting.Sign)} is not given`;
      throw new InputError(`${who}, but ${why}: ${noSigning}`);
    }
    if (!(entry.verify ?? inputs.verify)) throw new InputError(`${who}, but nothing verifies ${name}: ${noPolicy}`);
  }
}

/**
 * The signature check and signing stage the settings and entries ask for (`signatureStages`). The
 * Sigstore libraries (a few megabytes of code) load only when something is verified or signed: a
 * job that does neither starts without them. Each policy's trust root is read in full now, so a
 * damaged one is one line before any image is copied.
 */
export async function loadSignatureStages(
  inputs: SignatureInputs,
  options: SignatureStageOptions & AttestCheckOptions = {},
): Promise<SignatureStages> {
  const entries = options.entries ?? [];
  checkAttestVerification(inputs, entries, options);
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
