import type { KeyObject } from 'node:crypto';
import type { SignInputs } from '../../inputs/signature-inputs.js';
import { CancelledError, messageOf } from '../../oci/errors.js';
import { formatReference } from '../../oci/reference.js';
import { SigningError } from '../../signatures/errors.js';
import { signImage } from '../../signatures/sign.js';
import type { AfterTagStage, CheckRecord } from '../checks.js';
import { SIGN_STAGE } from './names.js';
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
 * `sign`: once an image is tagged, its digest in the destination is signed and the signature
 * attached there (a bundle referrer, or cosign's `.sig` tag). Only what this job moved is signed
 * (an unchanged destination is left alone), and a dry run signs nothing. An image of a sync entry
 * with its own signing (`entry.sign`) is signed as that says, or not at all for `sign: false`;
 * any other image as `options` say (none: not signed).
 */
export function signStage(options: SignStageOptions | undefined, entries: EntrySigningOptions = {}): AfterTagStage {
  const keys = entries.keys ?? new SigningKeys();
  const identityToken = entries.identityToken ?? options?.identityToken;
  return {
    name: SIGN_STAGE,
    async run(ctx) {
      if (ctx.dryRun || ctx.state !== 'differs') return;
      const own = ctx.entry?.sign;
      if (own === false || (own === undefined && !options)) return;
      const dst = ctx.item.destination;
      const repository = formatReference({ ...dst, tags: [], digest: undefined } as typeof dst);
      const sign = async () => {
        const chosen = own ? await signStageOptions(own, keys, identityToken) : (options as SignStageOptions);
        return signImage(ctx.destination, ctx.root, repository, {
          mode: chosen.mode,
          format: chosen.format,
          ...(chosen.key ? { key: chosen.key } : {}),
          ...(chosen.identityToken ? { identityToken: chosen.identityToken } : {}),
          ...(chosen.fulcioUrl ? { fulcioUrl: chosen.fulcioUrl } : {}),
          ...(chosen.rekorUrl ? { rekorUrl: chosen.rekorUrl } : {}),
          ...(chosen.tsaUrl ? { tsaUrl: chosen.tsaUrl } : {}),
          signal: ctx.signal,
        });
      };
      const record = await sign().catch((err: unknown) => {
        // The image is in place under its tags: the line says so, so nobody looks for a half-written copy.
        if (err instanceof CancelledError) throw err;
        throw new SigningError(`${ctx.root.digest} is copied and tagged, but not signed: ${messageOf(err)}`);
      });
      return record as unknown as CheckRecord;
    },
  };
}

/** The stage's options from signing settings (an entry's): the key decrypted (once, through `keys`), the job's token for keyless. */
export async function signStageOptions(sign: SignInputs, keys: SigningKeys, identityToken?: () => Promise<string>): Promise<SignStageOptions> {
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
