import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError, messageOf } from '../oci/errors.js';
import { parseReference, type Reference } from '../oci/reference.js';
import { printable, quoted } from '../oci/text.js';

/** The format this code writes and reads. */
export const LOCK_VERSION = 1;

/** A lock file larger than this is no lock (a mirror of 100,000 images is about 25 MB). */
export const MAX_LOCK_BYTES = 64 * 1024 * 1024;

/**
 * One image a step left in place: the source reference it was read by, the destination reference
 * it got, and the digest the destination holds. `sourceDigest`: what the source named, when the
 * platforms asked for chose another root from it (an index's one platform, a new index of some).
 */
export interface LockEntry {
  source: string;
  destination: string;
  digest: string;
  sourceDigest?: string;
}

/** An entry as read from a file: where it stands there, and its references parsed. */
export interface LockedEntry extends LockEntry {
  /** 1-based line of the file where the entry starts. */
  line: number;
  sourceRef: Reference;
  destinationRef: Reference;
}

/** A lock as read: the file (as messages name it) and its entries, in the file's order. */
export interface Lock {
  file: string;
  entries: LockedEntry[];
}

const SHA256 = /^sha256:[0-9a-f]{64}$/;
const FIELDS = ['source', 'destination', 'digest', 'sourceDigest'] as const;

/** The entries sorted (source, then destination, by code point) and each pair once: the order a file keeps across runs. */
export function sortedEntries(entries: readonly LockEntry[]): LockEntry[] {
  const byKey = new Map<string, LockEntry>();
  for (const e of entries) byKey.set(`${e.source}\u0000${e.destination}`, e);
  return [...byKey.values()].sort((a, b) => compare(a.source, b.source) || compare(a.destination, b.destination));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The file's text: one JSON document, one entry a line so a diff shows each image that moved as
 * one line, the fields in one order. The same entries give the same bytes.
 */
export function formatLock(entries: readonly LockEntry[]): string {
  const lines = sortedEntries(entries).map((e) =>
    JSON.stringify({
      source: e.source,
      destination: e.destination,
      digest: e.digest,
      ...(e.sourceDigest ? { sourceDigest: e.sourceDigest } : {}),
    }),
  );
  return `{"version":${LOCK_VERSION},"images":[\n${lines.join(',\n')}${lines.length ? '\n' : ''}]}\n`;
}

/**
 * Reads a lock's text. Every fault is one line naming the file and, for an entry, its line and
 * number: not JSON, another version, an entry without a field, a digest not in `sha256:<64 hex>`
 * form, a reference that does not parse, the same pair twice.
 */
export function parseLock(text: string, file: string): Lock {
  const name = printable(file);
  let doc: unknown;
  // A byte order mark some editors write is not JSON's, and not the reader's fault.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const line = lineAt(text, syntaxErrorAt(text));
    const why = printable(messageOf(err).split('\n')[0], 120);
    throw new InputError(
      `lock file ${name} line ${line} is not JSON (${why}): fix it, or delete it and run once without locked to write it again`,
    );
  }
  if (!isObject(doc) || !Array.isArray(doc.images)) {
    throw new InputError(`lock file ${name} is not a lock: expected {"version":${LOCK_VERSION},"images":[…]}, as oci-copy writes it`);
  }
  if (doc.version !== LOCK_VERSION) {
    throw new InputError(
      `lock file ${name} has version ${printable(JSON.stringify(doc.version) ?? 'none', 40)}: this oci-copy reads version ${LOCK_VERSION}; write it again with this oci-copy`,
    );
  }
  const lines = entryLines(text);
  const seen = new Map<string, number>();
  const entries = doc.images.map((raw: unknown, i: number): LockedEntry => {
    const line = lines[i] ?? 1;
    const at = `lock file ${name} line ${line} (entry ${i + 1})`;
    if (!isObject(raw)) throw new InputError(`${at} is not an object: each entry is {"source":…,"destination":…,"digest":…}`);
    for (const field of ['source', 'destination', 'digest'] as const) {
      if (raw[field] === undefined) throw new InputError(`${at} has no "${field}": each entry needs source, destination and digest`);
      if (typeof raw[field] !== 'string' || !raw[field]) throw new InputError(`${at}: "${field}" is not a non-empty string`);
    }
    const unknown = Object.keys(raw).find((k) => !(FIELDS as readonly string[]).includes(k));
    if (unknown !== undefined)
      throw new InputError(`${at} has an unknown field ${quoted(unknown, 40)}: an entry has source, destination, digest and sourceDigest`);
    for (const field of ['digest', 'sourceDigest'] as const) {
      const value = raw[field];
      if (value === undefined) continue;
      if (typeof value !== 'string' || !SHA256.test(value)) {
        throw new InputError(
          `${at}: "${field}" is ${quoted(value, 200)}, not sha256:<64 lower-case hex digits>: a lock names each image by its sha256 digest, as registries do`,
        );
      }
    }
    const entry: LockEntry = {
      source: raw.source as string,
      destination: raw.destination as string,
      digest: raw.digest as string,
      ...(raw.sourceDigest ? { sourceDigest: raw.sourceDigest as string } : {}),
    };
    const key = `${entry.source}\u0000${entry.destination}`;
    const twice = seen.get(key);
    if (twice !== undefined) throw new InputError(`${at} repeats entry ${twice} (the same source and destination): keep one`);
    seen.set(key, i + 1);
    return {
      ...entry,
      line,
      sourceRef: reference(entry.source, `${at}: "source"`),
      destinationRef: reference(entry.destination, `${at}: "destination"`),
    };
  });
  return { file, entries };
}

