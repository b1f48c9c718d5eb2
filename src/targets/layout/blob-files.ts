import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Descriptor } from '../../oci/descriptor.js';
import { parseDigest, VerifyingStream } from '../../oci/digest.js';
import { ContentError } from '../../oci/errors.js';
import { partialPath, trackPartial, untrackPartial } from '../partial-files.js';

/** `ROOT/blobs/<alg>/<hex>`: the digest is checked to be well formed, so it cannot leave `ROOT`. */
export function blobPath(root: string, digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return join(root, 'blobs', algorithm, hex);
}

/**
 * Writes `content` under `ROOT/blobs/<alg>/<hex>`, through a temporary file beside it that is
 * renamed into place only once the bytes match the descriptor: a reader never sees a partial or
 * wrong blob. `inFlight` holds the temporary paths so an aborted run can remove them.
 */
export async function writeVerifiedBlob(
  root: string,
  desc: Pick<Descriptor, 'digest' | 'size'>,
  content: Readable,
  inFlight?: Set<string>,
): Promise<void> {
  const { algorithm, hex } = parseDigest(desc.digest);
  const dir = join(root, 'blobs', algorithm);
  await mkdir(dir, { recursive: true });
  const temp = partialPath(dir, hex);
  inFlight?.add(temp);
  trackPartial(temp);
  let file: FileHandle | undefined;
  try {
    // Opened before any byte flows: a stream that opens its file lazily could create it after a
    // failed push had already removed it, leaving a temporary file behind.
    file = await open(temp, 'wx');
    await pipeline(content, new VerifyingStream(desc), file.createWriteStream());
    await rename(temp, join(dir, hex));
  } catch (err) {
    if (!file) content.destroy();
    await rm(temp, { force: true });
    throw err;
  } finally {
    inFlight?.delete(temp);
    untrackPartial(temp);
  }
}

/** Consumes a stream the caller verifies, when its bytes are already stored. */
export async function drain(content: Readable): Promise<void> {
  for await (const _ of content) {
    // nothing to keep
  }
}

/** Reads a manifest's stream whole, refusing more bytes than its descriptor says. */
export async function readManifestBytes(content: Readable, desc: Descriptor): Promise<Buffer> {
  const limit = desc.size;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of content) {
    total += (chunk as Buffer).length;
    if (total > limit) {
      content.destroy();
      throw new ContentError(`manifest ${desc.digest} is more than the ${limit} bytes its descriptor says`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
