import type { JobSettings } from '../job/settings.js';
import { keylessSigner, loadSignatureStages } from '../job/checks/signature-gates/load.js';
import { runnerIdentityToken } from '../oidc/runner-token.js';
import type { SyncEntry } from '../plan/entries.js';
import { entryName } from '../plan/entry-name.js';
import { parseSignatureInputs } from '../signatures/parse-settings.js';
import { AttestSetting, SignServiceSetting, SignSetting, VerifySetting } from '../signatures/settings.js';
import { UsageError, type Flag } from './flags.js';
import { FLAG_VOICE } from './voice.js';

/** The flags of verification and signing: the action's input names. */
export const SIGNATURE_FLAGS: Flag[] = [
  { name: VerifySetting.Key, kind: 'string', value: 'FILE', help: 'copy only an image signed with this public key (cosign.pub)' },
  {
    name: VerifySetting.CertificateIdentity,
    kind: 'string',
    value: 'ID',
    help: 'copy only an image signed keyless by this identity (a workflow URL, an e-mail)',
  },
  { name: VerifySetting.CertificateIdentityRegexp, kind: 'string', value: 'REGEX', help: 'the same, the identity matching REGEX whole' },
  {
    name: VerifySetting.CertificateOidcIssuer,
    kind: 'string',
    value: 'URL',
    help: 'the OIDC issuer of that identity (GitHub Actions: https://token.actions.githubusercontent.com)',
  },
  {
    name: VerifySetting.AttestationType,
    kind: 'string',
    value: 'TYPE,...',
    help: 'require an accepted attestation of each predicate type (slsaprovenance1, spdxjson, vsa, a URI)',
  },
  {
    name: VerifySetting.TrustedRoot,
    kind: 'string',
    value: 'FILE',
    help: 'a trusted_root.json for a private Sigstore (default: the public-good instance)',
  },
  { name: VerifySetting.Platforms, kind: 'boolean', help: 'each platform manifest of an index must be signed too' },
  {
    name: VerifySetting.Mode,
    kind: 'string',
    value: 'enforce|warn',
    help: 'enforce (default): an image that fails the policy is refused; warn: it is copied anyway, with a warning',
  },
  {
    name: SignSetting.Sign,
    kind: 'string',
    value: 'keyless|key',
    help: "sign the destination digest once it is tagged, or already there, unless this signer has (keyless: SIGSTORE_ID_TOKEN or the runner's token)",
  },
  { name: SignSetting.Key, kind: 'string', value: 'FILE', help: 'with --sign key: the cosign key file (its password in COSIGN_PASSWORD)' },
  { name: SignSetting.Format, kind: 'string', value: 'bundle|legacy', help: 'a Sigstore bundle referrer (default) or a cosign .sig tag' },
  {
    name: SignSetting.Platforms,
    kind: 'boolean',
    help: "sign each platform manifest of an index too (cosign's --recursive), as podman and skopeo policies check each",
  },
  { name: SignServiceSetting.FulcioUrl, kind: 'string', value: 'URL', help: 'a private Fulcio for keyless signing' },
  { name: SignServiceSetting.RekorUrl, kind: 'string', value: 'URL', help: 'a private Rekor (with --sign key: log the signature there)' },
  { name: SignServiceSetting.TsaUrl, kind: 'string', value: 'URL', help: 'an RFC 3161 timestamp authority, besides the log' },
  {
    name: AttestSetting.Verification,
    kind: 'boolean',
    help: 'attach a signed SLSA verification summary to each verified destination digest (needs a --verify-* policy and --sign)',
  },
];

export const SIGNATURE_FLAG_NAMES = SIGNATURE_FLAGS.map((f) => f.name);

/**
 * The command's signature check and signing stage from its flags and the sync entries' own keys.
 * Keyless signing takes the token in SIGSTORE_ID_TOKEN (as cosign reads it), else the runner's when
 * the command runs in a job that may ask for one; with neither, the command stops before anything
 * is copied.
 */
export async function signatureFlagSettings(
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  entries: SyncEntry[] = [],
  origin = 'FILE',
): Promise<Pick<JobSettings, 'checks' | 'afterTag'>> {
  const get = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : values[name] === true ? 'true' : '');
  const inputs = parseSignatureInputs(get, FLAG_VOICE, env, undefined, { passwordSetting: false });
  const keyless = keylessSigner(inputs, entries);
  let identityToken: (() => Promise<string>) | undefined;
  if (keyless) {
    const given = env.SIGSTORE_ID_TOKEN?.trim();
    if (given) identityToken = () => Promise.resolve(given);
    else if (env.ACTIONS_ID_TOKEN_REQUEST_URL) identityToken = runnerIdentityToken(env);
    else if (values['dry-run'] !== true) {
      const who = keyless.entry ? `${entryName(origin, keyless.entry)} signs keyless, which` : '--sign keyless';
      throw new UsageError(
        `${who} needs an OIDC identity token: set SIGSTORE_ID_TOKEN (as cosign reads it), or run in a GitHub Actions job with "permissions: id-token: write"`,
      );
    }
  }
  return loadSignatureStages(inputs, { entries, voice: FLAG_VOICE, origin, ...(identityToken ? { identityToken } : {}) });
}
