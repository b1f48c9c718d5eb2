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
  checkValidityStarts(doc, what);
  return json;
}

/**
 * Each key and authority is trusted over `validFor`, whose `start` Sigstore's format requires: one
 * without it is refused, never read as trusted since forever (a sigstore-conformance case).
 */
function checkValidityStarts(doc: Record<string, unknown>, what: string): void {
  type Entry = { validFor?: unknown; publicKey?: { validFor?: unknown } } | null | undefined;
  const places: ReadonlyArray<readonly [string, (e: Entry) => unknown]> = [
    ['tlogs', (e) => e?.publicKey?.validFor],
    ['ctlogs', (e) => e?.publicKey?.validFor],
    ['certificateAuthorities', (e) => e?.validFor],
    ['timestampAuthorities', (e) => e?.validFor],
  ];
  for (const [field, validFor] of places) {
    for (const [i, entry] of ((doc[field] as Entry[] | undefined) ?? []).entries()) {
      const range = validFor(entry) as { start?: unknown } | null | undefined;
      if (range !== undefined && (range === null || typeof range !== 'object' || typeof range.start !== 'string' || !range.start))
        throw new InputError(
          `${what} is malformed: ${field}[${i}] has a validFor with no start: give a trusted_root.json that says from when each key is trusted`,
        );
    }
  }
}
