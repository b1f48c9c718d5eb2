import { isDigest } from '../../oci/digest.js';
import { ContentError } from '../../oci/errors.js';
import { INDEX_FILE, OCI_LAYOUT_FILE } from '../layout/index-json.js';
import { printable, quoted } from '../../oci/text.js';

/** `docker save`'s list of images, in both its legacy and its OCI (Docker 25+) archives. */
export const DOCKER_MANIFEST_FILE = 'manifest.json';
const DOCKER_REPOSITORIES_FILE = 'repositories';

/** What an archive entry is to an importer. Anything unsafe never gets this far: it throws. */
export type EntryKind =
  | { kind: 'blob'; digest: string }
  /** index.json, oci-layout, manifest.json, or a file a `docker save` manifest.json may name. */
  | { kind: 'file'; name: string }
  /** Directories and harmless regular files the import does not need. */
  | { kind: 'skip' };

export interface EntryHeader {
  name: string;
  type?: string | null;
  linkname?: string | null;
}

/**
 * Files legacy `docker save` (`<id>/layer.tar`, `<id>.json`) and go-containerregistry tarballs
 * (`<hex>.tar.gz`, `sha256:<hex>`) keep their layers and configs in.
 */
const IMAGE_FILE_RE = /^(?:sha256:)?[0-9a-f]{64}(?:\/layer\.tar|\.json|\.tar|\.tar\.gz)?$/;

/** The name as a relative path without `./` prefixes or a trailing slash. */
export function normalizeEntryName(name: string): string {
  let n = name;
  while (n.startsWith('./')) n = n.slice(2);
  while (n.endsWith('/')) n = n.slice(0, -1);
  return n;
}

/**
 * Classifies a tar entry, refusing outright any entry that could point outside the archive or the
 * importer's own temporary space: absolute names, `..`, links, devices and fifos.
 */
export function classifyEntry(header: EntryHeader, where: string): EntryKind {
  const raw = header.name;
  const shown = quoted(raw);
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw) || raw.includes('\\')) {
    throw new ContentError(`${where} has an entry with an absolute path ${shown}: refusing the archive`);
  }
  const name = normalizeEntryName(raw);
  if (name.split('/').some((part) => part === '..')) {
    throw new ContentError(`${where} has an entry that leaves the archive ${shown}: refusing the archive`);
  }
  const type = header.type ?? 'file';
  if (type === 'symlink' || type === 'link') {
    throw new ContentError(`${where} has a link entry ${shown} -> ${quoted(header.linkname ?? '')}: refusing the archive`);
  }
  if (type === 'directory') return { kind: 'skip' };
  if (type !== 'file' && type !== 'contiguous-file') {
    throw new ContentError(`${where} has a ${printable(type)} entry ${shown}: refusing the archive`);
  }
  if (name === INDEX_FILE || name === OCI_LAYOUT_FILE || name === DOCKER_MANIFEST_FILE) return { kind: 'file', name };
  if (name === DOCKER_REPOSITORIES_FILE) return { kind: 'skip' };
  if (name.startsWith('blobs/')) {
    const parts = name.split('/');
    const digest = `${parts[1]}:${parts[2]}`;
    if (parts.length !== 3 || !isDigest(digest)) {
      throw new ContentError(`${where} has an entry ${shown} under blobs/ that is not named blobs/<algorithm>/<hex>: refusing the archive`);
    }
    return { kind: 'blob', digest };
  }
  if (IMAGE_FILE_RE.test(name)) return { kind: 'file', name };
  return { kind: 'skip' };
}
