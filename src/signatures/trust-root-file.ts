import { InputError } from '../oci/errors.js';

const MEDIA_TYPE_PREFIX = 'application/vnd.dev.sigstore.trustedroot';

/**
 * The first look at a `trusted_root.json`, while the inputs are read: JSON, Sigstore's media type,
 * lists where lists belong. It needs none of the Sigstore libraries, so a job that verifies nothing
 * never loads them; their full reading of the keys and certificates (`trustRootFromJson`) comes
 * before the first image is copied. `what` names the file in errors.
 */
export function checkTrustedRootText(text: string, what: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError(`${what} is not JSON: give a Sigstore trusted_root.json`);
  }
  const doc = json as {
    mediaType?: unknown;
    certificateAuthorities?: unknown;
    tlogs?: unknown;
    timestampAuthorities?: unknown;
    ctlogs?: unknown;
  };
  if (!doc || typeof doc !== 'object' || typeof doc.mediaType !== 'string' || !doc.mediaType.startsWith(MEDIA_TYPE_PREFIX)) {
    throw new InputError(
      `${what} is not a Sigstore trusted root (its mediaType is not ${MEDIA_TYPE_PREFIX}+json): give a trusted_root.json`,
    );
  }
  for (const field of ['certificateAuthorities', 'tlogs', 'timestampAuthorities', 'ctlogs'] as const) {
    if (doc[field] !== undefined && !Array.isArray(doc[field])) throw new InputError(`${what} is malformed: ${field} is not a list`);
  }
  return json;
}
