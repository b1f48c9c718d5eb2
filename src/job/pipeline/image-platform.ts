import { readConfig } from '../../copy/resolve-root.js';
import type { CopyEvent, CopyListener, PlatformManifest } from '../../copy/events.js';
import type { Descriptor } from '../../oci/descriptor.js';
import { parseJson } from '../../oci/manifest.js';
import { isImageConfig, isImageManifest } from '../../oci/media-types.js';
import type { ReadOnlyTarget } from '../../targets/target.js';

/**
 * The platform of a single-manifest image, for its outcome. Once the copy has read the manifest
 * (its `walked` event names the config), the config's bytes come with the copy when it moves them;
 * when it does not (the destination has the config, or it was mounted), the config is read beside
 * the copy, a few kilobytes. It only informs: a config that cannot be read leaves the platform
 * unknown, never fails the copy.
 */
export function watchImagePlatform(
  src: ReadOnlyTarget,
  root: Descriptor,
  signal: AbortSignal,
): { listener: CopyListener; platform: () => Promise<PlatformManifest | undefined> } {
  let config: Descriptor | undefined;
  let reading: Promise<PlatformManifest | undefined> | undefined;
  const listener = (event: CopyEvent) => {
    if (reading || !isImageManifest(root.mediaType)) return;
    if (event.type === 'walked') {
      if (event.node.digest === root.digest) config = event.children.find((c) => isImageConfig(c.mediaType));
      return;
    }
    if (!config || event.node.digest !== config.digest) return;
    if (event.type === 'config') reading = Promise.resolve(platformIn(event.content, root, config));
    else if (event.type === 'done') reading = readPlatform(src, root, config, signal);
  };
  return { listener, platform: async () => reading };
}

async function readPlatform(
  src: ReadOnlyTarget,
  root: Descriptor,
  config: Descriptor,
  signal: AbortSignal,
): Promise<PlatformManifest | undefined> {
  if (signal.aborted) return undefined;
  try {
    return platformIn(await readConfig(src, config), root, config);
  } catch {
    return undefined;
  }
}

function platformIn(content: Buffer, root: Descriptor, config: Descriptor): PlatformManifest | undefined {
  let doc: Record<string, unknown> | undefined;
  try {
    doc = parseJson<Record<string, unknown>>(content, `config ${config.digest}`);
  } catch {
    return undefined;
  }
  const { os, architecture, variant } = doc ?? {};
  if (typeof os !== 'string' || typeof architecture !== 'string' || !os || !architecture) return undefined;
  const platform = typeof variant === 'string' && variant ? { os, architecture, variant } : { os, architecture };
  return { platform, mediaType: root.mediaType, digest: root.digest, size: root.size };
}
