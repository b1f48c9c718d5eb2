import { isIP } from 'node:net';
import { isDigest } from './digest.js';
import { InputError } from './errors.js';
import { quoted } from './text.js';
import { checkTransport } from './transports.js';

export const DOCKER_HUB = 'docker.io';

export interface RegistryReference {
  transport: 'registry';
  /** host[:port], Docker Hub normalised to docker.io */
  registry: string;
  repository: string;
  /** every tag named, in order (`repo:1.2.3,1.2,latest`); empty when none */
  tags: string[];
  digest?: string;
}

export interface FileReference {
  transport: 'oci' | 'oci-archive' | 'docker-archive';
  /** a directory (oci) or a tar file (oci-archive, docker-archive); `-` is stdin or stdout */
  path: string;
  tags: string[];
  digest?: string;
  /**
   * docker-archive: the image's full name (`docker.io/library/app:1.2`), which picks it from the
   * archive or names it there; or `@N`, the N-th image of the archive's `manifest.json` (a source).
   */
  image?: string;
}

export type Reference = RegistryReference | FileReference;

const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Whether `value` is a valid tag: 1-128 of A-Z a-z 0-9 _ . -, not starting with . or -. */
export function isTag(value: string): boolean {
  return TAG_RE.test(value);
}
/** The distribution grammar's longest repository name (its whole path, `team/app`) and tag. */
export const MAX_REPOSITORY_LENGTH = 255;
export const MAX_TAG_LENGTH = 128;

/**
 * Refuses a repository name or tag longer than any registry takes, before any request (a
 * registry answers a 10,000-character name with a 500, retried for nothing), in one line that
 * gives its length rather than the name itself.
 */
export function refuseLongNames(repository: string | undefined, tags: string[], what: string): void {
  if (repository !== undefined && repository.length > MAX_REPOSITORY_LENGTH) {
    throw new InputError(
      `${what} has a repository name ${repository.length} characters long; a registry takes at most ${MAX_REPOSITORY_LENGTH}`,
    );
  }
  const long = tags.find((t) => t.length > MAX_TAG_LENGTH);
  if (long !== undefined)
    throw new InputError(`${what} has a tag ${long.length} characters long; a registry takes at most ${MAX_TAG_LENGTH}`);
}

const REPO_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const FORMS =
  'use [docker://]HOST[:PORT]/REPO[:TAG][@DIGEST], oci:PATH[:TAG|@DIGEST], oci-archive:PATH[:TAG|@DIGEST] or docker-archive:PATH[:NAME:TAG]';

