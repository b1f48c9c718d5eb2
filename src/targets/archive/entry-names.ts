import { posix } from 'node:path';
import { isDigest, parseDigest } from '../../oci/digest.js';
import { ContentError } from '../../oci/errors.js';
import { printable, quoted } from '../../oci/text.js';
import { INDEX_FILE, OCI_LAYOUT_FILE } from '../layout/index-json.js';

/** `docker save`'s list of images, in both its legacy and its OCI (Docker 25+) archives. */
export const DOCKER_MANIFEST_FILE = 'manifest.json';
const DOCKER_REPOSITORIES_FILE = 'repositories';

/** What a regular file entry is to an importer, by its name. */
export type FileKind =
  | { kind: 'blob'; digest: string }
  /** index.json, oci-layout, manifest.json, or a file a `docker save` manifest.json may name. */
  | { kind: 'file'; name: string }
  /** Harmless regular files the import does not need. */
  | { kind: 'skip' };

/** What an archive entry is to an importer. Anything unsafe never gets this far: it throws. */
export type EntryKind =
  | FileKind
  /**
   * A symbolic or hard link, read as the regular file it leads to once the whole archive is seen.
   * `target` is the archive path it names (a symbolic link's relative to the link's directory,
   * a hard link's relative to the archive's root, as tar has them); `as` is what the link's own
   * name makes it.
   */
  | { kind: 'link'; link: 'symbolic' | 'hard'; target: string; linkname: string; as: FileKind }
  | { kind: 'directory'; name: string };

export interface EntryHeader {
  name: string;
  type?: string | null;
  linkname?: string | null;
}

/**
 * Files legacy `docker save` (`<id>/layer.tar`, `<id>.json`), skopeo's `docker-archive:`
 * (`<hex>.tar`) and go-containerregistry tarballs (`<hex>.tar.gz`, `sha256:<hex>`) keep their layers
 * and configs in.
 */
const IMAGE_FILE_RE = /^(?:sha256:)?[0-9a-f]{64}(?:\/layer\.tar|\.json|\.tar|\.tar\.gz)?$/;

/** `blobs/<algorithm>/<hex>`, the entry name of a blob. */
export function blobEntryName(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `blobs/${algorithm}/${hex}`;
}

/** The name as a relative path without `./` prefixes or a trailing slash. */
export function normalizeEntryName(name: string): string {
  let n = name;
  while (n.startsWith('./')) n = n.slice(2);
  while (n.endsWith('/')) n = n.slice(0, -1);
  return n;
}

/**
 * Classifies a tar entry, refusing outright any entry that could point outside the archive or the
 * importer's own temporary space: absolute names or link targets, `..` that climbs out, devices and
 * fifos. Links inside the archive are classified, and resolved later (see `ArchiveLinks`).
 */
export function classifyEntry(header: EntryHeader, where: string): EntryKind {
  const raw = header.name;
  const shown = quoted(raw);
  if (isAbsolute(raw)) {
    throw new ContentError(`${where} has an entry with an absolute path ${shown}: refusing the archive`);
  }
  const name = normalizeEntryName(raw);
  if (name.split('/').some((part) => part === '..')) {
    throw new ContentError(`${where} has an entry that leaves the archive ${shown}: refusing the archive`);
  }
  const type = header.type ?? 'file';
  if (type === 'symlink' || type === 'link') {
    const link = type === 'symlink' ? 'symbolic' : 'hard';
    const linkname = header.linkname ?? '';
    return { kind: 'link', link, target: linkTarget(name, link, linkname, where, shown), linkname, as: classifyFile(name, where, shown) };
  }
  if (type === 'directory') return { kind: 'directory', name };
  if (type !== 'file' && type !== 'contiguous-file') {
    throw new ContentError(`${where} has a ${printable(type)} entry ${shown}: refusing the archive`);
  }
  return classifyFile(name, where, shown);
}

function classifyFile(name: string, where: string, shown: string): FileKind {
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

/**
 * The archive path a link names. Nothing is ever extracted, so a target only has to name an entry
 * of the archive; one that is absolute or climbs out of it is refused all the same, as no honest
 * writer makes one.
 */
function linkTarget(name: string, link: 'symbolic' | 'hard', linkname: string, where: string, shown: string): string {
  const arrow = `${shown} -> ${quoted(linkname)}`;
  if (linkname === '') throw new ContentError(`${where} has a link entry ${arrow} with no target: refusing the archive`);
  if (isAbsolute(linkname)) {
    throw new ContentError(`${where} has a link entry ${arrow} with an absolute target: refusing the archive`);
  }
  const joined = link === 'symbolic' ? posix.join(posix.dirname(name), linkname) : posix.normalize(linkname);
  const target = normalizeEntryName(joined);
  if (target === '..' || target.startsWith('../')) {
    throw new ContentError(`${where} has a link entry ${arrow} that leaves the archive: refusing the archive`);
  }
  return target;
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.includes('\\');
}
