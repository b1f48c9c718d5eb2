import type { KeyObject } from 'node:crypto';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import { VerificationError } from '@sigstore/verify';
import { ContentError, InputError, messageOf } from '../oci/errors.js';
import { printable } from '../oci/text.js';
import { checkTrustedRootText } from './trust-root-file.js';

/**
 * The keys and certificates a signature is checked against: Fulcio's CA chains, the transparency
 * logs' keys (Rekor), the certificate-transparency logs' keys and the timestamp authorities, in
 * Sigstore's `trusted_root.json` format.
 */
export interface TrustRoot {
  /** For reports: `Sigstore public-good` or the file it was read from. */
  readonly name: string;
  readonly root: TrustedRoot;
}

/**
 * Reads a `trusted_root.json` (a private Sigstore's, GitHub's own for private repositories).
 * `what` names it in errors (`input "verify-trusted-root" (root.json)`).
 */
export function parseTrustedRoot(text: string, name: string, what: string): TrustRoot {
  return trustRootFromJson(checkTrustedRootText(text, what), name, what);
}

/** A trusted root whose shape `checkTrustedRootText` has checked: its keys and certificates are built now. */
export function trustRootFromJson(json: unknown, name: string, what: string): TrustRoot {
  let root: TrustedRoot;
  try {
    root = TrustedRoot.fromJSON(json);
    // Building the key objects and certificates once shows a damaged key or certificate now, not during verification.
    toTrustMaterial(root);
  } catch (err) {
    throw new InputError(`${what} is malformed: ${printable(messageOf(err), 200)}`);
  }
  if (!root.certificateAuthorities.length && !root.tlogs.length && !root.timestampAuthorities.length) {
    throw new InputError(`${what} names no certificate authority, transparency log or timestamp authority: it can verify nothing`);
  }
  return { name, root };
}

let publicGood: Promise<TrustRoot> | undefined;

/**
 * Sigstore's public-good trust root (fulcio.sigstore.dev, rekor.sigstore.dev, the CT log) as the
 * installed `@sigstore/tuf` ships it in its seed: no network is needed, and it is as fresh as that
 * package. Loaded once, on first use.
 */
export function publicGoodTrustRoot(): Promise<TrustRoot> {
  publicGood ??= (async () => {
    const seeds = (await import('@sigstore/tuf/seeds.json', { with: { type: 'json' } })).default as Record<
      string,
      { targets?: Record<string, string> }
    >;
    const encoded = seeds['https://tuf-repo-cdn.sigstore.dev']?.targets?.['trusted_root.json'];
    if (!encoded)
      throw new ContentError('the installed @sigstore/tuf ships no trusted_root.json for the public-good instance: reinstall oci-copy');
    return parseTrustedRoot(Buffer.from(encoded, 'base64').toString('utf8'), 'Sigstore public-good', 'the public-good trusted root');
  })();
  return publicGood;
}

/**
 * The trust material for one verification: the root's authorities, and `key` as the only public key
 * a keyed signature may name (whatever key hint it carries).
 */
export function trustMaterial(root: TrustRoot, key?: KeyObject): TrustMaterial {
  return toTrustMaterial(root.root, (hint: string) => {
    if (!key)
      throw new VerificationError({
        code: 'PUBLIC_KEY_ERROR',
        message: `signed with a key (hint ${printable(hint, 80) || 'none'}), and the policy names no key`,
      });
    return { publicKey: key, validFor: () => true };
  });
}
