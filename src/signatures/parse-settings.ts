import { InputError } from '../oci/errors.js';
import { printable } from '../oci/text.js';
import { parseBoolean } from '../settings/values.js';
import type { Voice } from '../settings/voice.js';
import type { PasswordSource } from './cosign-key.js';
import { parseVerifyPolicy, readSmallFile, type VerifyPolicy } from './policy.js';
import { AttestSetting, COSIGN_PASSWORD_ENV, SignServiceSetting, SignSetting, VerifySetting } from './settings.js';

/** How the destination digest is signed once it is tagged. */
export interface SignInputs {
  mode: 'key' | 'keyless';
  format: 'bundle' | 'legacy';
  /** Each platform manifest of an index is signed too (`sign-platforms: true`). */
  platforms?: boolean;
  /** A cosign key file's text (`sign-key` gives it, or a path to it), for `key`. */
  keyPem?: string;
  /** Where the key came from, for messages (never the key itself). */
  keyName?: string;
  password?: string;
  /** Where the password came from, or where to give one (`input "sign-key-password" or COSIGN_PASSWORD`). */
  passwordSource?: PasswordSource;
  fulcioUrl?: string;
  rekorUrl?: string;
  tsaUrl?: string;
}

/** What a step or a command asks of signatures: a policy each image must satisfy, and signing on promotion. */
export interface SignatureInputs {
  verify?: VerifyPolicy;
  sign?: SignInputs;
  /**
   * `attest-verification`: after a verified promotion, the destination digest gets a signed SLSA
   * verification summary. It needs a policy and signing (`checkAttestVerification` says so).
   */
  attestVerification?: boolean;
}

export interface SignInputOptions {
  /** False where `sign-key-password` cannot be given (the command line reads COSIGN_PASSWORD only). */
  passwordSetting?: boolean;
}

/**
 * Reads the verification and signing settings by their names (`verify-key`, `sign`, …): the
 * action's inputs and the command line's flags are the same words. Files (keys, a trusted root)
 * are read now through `readFile`; the key file's password is checked later, once (it is slow).
 * Every error is one line in `voice`'s words.
 */
export function parseSignatureInputs(
  get: (name: string) => string,
  voice: Voice,
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string = readSmallFile,
  options: SignInputOptions = {},
): SignatureInputs {
  const text = (name: string) => get(name).trim();
  const platforms = parseBoolean(text(VerifySetting.Platforms), VerifySetting.Platforms, false, voice);
  const verify = parseVerifyPolicy(
    {
      key: text(VerifySetting.Key),
      certificateIdentity: text(VerifySetting.CertificateIdentity),
      certificateIdentityRegexp: text(VerifySetting.CertificateIdentityRegexp),
      certificateOidcIssuer: text(VerifySetting.CertificateOidcIssuer),
      attestationTypes: text(VerifySetting.AttestationType),
      trustedRoot: text(VerifySetting.TrustedRoot),
      platforms,
      mode: text(VerifySetting.Mode),
    },
    voice,
    readFile,
  );
  const sign = parseSignInputs(text, voice, env, readFile, options);
  const attest = parseBoolean(text(AttestSetting.Verification), AttestSetting.Verification, false, voice);
  return { ...(verify ? { verify } : {}), ...(sign ? { sign } : {}), ...(attest ? { attestVerification: true } : {}) };
}

/**
 * Reads the signing settings (`sign`, `sign-key`, `sign-key-password`, `signature-format`,
 * `sign-platforms` and the service URLs) by their names, wherever they are given: the step's
 * inputs, the command line's flags, or the keys of one `images` entry (whose `voice` names the
 * entry and field). `text` gives each setting's value, empty when not given. Undefined when nothing
 * is signed (no `sign`, or `sign: false`). The key file is read now; its password is checked later,
 * once (it is slow).
 */
