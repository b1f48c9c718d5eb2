import { ContentError } from '../../oci/errors.js';
import { classifyEntry } from './entry-names.js';
import type { ScannedEntry } from './tar-scan.js';

/** A file read at offsets: all the header scan reads through. */
export interface PositionalFile {
  readonly size: number;
  /** Reads up to `length` bytes at `position` into `buffer` at `offset`; the count read. */
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<number>;
}

const BLOCK = 512;
/** Pax and GNU long-name bodies are read whole: anything this big is not a name. */
const MAX_EXTENDED_HEADER = 1024 * 1024;

interface Extended {
  path?: string;
  linkpath?: string;
  size?: number;
}

/**
 * Indexes a seekable tar by its headers alone: each 512-byte header is read at its offset and the
 * entry's body is skipped, so indexing costs a few kilobytes however large the archive is. Knows
 * ustar prefixes, pax extended headers (per entry and global), GNU long names and links, and stops
 * at the end-of-archive zero block. Unsafe entries are refused by name before anything else.
 */
export async function scanTarHeaders(file: PositionalFile, where: string, visit: (entry: ScannedEntry) => void): Promise<void> {
  const header = Buffer.alloc(BLOCK);
  let global: Extended = {};
  let local: Extended = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  let pending = false;
  let pos = 0;
  for (;;) {
    if (pos >= file.size) {
      // A tar without its end-of-archive blocks is still whole when it ends between entries.
      if (pending) throw truncated(where);
      return;
    }
    await readAt(file, header, pos, where);
    if (header.every((b) => b === 0)) {
      if (pending) throw damaged(where);
      return;
    }
    const h = decodeHeader(header, where);
    const bodyStart = pos + BLOCK;
    const extended = EXTENDED_TYPES.has(h.typeflag);
    if (extended) {
      if (h.size > MAX_EXTENDED_HEADER)
        throw new ContentError(`${where} has an extended tar header of ${h.size} bytes: refusing the archive`);
      if (bodyStart + h.size > file.size) throw truncated(where);
      const body = Buffer.alloc(h.size);
      await readAt(file, body, bodyStart, where);
      if (h.typeflag === 'x') local = { ...local, ...parsePax(body, where) };
      else if (h.typeflag === 'g') global = { ...global, ...parsePax(body, where) };
      else if (h.typeflag === 'K') longLink = cString(body);
      else longName = cString(body);
      pending = h.typeflag !== 'g';
      pos = bodyStart + padded(h.size);
      continue;
    }
    const name = local.path ?? global.path ?? longName ?? h.name;
    const linkname = local.linkpath ?? global.linkpath ?? longLink ?? h.linkname;
    const size = local.size ?? global.size ?? h.size;
    local = {};
    longName = longLink = undefined;
    pending = false;
    // Old tars mark a directory only by its trailing slash.
    const type = (h.typeflag === '0' || h.typeflag === '\0') && name.endsWith('/') ? 'directory' : typeName(h.typeflag);
    const kind = classifyEntry({ name, type, linkname }, where);
    if (bodyStart + size > file.size) throw truncated(where);
    if (kind.kind !== 'skip') visit({ name, size, dataOffset: bodyStart, kind });
    pos = bodyStart + padded(size);
  }
}

const EXTENDED_TYPES = new Set(['x', 'g', 'L', 'K', 'N']);

const TYPE_NAMES: Record<string, string> = {
  '\0': 'file',
  '0': 'file',
  '1': 'link',
  '2': 'symlink',
  '3': 'character-device',
  '4': 'block-device',
  '5': 'directory',
  '6': 'fifo',
  '7': 'contiguous-file',
  S: 'GNU sparse file',
  V: 'volume label',
  M: 'multi-volume continuation',
  D: 'GNU dump directory',
};

function typeName(flag: string): string {
  return TYPE_NAMES[flag] ?? `tar type ${JSON.stringify(flag)}`;
}

interface Header {
  name: string;
  linkname: string;
  size: number;
  typeflag: string;
}

function decodeHeader(block: Buffer, where: string): Header {
  if (!checksumMatches(block)) throw damaged(where);
  const magic = block.toString('latin1', 257, 263);
  const ustar = magic === 'ustar\0';
  if (!ustar && magic !== 'ustar ') throw damaged(where);
  let name = cString(block.subarray(0, 100));
  // GNU tar keeps other fields where ustar keeps the name prefix.
  if (ustar && block[345] !== 0) name = `${cString(block.subarray(345, 500))}/${name}`;
  const size = decodeNumber(block.subarray(124, 136));
  if (size === undefined) throw damaged(where);
  return { name, linkname: cString(block.subarray(157, 257)), size, typeflag: String.fromCharCode(block[156]) };
}

/** The stored checksum, against both the unsigned sum every tar writes and the signed one some old ones did. */
function checksumMatches(block: Buffer): boolean {
  const stored = decodeNumber(block.subarray(148, 156));
  if (stored === undefined) return false;
  let unsigned = 8 * 0x20;
  let signed = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) {
    if (i >= 148 && i < 156) continue;
    unsigned += block[i];
    signed += block[i] > 127 ? block[i] - 256 : block[i];
  }
  return stored === unsigned || stored === signed;
}

/** An octal field (space or NUL padded), or GNU base-256 for sizes over 8 GiB. */
function decodeNumber(field: Buffer): number | undefined {
  if (field[0] === 0x80) {
    let value = 0;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i];
    return Number.isSafeInteger(value) ? value : undefined;
  }
  const text = field
    .toString('latin1')
    .replace(/^[ \0]+/, '')
    .replace(/[ \0].*$/s, '');
  if (!/^[0-7]*$/.test(text)) return undefined;
  const value = text === '' ? 0 : parseInt(text, 8);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Pax records, `<length> <key>=<value>\n`, of which the scan needs `path`, `linkpath` and `size`. */
function parsePax(body: Buffer, where: string): Extended {
  const out: Extended = {};
  let at = 0;
  while (at < body.length) {
    if (body[at] === 0) break;
    const space = body.indexOf(0x20, at);
    const length = space > at ? Number(body.toString('latin1', at, space)) : NaN;
    if (!Number.isSafeInteger(length) || length <= space - at + 1 || at + length > body.length || body[at + length - 1] !== 0x0a) {
      throw damaged(where);
    }
    const record = body.toString('utf8', space + 1, at + length - 1);
    const eq = record.indexOf('=');
    if (eq <= 0) throw damaged(where);
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key === 'path') out.path = value;
    else if (key === 'linkpath') out.linkpath = value;
    else if (key === 'size') {
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw damaged(where);
      out.size = Number(value);
    }
    at += length;
  }
  return out;
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.toString('utf8', 0, end === -1 ? bytes.length : end);
}

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

async function readAt(file: PositionalFile, into: Buffer, position: number, where: string): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const n = await file.read(into, done, into.length - done, position + done);
    if (n === 0) throw truncated(where);
    done += n;
  }
}

function truncated(where: string): ContentError {
  return new ContentError(`${where} is truncated or not a tar archive (it ends in the middle of an entry)`);
}

function damaged(where: string): ContentError {
  return new ContentError(`${where} is truncated or not a tar archive (an entry header is damaged or the file is not an uncompressed tar)`);
}
