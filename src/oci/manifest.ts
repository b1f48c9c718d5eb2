import type { Descriptor } from './descriptor.js';
import { digestProblem } from './digest.js';
import { ContentError } from './errors.js';
import { isImageManifest, isIndex } from './media-types.js';
import { printable, quoted } from './text.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json.js';

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
  const text = Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8');
  if (nestsDeeperThan(text)) throw new ContentError(`${what} is not a manifest: its JSON nests more than ${MAX_JSON_DEPTH} levels deep`);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ContentError(`${what} is not valid JSON`);
  }
}

/**
 * Checks every descriptor of a list when a manifest is parsed, before anything acts on one: a digest
 * this code can verify (lower-case hex of the algorithm's length; unknown algorithms refused), a
 * size that is a non-negative safe integer, a media type, and the optional fields of the types the
 * spec gives them. A registry or file that sends anything else is at fault, and is named as such,
 * before any request reaches the other side.
 */
function checkDescriptors(list: unknown, what: string, field: string): Descriptor[] {
  if (!Array.isArray(list)) throw new ContentError(`${what} is malformed: "${field}" is not a list of descriptors`);
  for (const [i, d] of list.entries()) checkDescriptor(d, what, `${field}[${i}]`);
  return list as Descriptor[];
}

export function checkDescriptor(d: unknown, what: string, field: string): Descriptor {
  const problem = descriptorProblem(d);
  if (problem) throw new ContentError(`${what} is malformed: ${field} ${problem}`);
  return d as Descriptor;
}

function descriptorProblem(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'is not a descriptor';
  const d = value as Record<string, unknown>;
  if (typeof d.mediaType !== 'string' || !d.mediaType) return 'lacks a mediaType';
  if (d.digest === undefined) return 'lacks a digest';
  const digest = digestProblem(d.digest);
  if (digest) return `has a digest ${quoted(d.digest, 80)} that ${digest}`;
  if (d.size === undefined) return 'lacks a size';
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) {
    return `has a size ${printable(JSON.stringify(d.size), 40)} that is not a whole number of bytes from 0 to 2^53-1`;
  }
  if (d.artifactType !== undefined && typeof d.artifactType !== 'string') return 'has an artifactType that is not a string';
  if (d.urls !== undefined && !(Array.isArray(d.urls) && d.urls.every((u) => typeof u === 'string')))
    return 'has urls that are not a list of strings';
  if (d.annotations !== undefined && !isStringMap(d.annotations)) return 'has annotations that are not a map of strings';
  if (d.platform !== undefined) {
    const p = d.platform as Record<string, unknown> | null;
    if (!p || typeof p !== 'object' || typeof p.os !== 'string' || typeof p.architecture !== 'string')
      return 'has a platform without os and architecture';
    if (p.variant !== undefined && typeof p.variant !== 'string') return 'has a platform variant that is not a string';
  }
  return undefined;
}

function isStringMap(value: unknown): boolean {
  return !!value && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}

export function parseIndex(content: Uint8Array, what = 'index'): ImageIndex {
  const index = parseJson<ImageIndex>(content, what);
  if (!index || typeof index !== 'object') throw new ContentError(`${what} is malformed: not a JSON object`);
  checkDescriptors(index.manifests, what, 'manifests');
  if (index.subject !== undefined) checkDescriptor(index.subject, what, 'subject');
  return index;
}

export function parseImageManifest(content: Uint8Array, what = 'manifest'): ImageManifest {
  const manifest = parseJson<ImageManifest>(content, what);
  if (!manifest || typeof manifest !== 'object') throw new ContentError(`${what} is malformed: not a JSON object`);
  checkDescriptor(manifest.config, what, 'config');
  checkDescriptors(manifest.layers ?? [], what, 'layers');
  if (manifest.subject !== undefined) checkDescriptor(manifest.subject, what, 'subject');
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
    return [m.config, ...(m.layers ?? []).filter((l) => !l.urls?.length)];
  }
  return [];
}