/** Parses a reference as skopeo users write them. `what` names the input in errors. */
export function parseReference(input: string, what = 'reference'): Reference {
  const value = input.trim();
  if (!value) throw new InputError(`${what} is empty: ${FORMS}`);
  if (/\s/.test(value)) throw new InputError(`${what} ${quoted(value)} contains white space: ${FORMS}`);
  for (const transport of ['oci-archive', 'docker-archive', 'oci'] as const) {
    if (!value.startsWith(`${transport}:`)) continue;
    const rest = value.slice(transport.length + 1);
    return transport === 'docker-archive'
      ? parseDockerArchiveReference(rest, what, value)
      : parseFileReference(transport, rest, what, value);
  }
  checkTransport(value, what, FORMS);
  return parseRegistryReference(value.replace(/^docker:\/\//, ''), what, value);
}

function parseFileReference(transport: FileReference['transport'], rest: string, what: string, whole: string): FileReference {
  let path = rest;
  let digest: string | undefined;
  let tags: string[] = [];
  const at = path.lastIndexOf('@');
  if (at >= 0 && isDigest(path.slice(at + 1))) {
    digest = path.slice(at + 1);
    path = path.slice(0, at);
  } else {
    // The tag follows the last colon, unless what follows looks like part of a path.
    const colon = path.lastIndexOf(':');
    if (colon >= 0 && !path.slice(colon + 1).includes('/')) {
      tags = splitTags(path.slice(colon + 1), what, whole);
      path = path.slice(0, colon);
    }
  }
  if (!path) throw new InputError(`${what} ${quoted(whole)} names no path: use ${transport}:PATH[:TAG|@DIGEST]`);
  return { transport, path, tags, digest };
}

/**
 * skopeo's `docker-archive:PATH[:{NAME[:TAG]|@INDEX}]`: the path ends at the first colon, then a
 * docker reference without digest (`app` is `docker.io/library/app:latest`), or `@N`.
 */
function parseDockerArchiveReference(rest: string, what: string, whole: string): FileReference {
  const colon = rest.indexOf(':');
  const path = colon < 0 ? rest : rest.slice(0, colon);
  const form = 'use docker-archive:PATH[:NAME:TAG] or, to read, docker-archive:PATH:@INDEX';
  if (!path) throw new InputError(`${what} ${quoted(whole)} names no path: ${form}`);
  const spec = colon < 0 ? undefined : rest.slice(colon + 1);
  if (spec !== undefined && /^@[0-9]{1,9}$/.test(spec)) return { transport: 'docker-archive', path, tags: [], image: spec };
  if (spec?.startsWith('@'))
    throw new InputError(
      `${what} ${quoted(whole)} has an invalid image index ${quoted(spec)}: @0 is the first image of the archive's manifest.json, @1 the second`,
    );
  // `PATH@sha256:…` splits at the digest's own colon; `NAME@sha256:…` carries one.
  if (spec?.includes('@') || /@sha(256|512)$/.test(path)) {
    throw new InputError(
      `${what} ${quoted(whole)}: docker-archive: picks an image by NAME:TAG or @INDEX, not by digest; use oci-archive:PATH@DIGEST, which reads docker archives too`,
    );
  }
  if (spec === undefined) return { transport: 'docker-archive', path, tags: [] };
  if (!spec) throw new InputError(`${what} ${quoted(whole)} names no image after the colon: ${form}`);
  const named = parseRegistryReference(spec, what, whole);
  if (named.tags.length > 1)
    throw new InputError(`${what} ${quoted(whole)} gives several tags: a docker-archive: reference names one image, NAME:TAG`);
  const tag = named.tags[0] ?? 'latest';
  return { transport: 'docker-archive', path, tags: [tag], image: `${named.registry}/${named.repository}:${tag}` };
}

function splitTags(value: string, what: string, whole: string): string[] {
  const tags = value.split(',').map((t) => t.trim());
  refuseLongNames(undefined, tags, what);
  for (const tag of tags) {
    if (!TAG_RE.test(tag)) {
      throw new InputError(
        `${what} ${quoted(whole)} has an invalid tag ${quoted(tag)}: tags are 1-128 of A-Z a-z 0-9 _ . - and do not start with . or -`,
      );
    }
  }
  return [...new Set(tags)];
}

function parseRegistryReference(rest: string, what: string, whole: string): RegistryReference {
  let name = rest;
  let digest: string | undefined;
  const at = name.indexOf('@');
  if (at >= 0) {
    digest = name.slice(at + 1);
    name = name.slice(0, at);
  }
  let tagText: string | undefined;
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const firstColon = name.indexOf(':', lastSlash + 1);
  if (firstColon >= 0 && firstColon < colon) {
    // `repo:1.0.0:extra`: a second colon reads as part of the repository name, which says nothing of the mistake.
    const fixed = `${name.slice(0, firstColon + 1)}${name.slice(firstColon + 1).replaceAll(':', ',')}`;
    throw new InputError(
      `${what} ${quoted(whole)} has more than one ":" after the repository name: give the tags after one colon, separated by commas (${quoted(fixed)})`,
    );
  }
  if (colon > lastSlash) {
    tagText = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  const parts = name.split('/');
  let registry = DOCKER_HUB;
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost' || parts[0].startsWith('['))) {
    registry = parts.shift()!;
  }
  if (['index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'].includes(registry)) registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  // Before any message quotes the reference: a name no registry takes is not repeated back.
  refuseLongNames(parts.join('/'), tagText?.split(',').map((t) => t.trim()) ?? [], what);
  if (digest !== undefined && !isDigest(digest))
    throw new InputError(`${what} ${quoted(whole)} has an invalid digest ${quoted(digest)}: expected sha256:<64 hex>`);
  const tags = tagText === undefined ? [] : splitTags(tagText, what, whole);
  // `HOST/REPO:bad/tag`: the last slash is in the tag, so the colon landed in the repository name.
  const inner = parts.join('/').indexOf(':');
  if (inner >= 0) splitTags(parts.join('/').slice(inner + 1), what, whole);
  if (parts.length === 0 || parts.some((p) => !REPO_COMPONENT_RE.test(p))) {
    throw new InputError(
      `${what} ${quoted(whole)} has an invalid repository name ${quoted(parts.join('/'))}: lower-case letters, digits and separators . _ - /; ${FORMS}`,
    );
  }
  const host = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::([0-9]{1,5}))?$/.exec(registry);
  if (!host || (host[2] !== undefined && (Number(host[2]) < 1 || Number(host[2]) > 65535))) {
    throw new InputError(
      `${what} ${quoted(whole)} has an invalid registry host ${quoted(registry)}: use HOST or HOST:PORT with a port from 1 to 65535`,
    );
  }
  return { transport: 'registry', registry, repository: parts.join('/'), tags, digest };
}

/** Registries on loopback speak plain HTTP, as docker and skopeo assume. */
export function isLoopbackRegistry(registry: string): boolean {
  return isLoopbackHostname(registry.replace(/:[0-9]+$/, ''));
}

/**
 * `localhost`, 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104, in any spelling a URL accepts (`127.1`,
 * `[0:0::1]`, `::1` unbracketed): the one test of loopback, for plain HTTP and for proxies alike.
 */
export function isLoopbackHostname(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, '');
  let canonical: string;
  try {
    canonical = new URL(`http://${isIP(bare) === 6 ? `[${bare}]` : bare}/`).hostname;
  } catch {
    return false;
  }
  if (canonical === 'localhost') return true;
  if (isIP(canonical) === 4) return canonical.startsWith('127.');
  return canonical === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
}

/** What a tag or digest on the reference names: the digest wins over tags for resolving. */
export function referenceSelector(ref: Reference): string | undefined {
  return ref.digest ?? ref.tags[0];
}

/** `[registry] host/repo:tag`, the way oras prints targets. */
export function formatReference(ref: Reference): string {
  const suffix = `${ref.tags.length ? `:${ref.tags.join(',')}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
  if (ref.transport === 'registry') return `${ref.registry}/${ref.repository}${suffix}`;
  if (ref.transport === 'docker-archive') return `${ref.transport}:${ref.path}${ref.image ? `:${ref.image}` : ''}`;
  return `${ref.transport}:${ref.path}${suffix}`;
}
