import type { Digest } from './digest.js';

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

/** An OCI content descriptor: what a thing is, its digest and its size. */
export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform;
  artifactType?: string;
  data?: string;
}

export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';
/** containerd and Docker 25+ keep the full image name here beside the tag. */
export const ANNOTATION_IMAGE_NAME = 'io.containerd.image.name';

/** The descriptor without the fields that only make sense in its parent (annotations, platform). */
export function plainDescriptor(desc: Descriptor): Descriptor {
  return { mediaType: desc.mediaType, digest: desc.digest, size: desc.size };
}

export function shortDigest(digest: string): string {
  const i = digest.indexOf(':');
  return digest.slice(i + 1, i + 13);
}
