import type { KeyObject } from 'node:crypto';
import { CancelledError, messageOf } from '../../oci/errors.js';
import { formatReference } from '../../oci/reference.js';
import { SigningError } from '../../signatures/errors.js';
import { signImage } from '../../signatures/sign.js';
import type { AfterTagStage, CheckRecord } from '../checks.js';
import { SIGN_STAGE } from './names.js';

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

/**
 * `sign`: once an image is tagged, its digest in the destination is signed and the signature
 * attached there (a bundle referrer, or cosign's `.sig` tag). Only what this job moved is signed
 * (an unchanged destination is left alone), and a dry run signs nothing.
 */
export function signStage(options: SignStageOptions): AfterTagStage {
  return {
    name: SIGN_STAGE,
    async run(ctx) {
      if (ctx.dryRun || ctx.state !== 'differs') return;
      const dst = ctx.item.destination;
      const repository = formatReference({ ...dst, tags: [], digest: undefined } as typeof dst);
      const record = await signImage(ctx.destination, ctx.root, repository, {
        mode: options.mode,
        format: options.format,
        ...(options.key ? { key: options.key } : {}),
        ...(options.identityToken ? { identityToken: options.identityToken } : {}),
        ...(options.fulcioUrl ? { fulcioUrl: options.fulcioUrl } : {}),
        ...(options.rekorUrl ? { rekorUrl: options.rekorUrl } : {}),
        ...(options.tsaUrl ? { tsaUrl: options.tsaUrl } : {}),
        signal: ctx.signal,
      }).catch((err: unknown) => {
        // The image is in place under its tags: the line says so, so nobody looks for a half-written copy.
        if (err instanceof CancelledError) throw err;
        throw new SigningError(`${ctx.root.digest} is copied and tagged, but not signed: ${messageOf(err)}`);
      });
      return record as unknown as CheckRecord;
    },
  };
}
