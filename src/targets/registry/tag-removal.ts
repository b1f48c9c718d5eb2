import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Descriptor } from '../../oci/descriptor.js';
import { digestOf } from '../../oci/digest.js';
import { messageOf, TagRemovalRefusedError } from '../../oci/errors.js';
import { MediaType } from '../../oci/media-types.js';
import { DOCKER_HUB } from '../../oci/reference.js';
import { quoted } from '../../oci/text.js';
import type { RemoveTagOptions, TagRemoval } from '../target.js';
import { deleteScope } from './auth.js';
import type { Blobs } from './blobs.js';
import { during, type RegistryClient } from './client.js';
import { isRetryableStatus, registryErrorDetail, RegistryError, statusLine } from './errors.js';
import { discard, readBody, type HttpResponse } from './http.js';
import type { Manifests } from './manifests.js';

/*
 * What the distribution API allows (distribution-spec 1.1; CNCF distribution 2.8, checked):
 * - `DELETE /v2/NAME/manifests/DIGEST` deletes the manifest, and with it EVERY tag that names it,
 *   when the registry allows deletes at all (distribution: `storage.delete.enabled`; without it
 *   every DELETE answers 405 UNSUPPORTED). An unknown digest answers 404 MANIFEST_UNKNOWN.
 * - `DELETE /v2/NAME/manifests/TAG` is in the spec since 1.1, but most registries refuse it
 *   (distribution 2.8: 400 DIGEST_INVALID); GHCR answers 405 to deletes (versions go through the
 *   GitHub API), Docker Hub deletes only through its Hub API, ECR answers 404, ACR refuses by tag.
 * So deleting the digest a tag names is never a way to remove that tag: the other tags naming the
 * same manifest would go with it.
 *
 * What regctl does (regclient, scheme/reg/tag.go, `TagDelete`): it tries the DELETE by tag, then
 * points the tag at a throwaway manifest of its own (unique by a label with the tag and the time)
 * and deletes that manifest's digest: only the tag goes, and the manifest it named stays for the
 * other tags. The same is done here, with three differences:
 * - no DELETE by tag first: a registry that read it as "delete the manifest this tag names" would
 *   take the other tags along, and nothing tells the two readings apart beforehand;
 * - before any tag is touched, one DELETE of a digest that exists nowhere asks whether the registry
 *   deletes at all (404: it does; 405 UNSUPPORTED or a refusal: it does not), so a registry that
 *   refuses is never left with a tag pointing at the throwaway;
 * - when the DELETE of the throwaway fails all the same, the tag is pointed back at the manifest it
 *   named, so it is as it was.
 * The throwaway is unique by its annotations; its two blobs (an image config and a 2-byte layer)
 * are the same every time, pushed once per repository.
 */

/** The 2-byte `{}` blob, the layer of every throwaway (as regctl's). */
const EMPTY_BYTES = Buffer.from('{}');
const EMPTY: Descriptor = { mediaType: MediaType.OciLayer, digest: digestOf(EMPTY_BYTES), size: EMPTY_BYTES.length };

const CONFIG_BYTES = Buffer.from(
  JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Labels: { 'dev.oci-copy.placeholder': 'points a tag at nothing worth keeping while oci-copy removes the tag' } },
    rootfs: { type: 'layers', diff_ids: [EMPTY.digest] },
  }),
);
const CONFIG: Descriptor = { mediaType: MediaType.OciConfig, digest: digestOf(CONFIG_BYTES), size: CONFIG_BYTES.length };

/** A manifest no one else has: the tag points at it for a moment, then its digest is deleted. */
export function throwawayManifest(tag: string, nonce: string = randomBytes(16).toString('hex')): { desc: Descriptor; bytes: Buffer } {
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: CONFIG,
      layers: [EMPTY],
      annotations: { 'dev.oci-copy.removing-tag': tag, 'dev.oci-copy.nonce': `${new Date().toISOString()} ${nonce}` },
    }),
  );
  return { desc: { mediaType: MediaType.OciManifest, digest: digestOf(bytes), size: bytes.length }, bytes };
}

/** Removes single tags from one repository, the regctl way (see above). */
export class RegistryTagRemover {
  /** Whether the registry deletes at all, asked once per repository. */
  private deletes?: Promise<void>;
  /** The throwaway's blobs, pushed once per repository. */
  private blobsIn?: Promise<void>;

  constructor(
    private readonly client: RegistryClient,
    private readonly repository: string,
    private readonly manifests: Manifests,
    private readonly blobs: Blobs,
  ) {}

  private get place(): string {
    return `${this.client.registry}/${this.repository}`;
  }

