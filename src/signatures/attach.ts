import { Readable } from 'node:stream';
import { readManifest } from '../copy/read-manifest.js';
import type { Descriptor } from '../oci/descriptor.js';
import { plainDescriptor } from '../oci/descriptor.js';
import { digestOf } from '../oci/digest.js';
import { NotFoundError } from '../oci/errors.js';
import { parseImageManifest } from '../oci/manifest.js';
import { isImageManifest, MediaType } from '../oci/media-types.js';
import { cosignTags } from '../oci/referrer-kinds.js';
import { isTaggingPusher, isTagReader, type Target } from '../targets/target.js';
import { BUNDLE_V03, COSIGN_SIGNATURE_ANNOTATION, SIMPLE_SIGNING } from './constants.js';

/** Stores `bytes` unless the target holds them already; our own bytes, so their digest is theirs. */
async function pushBytes(dst: Target, mediaType: string, bytes: Buffer, signal?: AbortSignal): Promise<Descriptor> {
  const desc: Descriptor = { mediaType, digest: digestOf(bytes), size: bytes.length };
  if (!(await dst.exists(desc, signal))) await dst.push(desc, Readable.from([bytes]), signal);
  return desc;
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/**
 * Attaches a Sigstore bundle to `subject` as cosign v3 and GitHub do: an image manifest with
 * `artifactType` `application/vnd.dev.sigstore.bundle.v0.3+json`, the empty config, the bundle as
 * its one layer, `subject` set, and the bundle annotations. Pushed by digest; a registry without
 * the referrers API gets the subject's `sha256-<hex>` index updated (the target does that), a
 * layout lists it in its index.
 */
export async function attachBundle(
  dst: Target,
  subject: Descriptor,
  bundle: Buffer,
  annotations: Record<string, string>,
  signal?: AbortSignal,
): Promise<Descriptor> {
  const config = await pushBytes(dst, MediaType.OciEmpty, Buffer.from('{}'), signal);
  const layer = await pushBytes(dst, BUNDLE_V03, bundle, signal);
  const bytes = json({
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    artifactType: BUNDLE_V03,
    config,
    layers: [layer],
    subject: plainDescriptor(subject),
    annotations,
  });
  const desc: Descriptor = { mediaType: MediaType.OciManifest, digest: digestOf(bytes), size: bytes.length };
  await dst.push(desc, Readable.from([bytes]), signal);
  return { ...desc, artifactType: BUNDLE_V03, annotations };
}

/**
 * Adds a signature layer to cosign's legacy `sha256-<hex>.sig` manifest of `subject` (creating it
 * when missing, keeping every layer already there, as cosign appends): the layer is the
 * simple-signing payload, the signature and certificate ride in its annotations. The config is an
 * image config whose diff_ids list the layers, as cosign's is; the manifest is tagged last.
 */
export async function attachLegacySignature(
  dst: Target,
  subject: Descriptor,
  payload: Buffer,
  annotations: Record<string, string>,
  signal?: AbortSignal,
): Promise<{ manifest: Descriptor; tag: string }> {
  const tag = cosignTags(subject.digest).find((t) => t.kind === 'signature')!.tag;
  const layers = await existingLayers(dst, tag, signal);
  const layer = { ...(await pushBytes(dst, SIMPLE_SIGNING, payload, signal)), annotations };
  // The same payload signed the same way is there already: nothing to add.
  if (
    !layers.some(
      (l) => l.digest === layer.digest && l.annotations?.[COSIGN_SIGNATURE_ANNOTATION] === annotations[COSIGN_SIGNATURE_ANNOTATION],
    )
  )
    layers.push(layer);
  const epoch = '0001-01-01T00:00:00Z';
  const config = await pushBytes(
    dst,
    MediaType.OciConfig,
    json({
      architecture: '',
      created: epoch,
      history: layers.map(() => ({ created: epoch })),
      os: '',
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
      config: {},
    }),
    signal,
  );
  const bytes = json({ schemaVersion: 2, mediaType: MediaType.OciManifest, config, layers });
  const manifest: Descriptor = { mediaType: MediaType.OciManifest, digest: digestOf(bytes), size: bytes.length };
  if (isTaggingPusher(dst)) {
    await dst.pushTagged(manifest, Readable.from([bytes]), tag, signal);
  } else {
    await dst.push(manifest, Readable.from([bytes]), signal);
    await dst.tag(manifest, tag);
  }
  return { manifest, tag };
}

/** The layers of the `.sig` manifest the tag names now; none when there is no such tag. */
async function existingLayers(dst: Target, tag: string, signal?: AbortSignal): Promise<Descriptor[]> {
  let desc: Descriptor | undefined;
  try {
    desc = isTagReader(dst) ? await dst.readTag(tag) : await dst.resolve(tag);
  } catch (err) {
    if (err instanceof NotFoundError) return [];
    throw err;
  }
  if (!desc || !isImageManifest(desc.mediaType)) return [];
  const manifest = parseImageManifest(await readManifest(await dst.fetch(desc, signal), desc), `manifest ${desc.digest} (${tag})`);
  return (manifest.layers ?? []).map((l) => ({
    mediaType: l.mediaType,
    digest: l.digest,
    size: l.size,
    ...(l.annotations ? { annotations: l.annotations } : {}),
  }));
}
