import type { Descriptor } from '../../oci/descriptor.js';
import { digestOf, parseDigest } from '../../oci/digest.js';
import { NotFoundError } from '../../oci/errors.js';
import { parseIndex, parseJson, type ImageIndex } from '../../oci/manifest.js';
import { isImageManifest, isIndex, MediaType } from '../../oci/media-types.js';
import { pullScope } from './auth.js';
import { during, type RegistryClient } from './client.js';
import { discard, header, readBody } from './http.js';
import type { Manifests } from './manifests.js';

/** The tag the referrers tag schema keeps an index under: `sha256-<hex>`. */
export function referrersTag(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `${algorithm}-${hex}`;
}

/**
 * What refers to `subject`: the referrers API when the registry has it, else the index kept under
 * the tag schema (distribution 2.8 answers the API with a plain-text 404).
 */
export async function listReferrers(
  client: RegistryClient,
  manifests: Manifests,
  repository: string,
  subject: Descriptor,
  artifactType?: string,
): Promise<Descriptor[]> {
  const op = `listing referrers of ${subject.digest} in ${client.registry}/${repository}`;
  return during(op, async () => {
    const url = client.url(`/v2/${repository}/referrers/${subject.digest}`);
    if (artifactType) url.searchParams.set('artifactType', artifactType);
    const res = await client.send({ method: 'GET', url, headers: { accept: MediaType.OciIndex } }, [pullScope(repository)]);
    const type = header(res, 'content-type')?.split(';')[0].trim();
    let list: Descriptor[];
    if (res.status === 200 && type === MediaType.OciIndex) {
      list = parseIndex(await readBody(res, 4 * 1024 * 1024), `referrers of ${subject.digest}`).manifests;
    } else if (res.status === 404 || res.status === 200 || res.status === 405 || res.status === 400) {
      await discard(res);
      try {
        const { bytes } = await manifests.get(referrersTag(subject.digest), op);
        list = parseIndex(bytes, `referrers index of ${subject.digest}`).manifests;
      } catch (err) {
        if (err instanceof NotFoundError) return [];
        throw err;
      }
    } else {
      return client.fail(res, op);
    }
    return artifactType ? list.filter((d) => d.artifactType === artifactType) : list;
  });
}

/** A pushed manifest that refers to a subject, and the descriptor its subject's referrers list gives it. */
export interface Referrer {
  subject: Descriptor;
  descriptor: Descriptor;
}

/**
 * The subject and referrers-list descriptor of a manifest or index that has a `subject`: its
 * `artifactType`, else (for an image manifest) its config's media type, and its annotations.
 */
export function referrerOf(desc: Descriptor, bytes: Uint8Array): Referrer | undefined {
  if (!isImageManifest(desc.mediaType) && !isIndex(desc.mediaType)) return undefined;
  let doc: { subject?: Descriptor; artifactType?: unknown; config?: { mediaType?: unknown }; annotations?: unknown };
  try {
    doc = parseJson(bytes, `manifest ${desc.digest}`);
  } catch {
    return undefined;
  }
  const subject = doc?.subject;
  if (!subject || typeof subject.digest !== 'string' || typeof subject.mediaType !== 'string') return undefined;
  const artifactType =
    typeof doc.artifactType === 'string' ? doc.artifactType : typeof doc.config?.mediaType === 'string' && isImageManifest(desc.mediaType) ? doc.config.mediaType : undefined;
  const annotations = doc.annotations && typeof doc.annotations === 'object' && Object.keys(doc.annotations).length ? (doc.annotations as Record<string, string>) : undefined;
  return {
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    descriptor: {
      mediaType: desc.mediaType,
      digest: desc.digest,
      size: desc.size,
      ...(artifactType ? { artifactType } : {}),
      ...(annotations ? { annotations } : {}),
    },
  };
}

/** Updates in flight per `host/repository@subject`: one at a time, so none loses another's entry. */
const pending = new Map<string, Promise<void>>();

/**
 * Adds `referrer` to the index kept under the subject's `sha256-<hex>` tag (the referrers tag
 * schema), creating it when missing and keeping every entry already there. Updates for one subject
 * are made one after another within the process: read, merge, write.
 */
export function keepReferrersIndex(manifests: Manifests, subject: Descriptor, referrer: Descriptor): Promise<void> {
  const key = `${manifests.where}@${subject.digest}`;
  const previous = pending.get(key) ?? Promise.resolve();
  const update = previous.then(() => mergeIntoReferrersIndex(manifests, subject, referrer));
  const settled = update.catch(() => {});
  pending.set(key, settled);
  void settled.then(() => {
    if (pending.get(key) === settled) pending.delete(key);
  });
  return update;
}

async function mergeIntoReferrersIndex(manifests: Manifests, subject: Descriptor, referrer: Descriptor): Promise<void> {
  const tag = referrersTag(subject.digest);
  const op = `updating the referrers index ${manifests.where}:${tag} of ${subject.digest}`;
  let index: ImageIndex;
  try {
    index = parseIndex((await manifests.get(tag, op)).bytes, `referrers index ${manifests.where}:${tag}`);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    index = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] };
  }
  if (index.manifests.some((d) => d.digest === referrer.digest)) return;
  const merged: ImageIndex = { ...index, mediaType: MediaType.OciIndex, manifests: [...index.manifests, referrer] };
  const bytes = Buffer.from(JSON.stringify(merged));
  await manifests.put({ mediaType: MediaType.OciIndex, digest: digestOf(bytes), size: bytes.length }, tag, bytes, op);
}