export function parseSignInputs(
  text: (name: string) => string,
  voice: Voice,
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string = readSmallFile,
  options: SignInputOptions = {},
): SignInputs | undefined {
  const mode = text(SignSetting.Sign).toLowerCase();
  const key = text(SignSetting.Key);
  const format = text(SignSetting.Format).toLowerCase();
  const platformsText = text(SignSetting.Platforms);
  const urls = Object.values(SignServiceSetting).filter((n) => text(n));
  if (!mode || mode === 'false' || mode === 'none') {
    const stray = [key && SignSetting.Key, format && SignSetting.Format, platformsText && SignSetting.Platforms, ...urls].find(Boolean);
    if (stray)
      throw new InputError(`${voice.input(stray)} is given but nothing is signed: set ${voice.input(SignSetting.Sign)} to keyless or key`);
    return undefined;
  }
  if (mode !== 'keyless' && mode !== 'key') {
    throw new InputError(
      `${voice.input(SignSetting.Sign)} is ${voice.value(text(SignSetting.Sign))}: use keyless (the job's OIDC identity through Fulcio and Rekor) or key (with ${voice.input(SignSetting.Key)})`,
    );
  }
  if (format && format !== 'bundle' && format !== 'legacy') {
    throw new InputError(
      `${voice.input(SignSetting.Format)} is ${voice.value(text(SignSetting.Format))}: use bundle (a Sigstore bundle referrer, as cosign v3 writes) or legacy (a cosign .sig tag)`,
    );
  }
  const service = (name: string) => {
    const v = text(name);
    if (!v) return undefined;
    let url: URL | undefined;
    try {
      url = new URL(v);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
      throw new InputError(`${voice.input(name)} is ${voice.value(v)}: give an https:// URL`);
    return v.replace(/\/+$/, '');
  };
  const platforms = parseBoolean(platformsText, SignSetting.Platforms, false, voice);
  const out: SignInputs = { mode, format: format === 'legacy' ? 'legacy' : 'bundle', ...(platforms ? { platforms } : {}) };
  if (mode === 'keyless') {
    if (key)
      throw new InputError(
        `${voice.input(SignSetting.Key)} is given but ${voice.input(SignSetting.Sign)} is keyless: set it to key to sign with the key, or drop the key`,
      );
  } else {
    if (!key)
      throw new InputError(
        `${voice.input(SignSetting.Sign)} is key but ${voice.input(SignSetting.Key)} is missing: give the cosign key file (cosign.key) or its contents`,
      );
    if (text(SignServiceSetting.FulcioUrl))
      throw new InputError(
        `${voice.input(SignServiceSetting.FulcioUrl)} serves keyless signing, but ${voice.input(SignSetting.Sign)} is key: drop it`,
      );
    if (key.includes('-----BEGIN')) {
      out.keyPem = key;
      out.keyName = voice.input(SignSetting.Key);
    } else {
      out.keyName = `${voice.input(SignSetting.Key)} (${printable(key)})`;
      try {
        out.keyPem = readFile(key);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const why =
          code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? 'unknown error'})`;
        throw new InputError(
          `${voice.input(SignSetting.Key)} names ${voice.value(key)}, which ${why}: give the cosign key file's path or its contents`,
        );
      }
    }
    const given = text(SignSetting.KeyPassword);
    out.password = given || env[COSIGN_PASSWORD_ENV] || '';
    const setting = options.passwordSetting === false ? undefined : voice.input(SignSetting.KeyPassword);
    out.passwordSource = given
      ? { from: voice.input(SignSetting.KeyPassword) }
      : env[COSIGN_PASSWORD_ENV]
        ? { from: COSIGN_PASSWORD_ENV }
        : { giveIn: setting ? `${setting} or ${COSIGN_PASSWORD_ENV}` : COSIGN_PASSWORD_ENV };
  }
  const fulcioUrl = service(SignServiceSetting.FulcioUrl);
  const rekorUrl = service(SignServiceSetting.RekorUrl);
  const tsaUrl = service(SignServiceSetting.TsaUrl);
  return { ...out, ...(fulcioUrl ? { fulcioUrl } : {}), ...(rekorUrl ? { rekorUrl } : {}), ...(tsaUrl ? { tsaUrl } : {}) };
}
