import type { Reference } from '../oci/reference.js';

/** What a copy is, by the kinds of its two ends: files into a registry, a registry into files, or the rest. */
export type Operation = 'copy' | 'import' | 'export';

/** Import reads files into a registry, export writes a registry's content to files; copy is the rest. */
export function inferOperation(source: Reference, destination: Reference): Operation {
  const srcFile = source.transport !== 'registry';
  const dstFile = destination.transport !== 'registry';
  if (srcFile && !dstFile) return 'import';
  if (!srcFile && dstFile) return 'export';
  return 'copy';
}
