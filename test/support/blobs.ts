// Content by its digest, as the tests build and read it: computed here with node:crypto, apart
// from the code under test.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Descriptor } from '../../src/oci/descriptor.js';
import { MediaType } from '../../src/oci/media-types.js';

/** `sha256:<hex>` of some bytes. */
export function sha(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Some bytes and their descriptor (a layer, unless `mediaType` says otherwise). */
export function blob(content: Buffer | string, mediaType: string = MediaType.OciLayer): { desc: Descriptor; bytes: Buffer } {
  const bytes = Buffer.from(content);
  return { desc: { mediaType, digest: sha(bytes), size: bytes.length }, bytes };
}

/** A stream read to its end. */
export async function readAll(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
