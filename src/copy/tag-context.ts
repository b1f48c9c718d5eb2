import { imageNameOf, normalizeImageName, repositoryOfImageName } from '../oci/image-name.js';
import { platformList, type PlatformsAsked } from '../oci/platform.js';
import { isLocated, type ReadOnlyTarget, type TagContext } from '../targets/target.js';
import type { Selector } from './selector.js';

/**
 * What a destination is told beside each tag: the source's full repository (a registry's own, or
 * the name a layout or archive gave the image) and the platform asked for first.
 */
export async function tagContext(src: ReadOnlyTarget, srcRef: Selector, platform: PlatformsAsked): Promise<TagContext> {
  const [first] = platformList(platform);
  const repository = await sourceRepository(src, srcRef);
  return { ...(repository ? { repository } : {}), ...(first ? { platform: first } : {}) };
}

async function sourceRepository(src: ReadOnlyTarget, srcRef: Selector): Promise<string | undefined> {
  if (isLocated(src)) return `${src.location.registry}/${src.location.repository}`;
  let name = srcRef.image?.startsWith('@') ? undefined : srcRef.image;
  if (!name) {
    // A file source resolves locally: asking again costs nothing and keeps resolveRoot's contract.
    const entry = await src.resolve(srcRef.digest ?? srcRef.image ?? srcRef.tags[0]).catch(() => undefined);
    name = entry && imageNameOf(entry);
  }
  const full = name && normalizeImageName(name);
  return full ? repositoryOfImageName(full) : undefined;
}
