export const MediaType = {
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  OciConfig: 'application/vnd.oci.image.config.v1+json',
  OciLayer: 'application/vnd.oci.image.layer.v1.tar',
  OciLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  OciLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  OciEmpty: 'application/vnd.oci.empty.v1+json',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerConfig: 'application/vnd.docker.container.image.v1+json',
  DockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  DockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

export const INDEX_TYPES: readonly string[] = [MediaType.OciIndex, MediaType.DockerManifestList];
export const IMAGE_MANIFEST_TYPES: readonly string[] = [MediaType.OciManifest, MediaType.DockerManifest];
export const MANIFEST_TYPES: readonly string[] = [...IMAGE_MANIFEST_TYPES, ...INDEX_TYPES];

/** The Accept header a registry needs to answer with any kind of manifest. */
export const MANIFEST_ACCEPT = MANIFEST_TYPES.join(', ');

export function isIndex(mediaType: string): boolean {
  return INDEX_TYPES.includes(mediaType);
}

export function isImageManifest(mediaType: string): boolean {
  return IMAGE_MANIFEST_TYPES.includes(mediaType);
}

const IMAGE_CONFIG_TYPES: readonly string[] = [MediaType.OciConfig, MediaType.DockerConfig];

/** An image's config (OCI or Docker): the JSON that names its platform, entrypoint and history. */
export function isImageConfig(mediaType: string): boolean {
  return IMAGE_CONFIG_TYPES.includes(mediaType);
}

/** Manifests are fetched and parsed by the engine; everything else is an opaque blob streamed through. */
export function isManifest(mediaType: string): boolean {
  return MANIFEST_TYPES.includes(mediaType);
}

/** Refuse larger manifests, as oras-go, skopeo and regclient do: a manifest is read whole into memory. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
