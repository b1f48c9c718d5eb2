import { Readable } from 'node:stream';
import type { Descriptor } from '../../oci/descriptor.js';
import { digestOf, digestProblem, isDigest, parseDigest, verifyBytes } from '../../oci/digest.js';
import { ContentError, NotFoundError, registryErrorCode } from '../../oci/errors.js';
import { isManifest, MANIFEST_ACCEPT, MAX_MANIFEST_BYTES } from '../../oci/media-types.js';
import { pullScope, pushScope } from './auth.js';
import { during, type RegistryClient } from './client.js';
import { refuseOtherBytes, refuseOtherDigest } from './answered-digest.js';
import { BrokenAnswerError, RegistryError } from './errors.js';
import { discard, header, readBody, type HttpResponse } from './http.js';
import { referrerOf } from '../../oci/referrers.js';
import { keepReferrersIndex, referrersMergeLine } from './referrers.js';
import { printable, quoted } from '../../oci/text.js';
import { pause, throwIfAborted } from '../../cancel/index.js';
import { parseBoundedJson } from '../../oci/json.js';

const CACHE_ENTRIES = 64;
/** Manifests are small; a few large ones (up to 4 MiB each) must not add up to much memory. */
const CACHE_BYTES = 16 * 1024 * 1024;
/** Tries of a manifest PUT the registry answers with DIGEST_INVALID for bytes known to be right (see `put`). */
const MISREAD_TRIES = 5;

/** One repository's manifest endpoints, with the bytes of recent manifests kept for tagging. */
export class Manifests {
  private readonly recent = new Map<string, { mediaType: string; bytes: Buffer }>();
  private recentBytes = 0;
  /** Lines a push has to say (a referrers index merged again), by the pushed manifest's digest, until taken. */
  private readonly notes = new Map<string, string[]>();

  constructor(
    private readonly client: RegistryClient,
    private readonly repository: string,
  ) {}

  private get place(): string {
    return `${this.client.registry}/${this.repository}`;
  }

  private url(reference: string): URL {
    return this.client.url(`/v2/${this.repository}/manifests/${reference}`);
  }

  private named(reference: string): string {
    return `${this.place}${isDigest(reference) ? '@' : ':'}${reference}`;
  }

  /**
   * The manifest's descriptor, from a GET rather than a HEAD: the copy needs the bytes next anyway,
   * so the one request saves a round trip, and `fetch` serves the kept, verified bytes.
   */
  async resolve(reference: string): Promise<Descriptor> {
    const op = `resolving ${this.named(reference)}`;
    // A digest whose bytes are kept (a second destination, a tag just read) needs no request.
    const kept = isDigest(reference) ? this.recent.get(reference) : undefined;
    const desc = kept
      ? { mediaType: kept.mediaType, digest: reference, size: kept.bytes.length }
      : await during(op, async () => (await this.get(reference, op)).desc);
    // Anything else would be copied as an opaque blob and tagged: a login page, an error page.
    if (!isManifest(desc.mediaType)) {
      throw new RegistryError(`${op}: the registry answered ${printable(desc.mediaType, 100)}, which is not a manifest media type`);
    }
    return desc;
  }

  async fetch(desc: Descriptor, signal?: AbortSignal): Promise<Readable> {
    const kept = this.recent.get(desc.digest)?.bytes;
    if (kept && kept.length === desc.size) return Readable.from([kept]);
    const op = `fetching manifest ${desc.digest} from ${this.place}`;
    return during(op, async () => Readable.from([(await this.get(desc.digest, op, signal)).bytes]));
  }

  async exists(desc: Descriptor, signal?: AbortSignal): Promise<boolean> {
    const op = `checking manifest ${desc.digest} in ${this.place}`;
    return during(op, async () => {
      const res = await this.client.send({ method: 'HEAD', url: this.url(desc.digest), headers: { accept: MANIFEST_ACCEPT }, signal }, [
        pullScope(this.repository),
      ]);
      if (res.status !== 200 && res.status !== 404) return this.client.fail(res, op);
      await discard(res);
      if (res.status === 200) refuseOtherDigest(desc.digest, res, op);
      return res.status === 200;
    });
  }

