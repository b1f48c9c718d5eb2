import { createPublicKey, type KeyObject } from 'node:crypto';
import type { SignInputs } from '../../../signatures/parse-settings.js';
import { CancelledError, messageOf } from '../../../oci/errors.js';
import { formatReference } from '../../../oci/reference.js';
import { SigningError } from '../../../signatures/errors.js';
import { keyFingerprint } from '../../../signatures/public-key.js';
import type { SignerIdentity } from '../../../signatures/record.js';
import { signImage } from '../../../signatures/sign.js';
import { findOwnSignature, tokenIdentity, type OwnSignature, type OwnSigner } from '../../../signatures/signed-by.js';
import { SignatureDiscovery } from '../../../signatures/discovery.js';
import { platformManifests, platformName } from '../../../signatures/platforms.js';
import type { Descriptor } from '../../../oci/descriptor.js';
import { isIndex } from '../../../oci/media-types.js';
import type { AfterTagContext, AfterTagStage } from '../check.js';
import { SIGN_STAGE, type ImageSigning, type PlatformSigning } from './names.js';
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
  /** Each platform manifest of an index is signed too (cosign's `--recursive`), each unless this signer already has. */
  platforms?: boolean;
}

/** How the stage's signer signs (its key or keyless token, its services), for a signature or an attestation. */
export function signerOptions(chosen: SignStageOptions, ctx: Pick<AfterTagContext, 'signal' | 'notice'>) {
  return {
    mode: chosen.mode,
    ...(chosen.key ? { key: chosen.key } : {}),
    ...(chosen.identityToken ? { identityToken: chosen.identityToken } : {}),
    ...(chosen.fulcioUrl ? { fulcioUrl: chosen.fulcioUrl } : {}),
    ...(chosen.rekorUrl ? { rekorUrl: chosen.rekorUrl } : {}),
    ...(chosen.tsaUrl ? { tsaUrl: chosen.tsaUrl } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onNotice: (message: string) => ctx.notice(message),
  };
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
 * `options` say (none: not signed). With `platforms`, each platform manifest of an index is signed
 * too (the build attestations Docker stores beside them are not platforms), each unless it already
 * carries a signature by this signer, looked for every run: a platform manifest may be shared with
 * an index signed before.
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
      // The image is in place under its tags: the line says so, so nobody looks for a half-written copy.
      const where = ctx.item.inPlace ? 'is in place' : ctx.state === 'unchanged' ? 'is already at the destination' : 'is copied and tagged';
      const fail = (err: unknown): never => {
        if (err instanceof CancelledError) throw err;
        if (ctx.item.inPlace) throw new SigningError(`${digest} is not signed: ${messageOf(err)}`);
        throw new SigningError(`${digest} ${where}, but not signed: ${messageOf(err)}`);
      };
      const chosen = own ? await signStageOptions(own, keys, identityToken).catch(fail) : (options as SignStageOptions);
      // With sign-platforms, the index's platform manifests, each signed unless this signer already has.
      const children = chosen.platforms ? await platformsOf(ctx).catch(fail) : undefined;
      // Keyless, the token is asked for here only when an image already there, or a platform manifest, must be looked at.
      const look = ctx.state === 'unchanged' || chosen.mode === 'key' || !!children?.length;
      const signer = look ? await ownSigner(chosen, ctx.dryRun).catch(fail) : undefined;
      const discovery = new SignatureDiscovery(ctx.destination);
      const ownOf = async (subject: Descriptor) =>
        signer ? await findOwnSignature(ctx.destination, subject, signer.rule, ctx.signal, discovery).catch(fail) : undefined;
      // Everything is looked at before anything is written: the signatures written now are not found as "already there".
      const found = ctx.state === 'unchanged' ? await ownOf(ctx.root) : undefined;
      const childrenFound: Array<OwnSignature | undefined> = [];
      for (const child of children ?? []) childrenFound.push(await ownOf(child));

      const base = { digest, mode: chosen.mode, format: chosen.format };
      const sign = (subject: Descriptor) =>
        signImage(ctx.destination, subject, repository, { ...signerOptions(chosen, ctx), format: chosen.format });
      const record: ImageSigning = found
        ? { ...base, state: 'already-signed', format: found.form, signer: found.signer, where: found.where }
        : ctx.dryRun
          ? { ...base, state: 'would-sign', ...(signer ? { signer: signer.identity } : {}) }
          : { ...(await sign(ctx.root).catch(fail)), state: 'signed' };
      if (!children) return record;

      const platforms: PlatformSigning[] = [];
      for (const [i, child] of children.entries()) {
        const at = { digest: child.digest, platform: platformName(child) };
        const there = childrenFound[i];
        if (there) {
          platforms.push({ ...at, state: 'already-signed', format: there.form, where: there.where });
          continue;
        }
        if (ctx.dryRun) {
          platforms.push({ ...at, state: 'would-sign', format: chosen.format });
          continue;
        }
        const signed = await sign(child).catch((err: unknown) => {
          if (err instanceof CancelledError) throw err;
          throw new SigningError(`${digest} ${where}, but ${platformFailure(at, err, record, platforms, children.length)}`);
        });
        platforms.push({
          ...at,
          state: 'signed',
          format: signed.format,
          manifest: signed.manifest,
          ...(signed.tag ? { tag: signed.tag } : {}),
        });
      }
      return { ...record, platforms };
    },
  };
}

/**
 * The platform manifests of the image the stage signs, read from the destination; in a dry run
 * that copied nothing, from the source, or, for an index made here for a list of platforms, as
 * chosen.
 */
async function platformsOf(ctx: AfterTagContext): Promise<Descriptor[]> {
  if (!isIndex(ctx.root.mediaType)) return [];
  if (!ctx.dryRun || ctx.state === 'unchanged') return platformManifests(ctx.destination, ctx.root, ctx.signal);
  if (ctx.resolved.source.digest === ctx.root.digest) return platformManifests(ctx.source, ctx.root, ctx.signal);
  return (ctx.resolved.platforms ?? []).map(({ mediaType, digest, size, platform }) => ({ mediaType, digest, size, platform }));
}

/**
 * `its platform manifest sha256:… (linux/arm64) is not signed: <why> (the index is signed, and 1 of
 * its 2 other platform manifests; a re-run signs what lacks a signature)`: which platform manifest
 * failed, and what is signed all the same.
 */
function platformFailure(
  at: { digest: string; platform: string },
  err: unknown,
  record: ImageSigning,
  done: PlatformSigning[],
  total: number,
): string {
  const signed = done.length;
  const others = total - 1;
  const index = record.state === 'already-signed' ? 'was already signed' : 'is signed';
  const rest = others ? `, and ${signed} of its ${others} other platform manifest${others === 1 ? '' : 's'}` : '';
  return `its platform manifest ${at.digest} (${at.platform}) is not signed: ${messageOf(err)} (the index ${index}${rest}; a re-run signs what lacks a signature)`;
}

/**
 * Who this stage signs as: the key's public half, or the identity and issuer the job's OIDC token
 * names (Fulcio puts those in the certificate). Undefined when that cannot be told: a dry run
 * without a token, a token that cannot be read (then the image is signed, and Fulcio judges the token).
 */
export async function ownSigner(
  chosen: SignStageOptions,
  dryRun: boolean,
): Promise<{ rule: OwnSigner; identity: SignerIdentity } | undefined> {
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
    ...(sign.platforms ? { platforms: true } : {}),
  };
}
