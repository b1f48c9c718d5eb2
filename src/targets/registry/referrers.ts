import type { Descriptor } from '../../oci/descriptor.js';
import { digestOf } from '../../oci/digest.js';
import { NotFoundError } from '../../oci/errors.js';
import { parseIndex, type ImageIndex } from '../../oci/manifest.js';
import { MediaType } from '../../oci/media-types.js';
import { pullScope } from './auth.js';
import { during, type RegistryClient } from './client.js';
import { discard, header, readBody } from './http.js';
import type { Manifests } from './manifests.js';
import { referrersTag } from '../../oci/referrers.js';
import { appendToSharedList, type SharedListWrite } from '../shared-list.js';
import { RegistryError } from './errors.js';

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

/** Updates in flight per `host/repository@subject`: one at a time within the process. */
const pending = new Map<string, Promise<unknown>>();

/** What keeping the index took: whether it was written, and how often another writer's write had to be merged. */
export type ReferrersIndexUpdate = SharedListWrite;

/**
 * Adds `referrer` to the index kept under the subject's `sha256-<hex>` tag (the referrers tag
 * schema), creating it when missing and keeping every entry already there. Updates for one subject
 * are made one after another within the process; against writers in other processes the index is
 * read back after the write and merged again until it lists everything (see `appendToSharedList`).
 */
export function keepReferrersIndex(manifests: Manifests, subject: Descriptor, referrer: Descriptor): Promise<ReferrersIndexUpdate> {
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

async function mergeIntoReferrersIndex(manifests: Manifests, subject: Descriptor, referrer: Descriptor): Promise<ReferrersIndexUpdate> {
  const tag = referrersTag(subject.digest);
  const op = `updating the referrers index ${manifests.where}:${tag} of ${subject.digest}`;
  // The index as last read: its other fields (annotations) are kept on every write.
  let index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] };
  return appendToSharedList<Descriptor>(
    {
      key: (d) => d.digest,
      read: async () => {
        try {
          index = parseIndex((await manifests.get(tag, op)).bytes, `referrers index ${manifests.where}:${tag}`);
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
          index = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] };
        }
        return index.manifests;
      },
      write: async (entries) => {
        const merged: ImageIndex = { ...index, mediaType: MediaType.OciIndex, manifests: entries };
        const bytes = Buffer.from(JSON.stringify(merged));
        await manifests.put({ mediaType: MediaType.OciIndex, digest: digestOf(bytes), size: bytes.length }, tag, bytes, op);
      },
      lost: (missing, rounds) =>
        new RegistryError(
          `${op}: other writers kept dropping entries from the index (${missing} missing after ${rounds} writes); run the copy again to add them`,
        ),
    },
    [referrer],
  );
}

/** The line that says an index had to be merged again, or undefined when it did not. */
export function referrersMergeLine(where: string, subject: Descriptor, update: ReferrersIndexUpdate): string | undefined {
  if (update.merges === 0) return undefined;
  const times = update.merges === 1 ? 'once' : `${update.merges} times`;
  return `the referrers index ${where}:${referrersTag(subject.digest)} of ${subject.digest} lost entries to another writer at the same time: merged and written again (${times}); it lists all ${update.entries}`;
}
