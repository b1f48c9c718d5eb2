import { randomBytes } from 'node:crypto';
import type { Descriptor, Platform } from '../../src/oci/descriptor.js';
import { digestOf } from '../../src/oci/digest.js';
import { MediaType } from '../../src/oci/media-types.js';
import type { MemoryTarget } from '../../src/targets/memory.js';

/** Adds a blob of `content` (random when a size is given) to a memory target. */
export function addBlob(target: MemoryTarget, mediaType: string, content: Buffer | number): Descriptor {
  const buf = typeof content === 'number' ? randomBytes(content) : content;
  return target.put(mediaType, buf, digestOf(buf));
}

export function addJson(target: MemoryTarget, mediaType: string, value: unknown): Descriptor {
  return addBlob(target, mediaType, Buffer.from(JSON.stringify(value)));
}

export function addImage(target: MemoryTarget, layers: Descriptor[], platform?: Platform): Descriptor {
  const config = addJson(target, MediaType.OciConfig, {
    architecture: platform?.architecture ?? 'amd64',
    os: platform?.os ?? 'linux',
    rootfs: { type: 'layers', diff_ids: [] },
    nonce: randomBytes(4).toString('hex'),
  });
  const manifest = addJson(target, MediaType.OciManifest, { schemaVersion: 2, mediaType: MediaType.OciManifest, config, layers });
  return platform ? { ...manifest, platform } : manifest;
}

/** A two-platform index whose images share one base layer. */
export function addMultiPlatformImage(target: MemoryTarget, tag: string): { index: Descriptor; shared: Descriptor; all: Descriptor[] } {
  const shared = addBlob(target, MediaType.OciLayerGzip, 3000);
  const amd = addBlob(target, MediaType.OciLayerGzip, 2000);
  const arm = addBlob(target, MediaType.OciLayerGzip, 1000);
  const m1 = addImage(target, [shared, amd], { os: 'linux', architecture: 'amd64' });
  const m2 = addImage(target, [shared, arm], { os: 'linux', architecture: 'arm64', variant: 'v8' });
  const index = addJson(target, MediaType.OciIndex, { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [m1, m2] });
  target.tagged.set(tag, index);
  return { index, shared, all: [...target.blobs.values()].map((b) => b.desc) };
}
