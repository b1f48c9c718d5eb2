import type { Readable } from 'node:stream';
import type { Descriptor } from '../oci/descriptor.js';
import { verifyBytes } from '../oci/digest.js';
import { ContentError } from '../oci/errors.js';
import { MAX_MANIFEST_BYTES } from '../oci/media-types.js';

/**
 * Reads a manifest (or another small document the engine parses, such as an image config) whole,
 * refusing one over the limit before reading it, and verifies it.
 */
export async function readManifest(stream: Readable, desc: Descriptor, limit = MAX_MANIFEST_BYTES, what = 'manifest'): Promise<Buffer> {
  if (desc.size > limit) {
    stream.destroy();
    throw new ContentError(`${what} ${desc.digest} is ${desc.size} bytes, over the ${limit}-byte limit for ${what}s`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += (chunk as Buffer).length;
    if (total > desc.size) {
      stream.destroy();
      throw new ContentError(`size mismatch for ${desc.digest}: more than the expected ${desc.size} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  const content = Buffer.concat(chunks, total);
  verifyBytes(content, desc);
  return content;
}
