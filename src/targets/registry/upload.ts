import type { Readable } from 'node:stream';
import type { Descriptor } from '../../oci/descriptor.js';
import type { RegistryClient } from './client.js';
import { RegistryError } from './errors.js';
import { discard, header, type HttpResponse } from './http.js';

/** GHCR caps PATCH chunks at 4 MiB; a chunk is held in memory, so keep it small. */
export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;

/** How blobs go up: one PUT, or PATCH chunks once the registry has asked for them. */
export interface UploadMode {
  chunked: boolean;
  chunkBytes: number;
}

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
    mode.chunkBytes = Math.min(MAX_CHUNK_BYTES, Math.max(mode.chunkBytes, min));
  }
}

/** How one upload is sent: its scopes, the upload mode it shares, its name in errors, what cancels it. */
export interface UploadContext {
  scopes: string[];
  mode: UploadMode;
  operation: string;
  signal?: AbortSignal;
}

/** Finishes an open session with the blob's bytes: one PUT, or PATCH chunks then a closing PUT. */
export async function uploadOnSession(
  client: RegistryClient,
  session: URL,
  desc: Descriptor,
  content: Readable,
  upload: UploadContext,
): Promise<void> {
  try {
    if (upload.mode.chunked) await uploadChunks(client, session, desc, content, upload);
    else await uploadWhole(client, session, desc, content, upload);
  } finally {
    if (!content.readableEnded) content.destroy();
  }
}

function withDigest(session: URL, desc: Descriptor): URL {
  const url = new URL(session.href);
  url.searchParams.append('digest', desc.digest);
  return url;
}

async function uploadWhole(
  client: RegistryClient,
  session: URL,
  desc: Descriptor,
  content: Readable,
  upload: UploadContext,
): Promise<void> {
  const { scopes, mode, operation, signal } = upload;
  const res = await client.send(
    {
      method: 'PUT',
      url: withDigest(session, desc),
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(desc.size) },
      body: content,
      signal,
    },
    scopes,
  );
  if (res.status === 201) return discard(res);
  if (res.status === 413) {
    await discard(res);
    mode.chunked = true;
    throw new RegistryError(`${operation}: the registry refused one ${desc.size}-byte request (413); upload again in chunks`, true, 413);
  }
  return client.fail(res, operation);
}

async function uploadChunks(
  client: RegistryClient,
  session: URL,
  desc: Descriptor,
  content: Readable,
  upload: UploadContext,
): Promise<void> {
  const { scopes, mode, operation, signal } = upload;
  let url = session;
  let offset = 0;
  for await (const chunk of chunks(content, mode.chunkBytes)) {
    const res = await client.send(
      {
        method: 'PATCH',
        url,
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
    if (res.status !== 202) return client.fail(res, `${operation} (chunk at byte ${offset})`);
    url = uploadLocation(res, operation, client.base);
    await discard(res);
    offset += chunk.length;
  }
  const res = await client.send(
    { method: 'PUT', url: withDigest(url, desc), headers: { 'content-type': 'application/octet-stream', 'content-length': '0' }, signal },
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
