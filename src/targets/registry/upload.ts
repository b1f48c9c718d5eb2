import { Readable, Transform } from 'node:stream';
import { pause } from '../../cancel/index.js';
import type { Descriptor } from '../../oci/descriptor.js';
import type { Resumable } from '../target.js';
import { during, type RegistryClient } from './client.js';
import { RegistryError } from './errors.js';
import { backoffDelay, discard, header, type HttpResponse } from './http.js';
import { resumableFailure, UploadSession } from './upload-session.js';

/** GHCR caps PATCH chunks at 4 MiB; a chunk is held in memory, so keep it small. */
export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * How blobs go up to one registry host, learned during the job and shared by its repositories: one
 * PUT, or PATCH chunks once the registry (or a front) asked for them. `chunkBytes` only shrinks
 * after a 413: the size a front took is kept for the rest of the job.
 */
export interface UploadMode {
  chunked: boolean;
  chunkBytes: number;
  /** A 413 set `chunkBytes`: a registry's `OCI-Chunk-Min-Length` no longer raises it. */
  capped?: boolean;
}

/** The smallest chunk a 413 halves to: a front that refuses 1 MiB bodies takes no blob worth copying. */
export const MIN_CHUNK_BYTES = 1024 * 1024;

/**
 * The upload session's URL from a POST or PATCH answer. A relative `Location` is resolved against
 * the answer's URL. It must be on the registry's own origin (`registry`, its base URL): one on
 * another host, or one that drops from https to http, is refused, since the session would carry our
 * credentials and content somewhere we did not choose.
 */
export function uploadLocation(res: HttpResponse, operation: string, registry: URL): URL {
  const location = header(res, 'location');
  if (!location) throw new RegistryError(`${operation}: the registry opened an upload session without a Location`, true);
  let url: URL;
  try {
    url = new URL(location, res.url);
  } catch {
    throw new RegistryError(`${operation}: the registry sent an upload Location that is not a URL`);
  }
  if (registry.protocol === 'https:' && url.protocol !== 'https:') {
    throw new RegistryError(`${operation}: the registry sent the upload from https to ${url.protocol}; refusing`);
  }
  if (url.host !== registry.host || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new RegistryError(`${operation}: the registry sent the upload to another host (${url.host}); refusing`);
  }
  return url;
}

/**
 * The largest chunk held in memory for one upload, whatever a registry asks: eight uploads at once
 * hold at most eight of them.
 */
export const MAX_CHUNK_BYTES = 16 * 1024 * 1024;

/**
 * Learns a chunk size the registry advertises (`OCI-Chunk-Min-Length`) from the session's answer,
 * up to `MAX_CHUNK_BYTES`: a registry that asks for more gets chunks of that size.
 */
export function learnChunking(res: HttpResponse, mode: UploadMode): void {
  const min = Number(header(res, 'oci-chunk-min-length'));
  if (Number.isFinite(min) && min > 0) {
    mode.chunked = true;
    if (!mode.capped) mode.chunkBytes = Math.min(MAX_CHUNK_BYTES, Math.max(mode.chunkBytes, min));
  }
}

/** How one upload is sent: its scopes, the upload mode it shares, its name in errors, what cancels it. */
export interface UploadContext {
  scopes: string[];
  mode: UploadMode;
  operation: string;
  signal?: AbortSignal;
  /** Where the bytes come from again when the upload broke off: with it, the upload goes on where the registry has it. */
  resume?: Resumable;
}

/**
 * Finishes an open session with the blob's bytes: one PUT, or PATCH chunks then a closing PUT.
 * With `upload.resume`, a lost connection, a timeout, a 5xx, a 401 (the token expired) or a 413
 * (a front capping bodies: the chunks halve) does not end the upload: the session is asked how many
 * bytes it holds and the upload goes on from there in chunks, the content read again from that
 * offset. Only a session the registry forgot starts over (a retryable error, for the caller's new
 * session). Tries that make no progress are bounded as retries are.
 */
