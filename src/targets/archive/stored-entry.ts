import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { ContentError } from '../../oci/errors.js';

/** Something an archive holds, readable as often as needed: a byte range, a spooled file, or bytes. */
export interface StoredEntry {
  size: number;
  open(): Readable;
  /** Known when the bytes were already hashed on the way in (a spooled pipe). */
  digest?: string;
  /** Whether the bytes start with the gzip magic, when already seen. */
  gzip?: boolean;
}

/**
 * A byte range of a file: an entry of an indexed archive, or of a spool. One instance per entry of
 * an archive that may hold hundreds of thousands: a class shares its shape and methods among them,
 * where an object literal with a closure would carry a context and a shape of its own each.
 */
class RangeEntry implements StoredEntry {
  constructor(
    private readonly path: string,
    private readonly start: number,
    readonly size: number,
    readonly digest?: string,
    readonly gzip?: boolean,
  ) {}

  open(): Readable {
    return this.size === 0 ? Readable.from([]) : createReadStream(this.path, { start: this.start, end: this.start + this.size - 1 });
  }
}

/** Bytes `start` to `start + size` of the file at `path`, with their digest and gzip head when known. */
export function rangeEntry(path: string, start: number, size: number, digest?: string, gzip?: boolean): StoredEntry {
  return new RangeEntry(path, start, size, digest, gzip);
}

export function bytesEntry(bytes: Buffer, digest?: string): StoredEntry {
  return { size: bytes.byteLength, digest, open: () => Readable.from([bytes]) };
}

/** Reads a small file (an index, a manifest) whole, refusing anything over `limit`. */
export async function readEntry(entry: StoredEntry, limit: number, what: string): Promise<Buffer> {
  if (entry.size > limit) throw new ContentError(`${what} is ${entry.size} bytes, over the limit of ${limit}`);
  const chunks: Buffer[] = [];
  for await (const chunk of entry.open()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The sha256 digest of an entry and whether it is gzip, computed by streaming it. */
export async function describeEntry(entry: StoredEntry): Promise<{ digest: string; gzip: boolean }> {
  if (entry.digest !== undefined && entry.gzip !== undefined) return { digest: entry.digest, gzip: entry.gzip };
  const hash = createHash('sha256');
  let head: Buffer | undefined;
  for await (const chunk of entry.open()) {
    const buf = chunk as Buffer;
    if (!head || head.length < 2) head = head ? Buffer.concat([head, buf]) : buf;
    hash.update(buf);
  }
  return { digest: `sha256:${hash.digest('hex')}`, gzip: isGzipHead(head) };
}

export function isGzipHead(head: Buffer | undefined): boolean {
  return !!head && head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}