  /**
   * What a tag names now, from a HEAD: its digest (`Docker-Content-Digest`), media type and size.
   * A registry that leaves the digest out of a HEAD answer is asked with a GET instead (the digest
   * is then computed from the bytes). Undefined when the tag does not exist. Asked by digest, the
   * answer is that digest: a header naming another is refused (see `refuseOtherDigest`).
   */
  async readTag(tag: string): Promise<Descriptor | undefined> {
    const op = `resolving ${this.named(tag)}`;
    return during(op, async () => {
      const res = await this.client.send({ method: 'HEAD', url: this.url(tag), headers: { accept: MANIFEST_ACCEPT } }, [
        pullScope(this.repository),
      ]);
      if (res.status === 404) {
        await discard(res);
        return undefined;
      }
      if (res.status !== 200) return this.client.fail(res, op);
      await discard(res);
      const said = header(res, 'docker-content-digest');
      if (isDigest(tag)) refuseOtherDigest(tag, res, op);
      // A header in another algorithm cannot be compared: the digest asked for stands.
      const digest = isDigest(tag) && (said === undefined || isDigest(said)) ? tag : said;
      const size = Number(header(res, 'content-length'));
      const type = contentType(res);
      if (digest && isDigest(digest) && type && isManifest(type) && Number.isSafeInteger(size) && size >= 0) {
        return { mediaType: type, digest, size };
      }
      try {
        return (await this.get(tag, op)).desc;
      } catch (err) {
        if (err instanceof NotFoundError) return undefined;
        throw err;
      }
    });
  }

  /**
   * Reads the (verified, ≤ 4 MiB) manifest whole, then PUTs it by digest, or by `reference` (a tag)
   * to store and tag it at once: a buffer can be sent again on a retry.
   */
  async push(desc: Descriptor, content: Readable, reference: string = desc.digest, signal?: AbortSignal): Promise<void> {
    const op = `pushing manifest ${desc.digest} to ${reference === desc.digest ? this.place : this.named(reference)}`;
    if (desc.size > MAX_MANIFEST_BYTES) throw new ContentError(`${op}: manifest is ${desc.size} bytes, over the 4 MiB limit`);
    const chunks: Buffer[] = [];
    for await (const c of content) chunks.push(c as Buffer);
    const bytes = Buffer.concat(chunks);
    verifyBytes(bytes, desc);
    const answered = await this.put(desc, reference, bytes, op, signal);
    this.remember(desc, bytes);
    // A registry with the referrers API says so with OCI-Subject; without it, the pusher keeps the
    // `sha256-<hex>` index of the subject's referrers up to date.
    const referrer = referrerOf(desc, bytes);
    if (referrer && !header(answered, 'oci-subject')) {
      const update = await keepReferrersIndex(this, referrer.subject, referrer.descriptor);
      const line = referrersMergeLine(this.place, referrer.subject, update);
      if (line) this.notes.set(desc.digest, [...(this.notes.get(desc.digest) ?? []), line]);
    }
  }

  /** What the push of `digest` had to say, once: the lines are forgotten as they are taken. */
  takeNotes(digest: string): string[] {
    const lines = this.notes.get(digest) ?? [];
    this.notes.delete(digest);
    return lines;
  }

  /** Points a tag at a manifest already in the repository; a digest reference needs nothing. */
  async tag(desc: Descriptor, reference: string): Promise<void> {
    if (isDigest(reference)) return;
    const op = `tagging ${desc.digest} as ${this.named(reference)}`;
    await during(op, async () => {
      let bytes = this.recent.get(desc.digest)?.bytes;
      if (!bytes) {
        bytes = (await this.get(desc.digest, op)).bytes;
        verifyBytes(bytes, desc);
      }
      await this.put(desc, reference, bytes, op);
    });
  }

