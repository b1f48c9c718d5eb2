import { ANNOTATION_IMAGE_NAME, ANNOTATION_REF_NAME, type Descriptor } from './descriptor.js';
import { DOCKER_HUB, isTag, parseReference } from './reference.js';

/**
 * Full image names, as docker archives and containerd keep them: `docker.io/library/app:1.2` in
 * the `io.containerd.image.name` annotation, the familiar `app:1.2` in a `manifest.json`'s
 * `RepoTags`. One image has both spellings; names are compared in the full one.
 */

/** `app:1.2` → `docker.io/library/app:1.2`; a name without a tag is `:latest`, as docker reads it. Undefined when it is no image name. */
export function normalizeImageName(name: string): string | undefined {
  if (name.includes('@') || name.includes(',') || name.includes('://')) return undefined;
  try {
    const ref = parseReference(`docker://${name}`);
    if (ref.transport !== 'registry') return undefined;
    return `${ref.registry}/${ref.repository}:${ref.tags[0] ?? 'latest'}`;
  } catch {
    return undefined;
  }
}

/** Whether two spellings name the same image (`app` and `docker.io/library/app:latest` do). */
export function sameImageName(a: string, b: string): boolean {
  const na = normalizeImageName(a);
  return na !== undefined && na === normalizeImageName(b);
}

/** `docker.io/library/app:1.2` → `app:1.2`, `docker.io/acme/app:1` → `acme/app:1`: how docker writes `RepoTags`. */
export function familiarImageName(fullName: string): string {
  const prefix = `${DOCKER_HUB}/`;
  if (!fullName.startsWith(prefix)) return fullName;
  const rest = fullName.slice(prefix.length);
  return rest.startsWith('library/') && !rest.slice('library/'.length).includes('/') ? rest.slice('library/'.length) : rest;
}

/** `host/repo:tag` → `host/repo`. */
export function repositoryOfImageName(fullName: string): string {
  const colon = fullName.lastIndexOf(':');
  return colon > fullName.lastIndexOf('/') ? fullName.slice(0, colon) : fullName;
}

/** `registry:5000/repo:1.2` → `1.2`; a name without a tag is `latest`, as docker reads it. */
export function tagOfImageName(name: string): string {
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : 'latest';
}

/** The full name an index entry carries: containerd's annotation, or a ref.name that is a full name (older containerd). */
export function imageNameOf(desc: Descriptor): string | undefined {
  const named = desc.annotations?.[ANNOTATION_IMAGE_NAME];
  if (named) return named;
  const ref = desc.annotations?.[ANNOTATION_REF_NAME];
  return ref !== undefined && !isTag(ref) ? ref : undefined;
}
