// Registry content as another client would push it (plain HTTP, nothing through the code under
// test): blobs, manifests, referrer artifacts and the referrers tag-schema index.
import assert from 'node:assert/strict';
import { sha } from './blobs.js';
import type { TestRegistry } from './registry.js';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const EMPTY = 'application/vnd.oci.empty.v1+json';
export const SIGNATURE = 'application/vnd.example.signature.v1';
export const SBOM_CONFIG = 'application/vnd.example.sbom.config.v1+json';

export interface Desc {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export function describeBytes(bytes: Buffer, mediaType: string): Desc {
  return { mediaType, digest: sha(bytes), size: bytes.length };
}

/** Plain HTTP pushes, as another client would make them: nothing here goes through the code under test. */
export async function pushBlob(registry: TestRegistry, repo: string, bytes: Buffer, mediaType: string): Promise<Desc> {
  const desc = describeBytes(bytes, mediaType);
  const start = await fetch(`${registry.url}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  assert.equal(start.status, 202, await start.text());
  const location = new URL(start.headers.get('location') ?? '', `${registry.url}/v2/${repo}/blobs/uploads/`);
  location.searchParams.set('digest', desc.digest);
  const put = await fetch(location, { method: 'PUT', headers: { 'Content-Type': 'application/octet-stream' }, body: bytes });
  assert.equal(put.status, 201, await put.text());
  return desc;
}

export async function putManifest(registry: TestRegistry, repo: string, reference: string, doc: unknown, mediaType: string): Promise<Desc> {
  const bytes = Buffer.from(JSON.stringify(doc));
  const res = await fetch(`${registry.url}/v2/${repo}/manifests/${reference}`, {
    method: 'PUT',
    headers: { 'Content-Type': mediaType },
    body: bytes,
  });
  assert.equal(res.status, 201, await res.text());
  return describeBytes(bytes, mediaType);
}

export async function getManifest(
  registry: TestRegistry,
  repo: string,
  reference: string,
): Promise<{ status: number; doc?: { manifests: Desc[] } & Record<string, unknown> }> {
  const res = await fetch(`${registry.url}/v2/${repo}/manifests/${reference}`, {
    headers: { Accept: [OCI_INDEX, OCI_MANIFEST].join(', ') },
  });
  if (res.status !== 200) {
    await res.arrayBuffer();
    return { status: res.status };
  }
  return { status: 200, doc: (await res.json()) as { manifests: Desc[] } };
}

export const fallbackTag = (digest: string) => digest.replace(':', '-');

/**
 * A referrer artifact pushed by digest: `artifactType` when given, else the config's media type
 * stands for it (as the OCI distribution spec says a registry should list it).
 */
export async function pushReferrer(
  registry: TestRegistry,
  repo: string,
  subject: Desc,
  options: { artifactType?: string; configType?: string; payload: string; annotations?: Record<string, string> },
): Promise<Desc> {
  const config = options.configType
    ? await pushBlob(registry, repo, Buffer.from(JSON.stringify({ kind: options.payload })), options.configType)
    : await pushBlob(registry, repo, Buffer.from('{}'), EMPTY);
  const layer = await pushBlob(registry, repo, Buffer.from(options.payload), 'application/octet-stream');
  const doc = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    ...(options.artifactType ? { artifactType: options.artifactType } : {}),
    config,
    layers: [layer],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    ...(options.annotations ? { annotations: options.annotations } : {}),
  };
  const desc = describeBytes(Buffer.from(JSON.stringify(doc)), OCI_MANIFEST);
  await putManifest(registry, repo, desc.digest, doc, OCI_MANIFEST);
  return {
    ...desc,
    artifactType: options.artifactType ?? options.configType,
    ...(options.annotations ? { annotations: options.annotations } : {}),
  };
}

/** The subject's `sha256-<hex>` index, as the tag schema has a pushing client write it. */
export async function writeFallbackIndex(registry: TestRegistry, repo: string, subject: Desc, referrers: Desc[]): Promise<void> {
  await putManifest(
    registry,
    repo,
    fallbackTag(subject.digest),
    { schemaVersion: 2, mediaType: OCI_INDEX, manifests: referrers },
    OCI_INDEX,
  );
}

/** What cosign before v3 attaches under `sha256-<hex>.<suffix>`, by suffix: the layer's media type. */
const COSIGN_LAYER_TYPES = {
  sig: 'application/vnd.dev.cosign.simplesigning.v1+json',
  att: 'application/vnd.dsse.envelope.v1+json',
  sbom: 'text/spdx+json',
} as const;

export const cosignTag = (subject: Desc, suffix: keyof typeof COSIGN_LAYER_TYPES) => `${fallbackTag(subject.digest)}.${suffix}`;

/**
 * A cosign v2 attachment as cosign pushes it: an image manifest with no `subject` and no
 * `artifactType`, tagged `sha256-<hex of the subject>.sig` (`.att`, `.sbom`) in the subject's
 * repository; its config is an empty image config, its layer the payload with cosign's annotations.
 */
export async function pushCosignAttachment(
  registry: TestRegistry,
  repo: string,
  subject: Desc,
  suffix: keyof typeof COSIGN_LAYER_TYPES,
  payload: string,
): Promise<Desc> {
  const layerBytes = Buffer.from(payload);
  const diffId = describeBytes(layerBytes, '').digest;
  const config = await pushBlob(
    registry,
    repo,
    Buffer.from(
      JSON.stringify({
        architecture: '',
        created: '0001-01-01T00:00:00Z',
        os: '',
        rootfs: { type: 'layers', diff_ids: [diffId] },
        config: {},
      }),
    ),
    'application/vnd.oci.image.config.v1+json',
  );
  const layer = await pushBlob(registry, repo, layerBytes, COSIGN_LAYER_TYPES[suffix]);
  const annotations: Record<string, string> =
    suffix === 'sig'
      ? { 'dev.cosignproject.cosign/signature': 'MEUCIQDexampleexampleexample=' }
      : suffix === 'att'
        ? { predicateType: 'https://slsa.dev/provenance/v1' }
        : {};
  const doc = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config,
    layers: [{ ...layer, ...(Object.keys(annotations).length ? { annotations } : {}) }],
  };
  return putManifest(registry, repo, cosignTag(subject, suffix), doc, OCI_MANIFEST);
}
