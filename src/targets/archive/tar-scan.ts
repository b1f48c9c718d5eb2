import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { ContentError, OciCopyError, messageOf } from '../../oci/errors.js';
import { classifyEntry, type EntryKind } from './entry-names.js';

export interface ScannedEntry {
  /** The entry's name as written in the archive. */
  name: string;
  size: number;
  /** Where the entry's bytes start in the archive. */
  dataOffset: number;
  kind: Exclude<EntryKind, { kind: 'skip' }>;
}

/**
 * Walks a tar stream entry by entry. `visit` gets each entry worth keeping with its body as an async
 * iterable of chunks (tar-stream's own entry stream: wrapping each of hundreds of thousands of
 * entries in a node Readable costs memory on Node 24); it reads the body to its end, or returns and
 * lets the walk skip the rest. Unsafe entries stop the walk with an error that names them, before
 * any of their bytes are read.
 */
export async function scanTar(
  input: Readable,
  where: string,
  visit: (entry: ScannedEntry, body: AsyncIterable<Buffer>) => Promise<void>,
): Promise<void> {
  // A stream that already failed or closed early (an export that broke off) emits nothing more.
  if (input.errored || (input.destroyed && !input.readableEnded)) {
    throw new ContentError(`${where} could not be read: ${input.errored ? messageOf(input.errored) : 'the stream closed before its end'}`);
  }
  const tar = extract();
  input.on('error', (err) => tar.destroy(err));
  input.once('close', () => {
    if (!input.readableEnded) tar.destroy(input.errored ?? new Error('the stream closed before its end'));
  });
  input.pipe(tar as unknown as NodeJS.WritableStream);
  try {
    for await (const source of tar) {
      const header = source.header;
      const kind = classifyEntry(header, where);
      if (kind.kind !== 'skip') {
        // tar-stream records where the body begins, after any pax or long-name headers.
        const dataOffset = (header as { byteOffset?: number }).byteOffset ?? source.offset + 512;
        await visit({ name: header.name, size: header.size, dataOffset, kind }, source as AsyncIterable<Buffer>);
      }
      // Whatever is left unread is skipped (the next entry comes only after this one's end).
      for await (const _ of source) {
        // skipped
      }
    }
  } catch (err) {
    tar.destroy();
    input.unpipe(tar as unknown as NodeJS.WritableStream);
    input.destroy();
    if (err instanceof OciCopyError) throw err;
    throw new ContentError(`${where} is truncated or not a tar archive (${describeTarError(err)})`);
  }
}

function describeTarError(err: unknown): string {
  const msg = messageOf(err);
  if (/unexpected end/i.test(msg)) return 'it ends in the middle of an entry';
  if (/invalid tar header/i.test(msg)) return 'an entry header is damaged or the file is not an uncompressed tar';
  return msg;
}
