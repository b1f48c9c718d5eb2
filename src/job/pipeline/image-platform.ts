import { readConfig } from '../../copy/copy.js';
import type { CopyEvent, CopyListener, PlatformManifest } from '../../copy/events.js';
import type { Descriptor } from '../../oci/descriptor.js';
import { parseJson } from '../../oci/manifest.js';
import { isImageManifest, MediaType } from '../../oci/media-types.js';
import type { ReadOnlyTarget } from '../../targets/target.js';

const CONFIG_TYPES: readonly string[] = [MediaType.OciConfig, MediaType.DockerConfig];

/**
 * The platform of a single-manifest image, for its outcome: once the copy has read the manifest
 * (its `walked` event names the config), the config is read beside the copy, a few kilobytes.
 * It only informs: a config that cannot be read leaves the platform unknown, never fails the copy.
 */
export function watchImagePlatform(src: ReadOnlyTarget, root: Descriptor, signal: AbortSignal): { listener: CopyListener; platform: () => Promise<PlatformManifest | undefined> } {
  let reading: Promise<PlatformManifest | undefined> | undefined;
  const listener = (event: CopyEvent) => {
    if (reading || event.type !== 'walked' || event.node.digest !== root.digest || !isImageManifest(root.mediaType)) return;
    const config = event.children.find((c) => CONFIG_TYPES.includes(c.mediaType));
    if (config) reading = platformOf(src, root, config, signal).catch(() => undefined);
  };
  return { listener, platform: async () => reading };
}

async function platformOf(src: ReadOnlyTarget, root: Descriptor, config: Descriptor, signal: AbortSignal): Promise<PlatformManifest | undefined> {
  if (signal.aborted) return undefined;
  const doc = parseJson<Record<string, unknown>>(await readConfig(src, config), `config ${config.digest}`);
  const { os, architecture, variant } = doc ?? {};
  if (typeof os !== 'string' || typeof architecture !== 'string' || !os || !architecture) return undefined;
  const platform = typeof variant === 'string' && variant ? { os, architecture, variant } : { os, architecture };
  return { platform, mediaType: root.mediaType, digest: root.digest, size: root.size };
}