export async function uploadOnSession(
  client: RegistryClient,
  session: URL,
  desc: Descriptor,
  content: Readable,
  upload: UploadContext,
): Promise<void> {
  const state = new UploadSession(client, session, upload.scopes, upload.operation);
  let stream = content;
  /** The furthest byte handed to a request: what is beyond the registry's offset after a failure was sent for nothing. */
  const sent = { bytes: 0 };
  let chunked = upload.mode.chunked;
  let stalled = 0;
  let failures = 0;
  /** Where the upload went on the last time it broke off. */
  let wentOnAt = -1;
  try {
    for (;;) {
      try {
        if (!chunked) await uploadWhole(client, state, desc, stream, upload, sent);
        else await uploadChunks(client, state, desc, stream, upload, sent);
        return;
      } catch (err) {
        const reason = resumableFailure(err);
        if (!upload.resume || contentFailed(stream) || upload.signal?.aborted) throw err;
        if (!reason) throw sessionGone(err, upload, sent.bytes) ?? err;
        failures++;
        const at = await during(upload.operation, () => state.offset(upload.signal));
        if (at === 'gone') throw forgotten(reason, upload, sent.bytes);
        if (at > Math.max(sent.bytes, state.acked) || at > desc.size) {
          throw new RegistryError(`${upload.operation}: the upload session says it holds ${at} bytes, more than were sent`);
        }
        // Progress since the last time it broke off restores the tries: a link that drops every few hundred MB still gets there.
        stalled = at > wentOnAt || (err as RegistryError).status === 413 ? 0 : stalled + 1;
        wentOnAt = at;
        if (stalled >= client.http.retry.maxTries) throw givenUp(err, ++failures);
        // A front that refuses a body may close the connection before its 413 can be read: the
        // same chunk lost twice at the same offset is taken as too large, and halved as a 413 would.
        if (stalled && chunked && !(err as RegistryError).status && upload.mode.chunkBytes > MIN_CHUNK_BYTES) {
          learnCap(upload.mode, upload.mode.chunkBytes, upload.operation);
        }
        // The registry's Retry-After (429, 503), else backoff once a try made no progress.
        const asked = (err as RegistryError).retryAfterMs;
        const wait = asked !== undefined ? asked : stalled ? backoffDelay(stalled - 1, client.http.retry) : 0;
        if (wait > 0) await pause(wait, upload.signal);
        upload.resume.resumed?.({ offset: at, resent: Math.max(0, sent.bytes - at), reason });
        stream.destroy();
        state.acked = at;
        sent.bytes = at;
        chunked = true;
        stream = at < desc.size ? await upload.resume.from(at) : Readable.from([]);
        stream.on('error', () => {});
      }
    }
  } finally {
    if (!stream.readableEnded) stream.destroy();
    if (stream !== content && !content.readableEnded) content.destroy();
  }
}

/** Whether the content itself failed (bad bytes, a source that broke off), not a reader that stopped reading it. */
function contentFailed(stream: Readable): boolean {
  const failure = stream.errored as { code?: unknown } | null;
  // Reading chunks with `for await` ends the stream with an AbortError when a request fails.
  return !!failure && failure.code !== 'ABORT_ERR';
}

/** A session the registry forgot: start over on a new one (the caller's retry), having said what was lost. */
function forgotten(reason: string, upload: UploadContext, sent: number): RegistryError {
  upload.resume?.resumed?.({ offset: 0, resent: sent, reason: `${reason}, and the upload session is gone` });
  return new RegistryError(`${upload.operation}: ${reason}, and the registry forgot the upload session: uploading again`, true, 404);
}

/**
 * A chunk or the closing PUT answered 404 for the session (distribution's BLOB_UPLOAD_UNKNOWN, or
 * BLOB_UPLOAD_INVALID when a cut request left bytes the session did not count): forgotten.
 */
function sessionGone(err: unknown, upload: UploadContext, sent: number): RegistryError | undefined {
  const { status, code } = err instanceof RegistryError ? err : {};
  if (status !== 404 || (code !== 'BLOB_UPLOAD_UNKNOWN' && code !== 'BLOB_UPLOAD_INVALID')) return undefined;
  return forgotten(`the registry answered ${code}`, upload, sent);
}

/** The last failure of an upload that went on until its tries ran out without progress: not worth a new session. */
function givenUp(err: unknown, tries: number): unknown {
  if (!(err instanceof RegistryError)) return err;
  const message = / after [0-9]+ tries/.test(err.message) ? err.message : `${err.message} after ${tries} tries`;
  return new RegistryError(message, false, err.status, err.code);
}

function withDigest(session: URL, desc: Descriptor): URL {
  const url = new URL(session.href);
  url.searchParams.append('digest', desc.digest);
  return url;
}

