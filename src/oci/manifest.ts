import type { Descriptor } from './descriptor.js';
import { ContentError } from './errors.js';
import { isImageManifest, isIndex } from './media-types.js';

export interface ImageManifest {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export function parseJson<T>(content: Uint8Array, what: string): T {
  try {
    return JSON.parse(Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8')) as T;
  } catch {
    throw new ContentError(`${what} is not valid JSON`);
  }
}

function checkDescriptors(list: unknown, what: string): Descriptor[] {
  if (!Array.isArray(list)) throw new ContentError(`${what} is malformed: expected a list of descriptors`);
  for (const d of list as Descriptor[]) {
    if (!d || typeof d.digest !== 'string' || typeof d.size !== 'number' || typeof d.mediaType !== 'string') {
      throw new ContentError(`${what} is malformed: a descriptor lacks mediaType, digest or size`);
    }
  }
  return list as Descriptor[];
}

export function parseIndex(content: Uint8Array, what = 'index'): ImageIndex {
  const index = parseJson<ImageIndex>(content, what);
  checkDescriptors(index?.manifests, what);
  return index;
}

export function parseImageManifest(content: Uint8Array, what = 'manifest'): ImageManifest {
  const manifest = parseJson<ImageManifest>(content, what);
  checkDescriptors([manifest?.config], what);
  checkDescriptors(manifest.layers ?? [], what);
  return manifest;
}

/**
 * The default successors of a node, in descriptor order: an index's manifests; a manifest's config
 * then layers. The subject is not a successor: a referrer points at its subject, it does not own it.
 * Layers with foreign `urls` are not copied (they are not in the registry), as docker and skopeo do.
 */
export function defaultSuccessors(desc: Descriptor, content: Uint8Array | undefined): Descriptor[] {
  if (!content) return [];
  if (isIndex(desc.mediaType)) return parseIndex(content, `index ${desc.digest}`).manifests;
  if (isImageManifest(desc.mediaType)) {
    const m = parseImageManifest(content, `manifest ${desc.digest}`);
    return [m.config, ...(m.layers ?? []).filter((l) => !(l.urls && l.urls.length))];
  }
  return [];
}
