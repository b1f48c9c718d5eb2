import { createPublicKey, type KeyObject } from 'node:crypto';
import type { SignInputs } from '../../../signatures/parse-settings.js';
import { CancelledError, messageOf } from '../../../oci/errors.js';
import { formatReference } from '../../../oci/reference.js';
import { SigningError } from '../../../signatures/errors.js';
import { keyFingerprint } from '../../../signatures/public-key.js';
import type { SignerIdentity } from '../../../signatures/record.js';
import { signImage } from '../../../signatures/sign.js';
import { findOwnSignature, tokenIdentity, type OwnSigner } from '../../../signatures/signed-by.js';
import type { AfterTagStage } from '../check.js';
import { SIGN_STAGE, type ImageSigning } from './names.js';
import { signingPresenter } from './presenter.js';
import { SigningKeys } from './signing-keys.js';

export interface SignStageOptions {
  mode: 'key' | 'keyless';
  format: 'bundle' | 'legacy';
  /** The private key, read and its password checked before the job. */
  key?: KeyObject;
  /** The OIDC identity token for keyless signing, asked for when first needed. */
  identityToken?: () => Promise<string>;
  fulcioUrl?: string;
  rekorUrl?: string;
  tsaUrl?: string;
}

/** What the stage needs for the entries of a sync that sign in their own way (`sign*` keys). */
export interface EntrySigningOptions {
  /** Their key files, decrypted once each (filled before the job, so a wrong password stops it before any copy). */
  keys?: SigningKeys;
  /** The job's OIDC identity token for an entry that signs keyless, asked for when first needed. */
  identityToken?: () => Promise<string>;
}

/**
 * `sign`: the destination digest ends up signed. Once an image is tagged, its digest there is
 * signed and the signature attached (a bundle referrer, or cosign's `.sig` tag). An image the
 * destination already had is signed too, unless its digest already carries a signature by this
 * signer (`findOwnSignature`: for a key, one that verifies with its public half; keyless, one whose
 * certificate names the identity and issuer of the job's OIDC token): so a run whose signing
 * failed is mended by running it again, and a run with nothing to do writes nothing. A dry run
 * writes nothing and says what it would sign. An image of a sync entry with its own signing
 * (`entry.sign`) is signed as that says, or not at all for `sign: false`; any other image as
 * `options` say (none: not signed).
 */
export function signStage(options: SignStageOptions | undefined, entries: EntrySigningOptions = {}): AfterTagStage<ImageSigning> {
  const keys = entries.keys ?? new SigningKeys();
  const identityToken = entries.identityToken ?? options?.identityToken;
  return {
    name: SIGN_STAGE,
    presenter: signingPresenter,
    everyRun: true,
    async run(ctx) {
      const own = ctx.entry?.sign;
      if (own === false || (own === undefined && !options)) return;
      const dst = ctx.item.destination;
      const repository = formatReference({ ...dst, tags: [], digest: undefined } as typeof dst);
      const digest = ctx.root.digest;
      const fail = (err: unknown): never => {
        // The image is in place under its tags: the line says so, so nobody looks for a half-written copy.
        if (err instanceof CancelledError) throw err;
        if (ctx.item.inPlace) throw new SigningError(`${digest} is not signed: ${messageOf(err)}`);
        const where = ctx.state === 'unchanged' ? 'is already at the destination' : 'is copied and tagged';
        throw new SigningError(`${digest} ${where}, but not signed: ${messageOf(err)}`);
      };
      const chosen = own ? await signStageOptions(own, keys, identityToken).catch(fail) : (options as SignStageOptions);
      // Keyless, the token is asked for here only when an image already there must be looked at.
      const signer = ctx.state === 'unchanged' || chosen.mode === 'key' ? await ownSigner(chosen, ctx.dryRun).catch(fail) : undefined;
      const base = { digest, mode: chosen.mode, format: chosen.format };
      if (ctx.state === 'unchanged' && signer) {
        const found = await findOwnSignature(ctx.destination, ctx.root, signer.rule, ctx.signal).catch(fail);
        if (found) return { ...base, state: 'already-signed', format: found.form, signer: found.signer, where: found.where };
      }
      if (ctx.dryRun) return { ...base, state: 'would-sign', ...(signer ? { signer: signer.identity } : {}) };
      const record = await signImage(ctx.destination, ctx.root, repository, {
        mode: chosen.mode,
        format: chosen.format,
        ...(chosen.key ? { key: chosen.key } : {}),
        ...(chosen.identityToken ? { identityToken: chosen.identityToken } : {}),
        ...(chosen.fulcioUrl ? { fulcioUrl: chosen.fulcioUrl } : {}),
        ...(chosen.rekorUrl ? { rekorUrl: chosen.rekorUrl } : {}),
        ...(chosen.tsaUrl ? { tsaUrl: chosen.tsaUrl } : {}),
        signal: ctx.signal,
        onNotice: (message) => ctx.notice(message),
      }).catch(fail);
      return { ...record, state: 'signed' };
    },
  };
}

/**
 * Who this stage signs as: the key's public half, or the identity and issuer the job's OIDC token
 * names (Fulcio puts those in the certificate). Undefined when that cannot be told: a dry run
 * without a token, a token that cannot be read (then the image is signed, and Fulcio judges the token).
 */
async function ownSigner(chosen: SignStageOptions, dryRun: boolean): Promise<{ rule: OwnSigner; identity: SignerIdentity } | undefined> {
  if (chosen.mode === 'key') {
    if (!chosen.key) return undefined;
    const key = createPublicKey(chosen.key);
    return { rule: { kind: 'key', key }, identity: { keyFingerprint: keyFingerprint(key) } };
  }
  if (!chosen.identityToken) return undefined;
  // A dry run asks for a token only if one can be had; a real run needs it anyway to sign.
  const token = dryRun ? await chosen.identityToken().catch(() => undefined) : await chosen.identityToken();
  const claims = token ? tokenIdentity(token) : undefined;
  return claims ? { rule: { kind: 'identity', ...claims }, identity: claims } : undefined;
}

/** The stage's options from signing settings (an entry's): the key decrypted (once, through `keys`), the job's token for keyless. */
export async function signStageOptions(
  sign: SignInputs,
  keys: SigningKeys,
  identityToken?: () => Promise<string>,
): Promise<SignStageOptions> {
  const key = sign.mode === 'key' ? await keys.key(sign) : undefined;
  return {
    mode: sign.mode,
    format: sign.format,
    ...(key ? { key } : {}),
    ...(sign.mode === 'keyless' && identityToken ? { identityToken } : {}),
    ...(sign.fulcioUrl ? { fulcioUrl: sign.fulcioUrl } : {}),
    ...(sign.rekorUrl ? { rekorUrl: sign.rekorUrl } : {}),
    ...(sign.tsaUrl ? { tsaUrl: sign.tsaUrl } : {}),
  };
}