/**
 * A 413 says the request body was larger than something in front of the registry takes: chunks
 * from now on, for this host, at half the refused size (at most the chunk size so far), down to
 * `MIN_CHUNK_BYTES`. One refused at that size ends the upload.
 */
function learnCap(mode: UploadMode, refused: number, operation: string): RegistryError {
  if (mode.chunked && refused <= MIN_CHUNK_BYTES) {
    return new RegistryError(
      `${operation}: the registry (or a front before it) refuses request bodies of ${refused} bytes (413), and oci-copy sends no smaller chunks than ${MIN_CHUNK_BYTES} bytes: raise the front's body limit`,
    );
  }
  const half = Math.max(MIN_CHUNK_BYTES, Math.floor(refused / 2));
  // A whole blob refused: chunks of the usual size, when that is below what was refused.
  if (mode.chunked || refused <= mode.chunkBytes) mode.chunkBytes = Math.min(mode.chunkBytes, half);
  mode.chunked = true;
  mode.capped = true;
  return new RegistryError(`${operation}: the registry refused one ${refused}-byte request (413); upload again in chunks`, true, 413);
}

async function uploadWhole(
  client: RegistryClient,
  session: UploadSession,
  desc: Descriptor,
  content: Readable,
  upload: UploadContext,
  sent: { bytes: number },
): Promise<void> {
  const { scopes, mode, operation, signal } = upload;
  const res = await client.send(
    {
      method: 'PUT',
      url: withDigest(session.url, desc),
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(desc.size) },
      body: upload.resume ? counting(content, sent) : content,
      signal,
    },
    scopes,
  );
  if (res.status === 201) return discard(res);
  if (res.status === 413) {
    await discard(res);
    throw learnCap(mode, desc.size, operation);
  }
  return client.fail(res, operation);
}

/** `content` as it is read, adding what passes to `sent` (how much of a whole blob went out before it broke off). */
function counting(content: Readable, sent: { bytes: number }): Readable {
  const counted = content.pipe(
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        sent.bytes += chunk.length;
        done(null, chunk);
      },
    }),
  );
  // Until the request takes `counted` as its body (after a token or a request-rate slot, or never
  // when the send fails first), nothing else listens: the content's failure is told by the content.
  counted.on('error', () => {});
  content.once('error', (err) => counted.destroy(err));
  counted.once('close', () => {
    if (!content.readableEnded) content.unpipe(counted);
  });
  return counted;
}

async function uploadChunks(
  client: RegistryClient,
  session: UploadSession,
  desc: Descriptor,
  content: Readable,
  upload: UploadContext,
  sent: { bytes: number },
): Promise<void> {
  const { scopes, mode, operation, signal } = upload;
  let offset = session.acked;
  for await (const chunk of chunks(content, mode.chunkBytes)) {
    sent.bytes = Math.max(sent.bytes, offset + chunk.length);
    const res = await client.send(
      {
        method: 'PATCH',
        url: session.url,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(chunk.length),
          'content-range': `${offset}-${offset + chunk.length - 1}`,
        },
        body: chunk,
        signal,
      },
      scopes,
    );
    if (res.status === 413) {
      await discard(res);
      throw learnCap(mode, chunk.length, `${operation} (chunk at byte ${offset})`);
    }
    if (res.status !== 202) return client.fail(res, `${operation} (chunk at byte ${offset})`);
    session.url = uploadLocation(res, operation, client.base);
    await discard(res);
    offset += chunk.length;
    session.acked = offset;
  }
  const res = await client.send(
    {
      method: 'PUT',
      url: withDigest(session.url, desc),
      headers: { 'content-type': 'application/octet-stream', 'content-length': '0' },
      signal,
      // An upload that goes on where it stopped asks the session before trying the close again.
      ...(upload.resume ? { retry: false } : {}),
    },
    scopes,
  );
  if (res.status === 201) return discard(res);
  return client.fail(res, operation);
}

/** Cuts a stream into pieces of exactly `size` bytes (the last may be shorter). */
export async function* chunks(content: Readable, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let held = 0;
  for await (const data of content) {
    let buf = data as Buffer;
    while (held + buf.length >= size) {
      const take = size - held;
      parts.push(buf.subarray(0, take));
      yield Buffer.concat(parts);
      parts = [];
      held = 0;
      buf = buf.subarray(take);
    }
    if (buf.length) {
      parts.push(buf);
      held += buf.length;
    }
  }
  if (held) yield Buffer.concat(parts);
}
