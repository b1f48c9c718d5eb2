import type { Readable } from 'node:stream';
import type { Descriptor } from '../oci/descriptor.js';
import { openArchiveStream, type OpenArchiveStreamOptions } from '../targets/archive/reader.js';
import { OciArchiveWriter } from '../targets/archive/writer.js';
import type { ReadOnlyTarget, Target } from '../targets/target.js';
import { copy } from './copy.js';
import type { Selector } from '../copy/selector.js';
import type { CopyOptions } from '../copy/options.js';

/**
 * Exports what `srcRef` names in `src` as an OCI layout archive on a stream, so a caller can send
 * it to a file, stdout or a socket. The archive is tagged with `archiveRef`'s tags (the source's by
 * default). `done` settles when the export does; on failure the stream ends with the error, so no
 * reader takes half an archive for a whole one.
 */
export function exportToStream(
  src: ReadOnlyTarget,
  srcRef: Selector,
  options: CopyOptions & { archiveRef?: Selector } = {},
): { stream: Readable; done: Promise<Descriptor> } {
  const { archiveRef = { tags: [] }, ...copyOptions } = options;
  const writer = new OciArchiveWriter({ description: '[oci-archive] stream' });
  const done = (async () => {
    try {
      const root = await copy(src, srcRef, writer, archiveRef, copyOptions);
      await writer.close('success');
      return root;
    } catch (err) {
      await writer.close('failure');
      throw err;
    }
  })();
  // A caller that only reads the stream still sees a failure there; `done` must not go unhandled.
  done.catch(() => {});
  return { stream: writer.stream, done };
}

/**
 * Imports an OCI layout archive read from a stream (a pipe is spooled and verified as it arrives)
 * into `dst`: the image `archiveRef` names (the only one when it names none), tagged as `dstRef`
 * says (the archive's tag by default).
 */
export async function importFromStream(
  input: Readable,
  dst: Target,
  dstRef: Selector,
  options: CopyOptions & { archiveRef?: Selector; stream?: OpenArchiveStreamOptions } = {},
): Promise<Descriptor> {
  const { archiveRef = { tags: [] }, stream, ...copyOptions } = options;
  const reader = await openArchiveStream(input, { description: '[oci-archive] stream', ...stream });
  try {
    const root = await copy(reader, archiveRef, dst, dstRef, copyOptions);
    await reader.close('success');
    return root;
  } catch (err) {
    await reader.close('failure');
    throw err;
  }
}