  async removeTag(tag: string, options: RemoveTagOptions = {}): Promise<TagRemoval> {
    const host = this.client.registry;
    const known = NO_DELETES.get(host);
    if (known) throw this.refused(undefined, undefined, known);
    const current = await this.manifests.readTag(tag);
    if (!current) return 'absent';
    if (options.expected !== undefined && current.digest !== options.expected) return 'moved';
    this.deletes ??= forgetOnFailure(this.checkDeletes(), () => (this.deletes = undefined));
    await this.deletes;
    this.blobsIn ??= forgetOnFailure(this.pushBlobs(), () => (this.blobsIn = undefined));
    await this.blobsIn;
    const op = `removing tag ${quoted(tag)} from ${this.place}`;
    const placeholder = throwawayManifest(tag);
    await this.manifests.put(placeholder.desc, tag, placeholder.bytes, op, options.signal);
    let failure: Error;
    try {
      const res = await this.deleteManifest(placeholder.desc.digest, op, options.signal);
      if (res.status === 202 || res.status === 200) {
        await discard(res);
        return 'removed';
      }
      // A retried DELETE whose first try went through finds nothing the second time.
      if (res.status === 404 && res.tries > 1 && (await this.manifests.readTag(tag)) === undefined) {
        await discard(res);
        return 'removed';
      }
      // A manifest just stored that the registry will not delete: it does not delete through this API.
      failure = await this.refusal(res, op);
    } catch (err) {
      failure = err as Error;
    }
    await this.restore(tag, current, placeholder.desc, op);
    throw failure;
  }

  /** A DELETE of a digest that exists nowhere: 404 says the registry deletes; a refusal says it does not. */
  private async checkDeletes(): Promise<void> {
    const nowhere = `sha256:${randomBytes(32).toString('hex')}`;
    const op = `asking whether ${this.place} deletes manifests`;
    const res = await this.deleteManifest(nowhere, op);
    if (res.status === 404 || res.status === 202 || res.status === 200) {
      const detail = await errorDetail(res);
      if (detail.code === 'UNSUPPORTED') throw this.refused(res.status, detail.code, detail.text);
      return;
    }
    throw await this.refusal(res, op);
  }

  private async pushBlobs(): Promise<void> {
    for (const [desc, bytes] of [
      [EMPTY, EMPTY_BYTES],
      [CONFIG, CONFIG_BYTES],
    ] as const) {
      if (!(await this.blobs.exists(desc))) await this.blobs.push(desc, Readable.from([bytes]));
    }
  }

  private deleteManifest(digest: string, op: string, signal?: AbortSignal): Promise<HttpResponse> {
    return during(op, () =>
      this.client.send({ method: 'DELETE', url: this.client.url(`/v2/${this.repository}/manifests/${digest}`), signal }, [
        deleteScope(this.repository),
      ]),
    );
  }

  /**
   * The error an answer to a DELETE is: a registry that does not delete (405, UNSUPPORTED, a 404
   * for a manifest it holds), credentials that may not (401, 403), or a failure like any other (a
   * 503 after its retries).
   */
  private async refusal(res: HttpResponse, op: string): Promise<Error> {
    const detail = await errorDetail(res);
    if (res.status === 405 || res.status === 404 || res.status === 401 || res.status === 403 || detail.code === 'UNSUPPORTED') {
      return this.refused(res.status, detail.code, detail.text);
    }
    const after = res.tries > 1 ? ` after ${res.tries} tries` : '';
    return new RegistryError(
      `${op}: ${statusLine(res.status)}${after}${detail.text ? ` (${detail.text})` : ''}`,
      isRetryableStatus(res.status),
      res.status,
      detail.code,
    );
  }

  private refused(status: number | undefined, code: string | undefined, why: string | undefined): TagRemovalRefusedError {
    const host = this.client.registry;
    const place = `[registry] ${this.place}`;
    const answer = status === undefined ? why : `${status}${code ? ` ${code}` : ''}`;
    if (status === 401 || status === 403) {
      return new TagRemovalRefusedError(
        `registry ${host} does not let these credentials delete in ${this.repository} (${answer}): prune skipped; give credentials with the delete permission`,
        place,
        status,
      );
    }
    return new TagRemovalRefusedError(
      `registry ${host} does not allow deleting tags through the registry API (${answer}): prune skipped`,
      place,
      status,
    );
  }

  /** Points `tag` back at what it named, after the throwaway could not be deleted. */
  private async restore(tag: string, was: Descriptor, placeholder: Descriptor, op: string): Promise<void> {
    try {
      const { bytes } = await this.manifests.get(was.digest, op);
      await this.manifests.put(was, tag, bytes, op);
    } catch (err) {
      throw new RegistryError(
        `${op}: the placeholder ${placeholder.digest} could not be deleted, nor the tag pointed back at ${was.digest} (${messageOf(err)}): point it back by hand`,
      );
    }
  }
}

/** Registries known to delete only through an API of their own: no request is made to learn it again. */
const NO_DELETES = new Map<string, string>([
  ['ghcr.io', 'GHCR deletes package versions only through the GitHub API'],
  [DOCKER_HUB, 'Docker Hub deletes tags only through its Hub API'],
]);

/** The registry's error code and message; the body is read (and so done with). */
async function errorDetail(res: HttpResponse): Promise<{ code?: string; text?: string }> {
  return registryErrorDetail((await readBody(res, 64 * 1024).catch(() => Buffer.alloc(0))).toString('utf8'));
}

/** A promise whose failure, when it is not a refusal, lets the next caller ask again. */
function forgetOnFailure(work: Promise<void>, forget: () => void): Promise<void> {
  return work.catch((err: unknown) => {
    if (!(err instanceof TagRemovalRefusedError)) forget();
    throw err;
  });
}
