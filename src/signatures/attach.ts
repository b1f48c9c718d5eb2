import { Readable } from 'node:stream';
import { readManifest } from '../copy/read-manifest.js';
import type { Descriptor } from '../oci/descriptor.js';
import { plainDescriptor } from '../oci/descriptor.js';
import { digestOf } from '../oci/digest.js';
import { NotFoundError, OciCopyError } from '../oci/errors.js';
import { parseImageManifest } from '../oci/manifest.js';
import { isImageManifest, MediaType } from '../oci/media-types.js';
import { cosignTags } from '../oci/referrer-kinds.js';
import { appendToSharedList } from '../targets/shared-list.js';
import { isLocated, isTaggingPusher, isTagReader, type Target } from '../targets/target.js';
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
 * image config whose diff_ids list the layers, as cosign's is; the manifest is tagged last. Several
 * signers appending at once would drop each other's layers: the tag is read back after the write
 * and merged again until it holds every layer (`merges` says how often that was needed).
 */
export async function attachLegacySignature(
  dst: Target,
  subject: Descriptor,
  payload: Buffer,
  annotations: Record<string, string>,
  signal?: AbortSignal,
): Promise<{ manifest: Descriptor; tag: string; merges: number }> {
  const tag = cosignTags(subject.digest).find((t) => t.kind === 'signature')!.tag;
  const layer = { ...(await pushBytes(dst, SIMPLE_SIGNING, payload, signal)), annotations };
  // The same payload signed the same way is one layer.
  const key = (l: Descriptor) => `${l.digest} ${l.annotations?.[COSIGN_SIGNATURE_ANNOTATION] ?? ''}`;
  let manifest: Descriptor | undefined;
  const update = await appendToSharedList<Descriptor>(
    {
      key,
      read: async () => {
        const found = await existingLayers(dst, tag, signal);
        // What the tag names when our layer is there already: the manifest that holds it.
        if (found.layers.some((l) => key(l) === key(layer))) manifest = found.manifest;
        return found.layers;
      },
      write: async (layers) => {
        manifest = await writeSignatureManifest(dst, tag, layers, signal);
      },
      lost: (missing, rounds) =>
        new OciCopyError(
          `attaching a signature to ${subject.digest} as ${tag} in ${dst.description}: other signers kept dropping layers from it (${missing} missing after ${rounds} writes); sign again to add them`,
        ),
      signal,
      // A layout or archive is written by this process alone.
      alone: !isLocated(dst),
    },
    [layer],
  );
  return { manifest: manifest!, tag, merges: update.merges };
}

/** Writes the `.sig` manifest of `layers` (its config first) and tags it. */
async function writeSignatureManifest(dst: Target, tag: string, layers: Descriptor[], signal?: AbortSignal): Promise<Descriptor> {
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
  return manifest;
}

/** The `.sig` manifest the tag names now and its layers; none when there is no such tag. */
async function existingLayers(dst: Target, tag: string, signal?: AbortSignal): Promise<{ manifest?: Descriptor; layers: Descriptor[] }> {
  let desc: Descriptor | undefined;
  try {
    desc = isTagReader(dst) ? await dst.readTag(tag) : await dst.resolve(tag);
  } catch (err) {
    if (err instanceof NotFoundError) return { layers: [] };
    throw err;
  }
  if (!desc || !isImageManifest(desc.mediaType)) return { layers: [] };
  const manifest = parseImageManifest(await readManifest(await dst.fetch(desc, signal), desc), `manifest ${desc.digest} (${tag})`);
  const layers = (manifest.layers ?? []).map((l) => ({
    mediaType: l.mediaType,
    digest: l.digest,
    size: l.size,
    ...(l.annotations ? { annotations: l.annotations } : {}),
  }));
  return { manifest: desc, layers };
}
