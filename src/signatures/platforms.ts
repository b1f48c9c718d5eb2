import { readManifest } from '../copy/read-manifest.js';
import type { Descriptor } from '../oci/descriptor.js';
import { parseIndex } from '../oci/manifest.js';
import { isIndex, isManifest } from '../oci/media-types.js';
import { formatPlatform } from '../oci/platform.js';
import { printable } from '../oci/text.js';
import type { ReadOnlyTarget } from '../targets/target.js';

/** Docker's annotation on a build attestation stored beside the images of an index (`unknown/unknown`). */
const REFERENCE_TYPE_ANNOTATION = 'vnd.docker.reference.type';

/**
 * The platform manifests of `subject` in `target`: the image manifests its index lists, less the
 * build attestations Docker stores beside them, which are no platform to sign or verify. None for
 * a single manifest. What a policy with `verify-platforms` verifies and `sign-platforms` signs,
 * each as podman and skopeo check them (every platform image they pull).
 */
export async function platformManifests(target: ReadOnlyTarget, subject: Descriptor, signal?: AbortSignal): Promise<Descriptor[]> {
  if (!isIndex(subject.mediaType)) return [];
  const index = parseIndex(await readManifest(await target.fetch(subject, signal), subject), `index ${subject.digest}`);
  return index.manifests.filter(
    (child) => isManifest(child.mediaType) && child.annotations?.[REFERENCE_TYPE_ANNOTATION] !== 'attestation-manifest',
  );
}

/** `linux/arm64`, or `a manifest` for an entry with no platform, as a line shows it. */
export function platformName(child: Descriptor): string {
  return printable(child.platform ? formatPlatform(child.platform) : 'a manifest', 80);
}
