import type { Descriptor } from './descriptor.js';
import { parseDigest } from './digest.js';
import { parseJson } from './manifest.js';
import { isImageManifest, isIndex } from './media-types.js';

/** The tag the referrers tag schema keeps an index under: `sha256-<hex>`. */
export function referrersTag(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `${algorithm}-${hex}`;
}

/** A pushed manifest that refers to a subject, and the descriptor its subject's referrers list gives it. */
export interface Referrer {
  subject: Descriptor;
  descriptor: Descriptor;
}

/**
 * The subject and referrers-list descriptor of a manifest or index that has a `subject`: its
 * `artifactType`, else (for an image manifest) its config's media type, and its annotations.
 */
export function referrerOf(desc: Descriptor, bytes: Uint8Array): Referrer | undefined {
  if (!isImageManifest(desc.mediaType) && !isIndex(desc.mediaType)) return undefined;
  let doc: { subject?: Descriptor; artifactType?: unknown; config?: { mediaType?: unknown }; annotations?: unknown };
  try {
    doc = parseJson(bytes, `manifest ${desc.digest}`);
  } catch {
    return undefined;
  }
  const subject = doc?.subject;
  if (!subject || typeof subject.digest !== 'string' || typeof subject.mediaType !== 'string') return undefined;
  const artifactType =
    typeof doc.artifactType === 'string'
      ? doc.artifactType
      : typeof doc.config?.mediaType === 'string' && isImageManifest(desc.mediaType)
        ? doc.config.mediaType
        : undefined;
  const annotations =
    doc.annotations && typeof doc.annotations === 'object' && Object.keys(doc.annotations).length
      ? (doc.annotations as Record<string, string>)
      : undefined;
  return {
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    descriptor: {
      mediaType: desc.mediaType,
      digest: desc.digest,
      size: desc.size,
      ...(artifactType ? { artifactType } : {}),
      ...(annotations ? { annotations } : {}),
    },
  };
}
