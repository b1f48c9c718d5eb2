import type { Readable, Writable } from 'node:stream';
import { InputError } from '../oci/errors.js';
import { printable } from '../oci/text.js';
import type { FileReference } from '../oci/reference.js';
import { openArchiveFile, openArchiveStream } from './archive/reader.js';
import { createArchiveWriter, openArchiveFileWriter } from './archive/writer.js';
import { openLayout } from './layout/layout.js';
import type { ReadOnlyTarget, TagLister, Target } from './target.js';

/** Where `-` reads from and writes to; the process's standard streams unless a caller says otherwise. */
export interface StandardStreams {
  stdin: Readable;
  stdout: Writable;
}

/**
 * The target an `oci:`, `oci-archive:` or `docker-archive:` reference names. A layout is opened (a
 * destination is created when missing); an archive is read (indexed, or spooled from stdin for
 * `-`) or written (to a temporary file renamed into place on success, or to stdout for `-`).
 * Both archive transports read either kind of archive; a `docker-archive:` destination also writes
 * `manifest.json`, for `docker load` before Docker 25, and names its image as the reference says.
 */
export async function openFileTarget(ref: FileReference, role: 'source', streams?: StandardStreams): Promise<ReadOnlyTarget & TagLister>;
export async function openFileTarget(ref: FileReference, role: 'destination', streams?: StandardStreams): Promise<Target & TagLister>;
export async function openFileTarget(
  ref: FileReference,
  role: 'source' | 'destination',
  streams?: StandardStreams,
): Promise<(ReadOnlyTarget | Target) & TagLister>;
export async function openFileTarget(
  ref: FileReference,
  role: 'source' | 'destination',
  streams: StandardStreams = { stdin: process.stdin, stdout: process.stdout },
): Promise<(ReadOnlyTarget | Target) & TagLister> {
  if (ref.transport === 'oci') {
    if (ref.path === '-')
      throw new InputError(`oci:- is not a directory: use oci-archive:- to read or write an archive on standard streams`);
    return openLayout(ref.path, { create: role === 'destination' });
  }
  const description = `[${ref.transport}] ${printable(ref.path)}`;
  if (ref.path === '-') refuseTerminal(role === 'source' ? streams.stdin : streams.stdout, role, ref.transport);
  if (role === 'source') {
    if (ref.path === '-') return openArchiveStream(streams.stdin, { description });
    return openArchiveFile(ref.path, { description });
  }
  if (ref.image?.startsWith('@')) {
    const path = printable(ref.path);
    throw new InputError(
      `${ref.transport}:${path}:${ref.image} picks an image to read: a destination is named NAME:TAG (docker-archive:${path}:example.com/app:1.2)`,
    );
  }
  const docker = ref.transport === 'docker-archive' ? { dockerManifest: true, image: ref.image } : {};
  if (ref.path === '-') return createArchiveWriter(streams.stdout, { description, ...docker });
  return openArchiveFileWriter(ref.path, { description, ...docker });
}

/**
 * An archive is bytes: written to a terminal it would fill the screen with them, and read from one
 * it would wait for an archive nobody is going to type.
 */
function refuseTerminal(stream: Readable | Writable, role: 'source' | 'destination', transport: string): void {
  if (!(stream as { isTTY?: boolean }).isTTY) return;
  if (role === 'source') {
    throw new InputError(
      `${transport}:- reads an archive from standard input, which is a terminal: pipe or redirect one in (< app.tar), or give a file path`,
    );
  }
  throw new InputError(
    `${transport}:- writes the archive to standard output, which is a terminal: redirect it (> app.tar), pipe it on, or give a file path`,
  );
}