  /**
   * PUTs manifest bytes under a tag or digest; the answer's headers are kept (OCI-Subject). Every
   * caller checked the bytes against their digest, so DIGEST_INVALID is the registry misreading its
   * own storage: distribution's filesystem driver rewrites a link file by truncating, then writing,
   * and a manifest PUT that reads the link of a child (a signature layer, a merged index's config)
   * another writer is rewriting at that moment finds it empty. A moment later it reads whole.
   */
  async put(desc: Descriptor, reference: string, bytes: Buffer, op: string, signal?: AbortSignal): Promise<Pick<HttpResponse, 'headers'>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.putOnce(desc, reference, bytes, op, signal);
      } catch (err) {
        if (registryErrorCode(err) !== 'DIGEST_INVALID' || attempt >= MISREAD_TRIES) throw err;
        await pause(50 * 2 ** attempt + Math.random() * 100, signal);
      }
    }
  }

  private async putOnce(
    desc: Descriptor,
    reference: string,
    bytes: Buffer,
    op: string,
    signal?: AbortSignal,
  ): Promise<Pick<HttpResponse, 'headers'>> {
    return during(op, async () => {
      const res = await this.client.send(
        { method: 'PUT', url: this.url(reference), headers: { 'content-type': desc.mediaType }, body: bytes, signal },
        [pushScope(this.repository)],
      );
      if (res.status === 201 || res.status === 200) {
        await discard(res);
        return { headers: res.headers };
      }
      return this.client.fail(res, op);
    });
  }

  /** `host/repository`, for messages. */
  get where(): string {
    return this.place;
  }

  /**
   * GETs a manifest whole, with its digest: for a tag the registry's word, which must be the digest
   * of the bytes it sent; for a digest that digest, which the bytes must have (else it is refused).
   * The transport retries only up to the headers; a body that broke off after them is asked again.
   */
  async get(reference: string, op: string, signal?: AbortSignal): Promise<{ desc: Descriptor; bytes: Buffer }> {
    const http = this.client.http;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.getOnce(reference, op, signal);
      } catch (err) {
        // A body cut by cancellation is not a broken answer worth asking again.
        throwIfAborted(signal);
        if (!(err instanceof BrokenAnswerError) || attempt + 1 >= http.retry.maxTries) throw err;
        await pause(http.retryDelay(attempt), signal);
      }
    }
  }

  private async getOnce(reference: string, op: string, signal?: AbortSignal): Promise<{ desc: Descriptor; bytes: Buffer }> {
    const res: HttpResponse = await this.client.send(
      { method: 'GET', url: this.url(reference), headers: { accept: MANIFEST_ACCEPT }, signal },
      [pullScope(this.repository)],
    );
    if (res.status === 404) {
      await discard(res);
      throw new NotFoundError(`${this.named(reference)} not found`);
    }
    if (res.status !== 200) return this.client.fail(res, op);
    const declared = Number(header(res, 'content-length'));
    if (declared > MAX_MANIFEST_BYTES) {
      await discard(res);
      throw new ContentError(`${op}: manifest is ${declared} bytes, over the 4 MiB limit`);
    }
    const said = header(res, 'docker-content-digest');
    const saidProblem = said === undefined ? undefined : digestProblem(said);
    if (saidProblem) {
      await discard(res);
      throw new RegistryError(`${op}: the registry's Docker-Content-Digest header ${quoted(said, 80)} ${saidProblem}`);
    }
    if (isDigest(reference)) {
      try {
        refuseOtherDigest(reference, res, op);
      } catch (err) {
        await discard(res);
        throw err;
      }
    }
    const bytes = await readBody(res, MAX_MANIFEST_BYTES);
    const named = isDigest(reference) ? reference : said;
    const computed = digestOf(bytes, named ? parseDigest(named).algorithm : 'sha256');
    // By digest, the bytes must be what was asked for; by tag, the registry's word is the digest,
    // and it must be the digest of what it sent.
    if (isDigest(reference)) refuseOtherBytes(reference, computed, op);
    else if (said !== undefined && said !== computed) {
      throw new RegistryError(
        `${op}: the registry's Docker-Content-Digest ${said} is not the digest of the manifest it sent (${computed})`,
      );
    }
    const digest = named ?? computed;
    const declaredType = contentType(res);
    const mediaType =
      (declaredType && isManifest(declaredType) ? declaredType : (mediaTypeField(bytes) ?? declaredType)) ?? 'application/octet-stream';
    const desc = { mediaType, digest, size: bytes.length };
    this.remember(desc, bytes);
    return { desc, bytes };
  }

  private remember(desc: Descriptor, bytes: Buffer): void {
    this.forget(desc.digest);
    this.recent.set(desc.digest, { mediaType: desc.mediaType, bytes });
    this.recentBytes += bytes.length;
    while (this.recent.size > CACHE_ENTRIES || (this.recentBytes > CACHE_BYTES && this.recent.size > 1)) {
      this.forget(this.recent.keys().next().value as string);
    }
  }

  private forget(digest: string): void {
    const kept = this.recent.get(digest);
    if (!kept) return;
    this.recent.delete(digest);
    this.recentBytes -= kept.bytes.length;
  }
}

function contentType(res: HttpResponse): string | undefined {
  return header(res, 'content-type')?.split(';')[0].trim() || undefined;
}

function mediaTypeField(bytes: Buffer): string | undefined {
  try {
    const m = (parseBoundedJson(bytes.toString('utf8')) as { mediaType?: unknown } | null)?.mediaType;
    return typeof m === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
}
