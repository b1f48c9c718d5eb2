import { InputError } from '../oci/errors.js';
import type { Reference } from '../oci/reference.js';
import { Input } from '../settings/names.js';
import type { Voice } from '../settings/voice.js';

/** What a copy is, by the kinds of its two ends: files into a registry, a registry into files, or the rest. */
export type CopyOperation = 'copy' | 'import' | 'export';

/** What is done to an image where it is (a registry repository, an OCI layout), with nothing copied. */
export type InPlaceOperation = 'verify' | 'sign';

/** What an item does: a copy of some kind, or an act on an image in place. */
export type Operation = CopyOperation | InPlaceOperation;

/** Import reads files into a registry, export writes a registry's content to files; copy is the rest. */
export function inferOperation(source: Reference, destination: Reference): CopyOperation {
  const srcFile = source.transport !== 'registry';
  const dstFile = destination.transport !== 'registry';
  if (srcFile && !dstFile) return 'import';
  if (!srcFile && dstFile) return 'export';
  return 'copy';
}

/** The operation asked for, which must be the one the two ends make (`auto`, or nothing, takes that). */
export function parseOperation(value: string, source: Reference, destination: Reference, voice: Voice): CopyOperation {
  const inferred = inferOperation(source, destination);
  const v = value.toLowerCase();
  if (!v || v === 'auto') return inferred;
  if (v !== 'copy' && v !== 'import' && v !== 'export') {
    throw new InputError(`${voice.input(Input.Operation)} is ${voice.value(value)}: use auto, copy, import or export`);
  }
  if (v !== inferred) {
    const why: Record<CopyOperation, string> = {
      import: 'import reads an oci:, oci-archive: or docker-archive: source into a registry destination',
      export: 'export writes a registry source to an oci:, oci-archive: or docker-archive: destination',
      copy: 'copy goes registry to registry, or between oci:, oci-archive: and docker-archive: files',
    };
    throw new InputError(
      `${voice.input(Input.Operation)} is ${v} but ${source.transport} → ${destination.transport} is ${inferred}: ${why[v]}; use auto`,
    );
  }
  return v;
}