function reference(value: string, what: string): Reference {
  return parseReference(value, what);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Where JSON's grammar first fails in `text` (whose parse failed): a scan of values, objects,
 * arrays, strings and literals that stops at the first character that cannot follow. The
 * parser's own message gives no position on every Node.js release.
 */
function syntaxErrorAt(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const space = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const string = () => {
    if (text[i] !== '"') fail();
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= text.length) fail();
    i++;
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) return void i++;
      for (;;) {
        if (c === '{') {
          space();
          string();
          space();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] === close) return void i++;
        else fail();
      }
    }
    if (c === '"') {
      string();
      return;
    }
    const literal = /^(?:true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)/.exec(text.slice(i, i + 400));
    if (!literal) fail();
    i += literal![0].length;
  };
  try {
    value();
    space();
    return i;
  } catch (at) {
    return typeof at === 'number' ? at : 0;
  }
}

/** 1-based line of the character at `offset`. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * The line each element of the top-level `images` array starts on, in order: the text scanned
 * once (strings and their escapes skipped), so a message names the line a reader finds the entry on
 * whatever way the file was laid out.
 */
function entryLines(text: string): number[] {
  const out: number[] = [];
  let line = 1;
  let depth = 0;
  /** At depth 1, the last key read; the array opened under `images` is depth 2. */
  let key: string | undefined;
  let inImages = false;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const s = text.slice(i + 1, j);
      if (inImages && depth === 2 && expectValue) {
        out.push(line);
        expectValue = false;
      }
      if (depth === 1) key = s;
      for (const ch of s) if (ch === '\n') line++;
      i = j;
    } else if (c === '{' || c === '[') {
      if (inImages && depth === 2 && expectValue) {
        out.push(line);
        expectValue = false;
      }
      depth++;
      if (depth === 2 && c === '[' && key === 'images') {
        inImages = true;
        expectValue = true;
      }
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 1) inImages = false;
    } else if (c === ',' && inImages && depth === 2) expectValue = true;
    else if (inImages && depth === 2 && expectValue && !/\s/.test(c)) {
      // A number, true, false or null standing as an entry.
      out.push(line);
      expectValue = false;
    }
  }
  return out;
}

/**
 * Reads and parses the lock at `path` (`file`: how messages name it). A file that does not exist
 * or cannot be read is one line naming it.
 */
export async function readLock(path: string, file: string = path): Promise<Lock> {
  let text: string;
  try {
    const bytes = await readFile(path);
    if (bytes.length > MAX_LOCK_BYTES) throw Object.assign(new Error(`larger than ${MAX_LOCK_BYTES} bytes`), { code: 'too large' });
    text = bytes.toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist: run once without locked to write it'
        : code === 'EISDIR'
          ? 'is a directory: give the lock file'
          : `cannot be read (${printable(messageOf(err), 200)})`;
    throw new InputError(`lock file ${printable(file)} ${why}`);
  }
  return parseLock(text, file);
}

/** The text at `path`, or undefined when there is none (or it cannot be read). */
export async function readLockText(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}

/**
 * Writes the lock at `path` whole or not at all: to a file beside it, then renamed over it, so a
 * reader (or a job cancelled halfway) never sees half a lock. Its folder is made when missing.
 */
export async function writeLock(path: string, entries: readonly LockEntry[]): Promise<string> {
  const text = formatLock(entries);
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temp, text);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  return text;
}
