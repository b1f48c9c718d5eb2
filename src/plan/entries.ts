import { Document, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Platform } from '../oci/descriptor.js';
import { InputError } from '../oci/errors.js';
import { parsePlatform } from '../oci/platform.js';
import { parseReference, refuseLongNames, type Reference, type RegistryReference } from '../oci/reference.js';
import { nearestWord } from '../oci/spelling.js';
import { printable, quoted } from '../oci/text.js';
import { ACTION_VOICE } from '../settings/voice.js';
import { parseSignInputs, type SignInputs } from '../signatures/parse-settings.js';
import { parseVerifyPolicy, readSmallFile, type VerifyPolicy } from '../signatures/policy.js';
import { AttestSetting, SignServiceSetting, SignSetting, VerifySetting } from '../signatures/settings.js';
import { entryName } from './entry-name.js';
import { isSemverRange, tagGlob, wholeTagRegex, type TagFilter } from './tag-filter.js';

/**
 * One entry of a sync list: what to copy (a whole repository's tags, filtered, or one image) and
 * where. Checked whole when the list is read, before any network traffic: every error names the
 * entry, its line and the field at fault.
 */
export interface SyncEntry {
  /** Its position in the list (1-based) and line, for messages. */
  number: number;
  line?: number;
  source: Reference;
  /** A registry repository without tag or digest: its tags, filtered. Otherwise one image. */
  wholeRepository: boolean;
  destination: EntryDestination;
  filter: TagFilter;
  platform?: Platform;
  referrers?: boolean;
  /** Remove destination tags in the entry's scope that the source no longer has (see plan/prune.ts). */
  prune?: boolean;
  /** Tags prune never removes: regexes matching the whole tag. */
  protect?: RegExp[];
  /**
   * Tags that never move once written (`v*`): one the destination already has is not read at the
   * source at all. Globs, compiled to regexes matching the whole tag.
   */
  immutableTags?: RegExp[];
  /** The entry's own signature policy (`verify-*` keys): replaces the step's for its images. */
  verify?: VerifyPolicy;
  /**
   * The entry's own signing (`sign*` keys): replaces the step's for its images; `false` when the
   * entry says `sign: false` (its images are not signed, even when the step signs). Undefined: the
   * step's signing applies.
   */
  sign?: SignInputs | false;
  /** The entry's `attest-verification`: replaces the step's for its images (a signed verification summary of each). */
  attestVerification?: boolean;
}

export type EntryDestination =
  /** A repository (or any reference, for an image entry) that gets the source's tag names. */
  | { kind: 'reference'; ref: Reference }
  /** `HOST/PATH/`: the source's repository path is appended. */
  | { kind: 'prefix'; registry: string; path: string };

export const ENTRY_FIELDS = [
  'source',
  'destination',
  'tags',
  'exclude-tags',
  'semver',
  'latest',
  'platform',
  'referrers',
  'prune',
  'protect',
  'immutable-tags',
  ...Object.values(VerifySetting),
  ...Object.values(SignSetting),
  ...Object.values(SignServiceSetting),
  ...Object.values(AttestSetting),
] as const;

/** An entry's signing keys: the step's words. */
const SIGN_FIELDS: readonly string[] = [...Object.values(SignSetting), ...Object.values(SignServiceSetting)];

/** Where an entry's files (keys, a trusted root) and a key's password come from when none is given in the entry. */
export interface EntrySources {
  /** `COSIGN_PASSWORD`, for a key file without `sign-key-password` (default: this process's environment). */
  env?: NodeJS.ProcessEnv;
  /** Reads a small file (default: relative to the working directory). */
  readFile?: (path: string) => string;
}

/** Where the list came from, for messages: `input "images"` or `images-file mirror.yml`. */
export type ListOrigin = string;

/** Parses a sync list (YAML): a list of entries, each a mapping of the fields above. */
export function parseSyncEntries(text: string, origin: ListOrigin, sources: EntrySources = {}): SyncEntry[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const at = yamlError.linePos?.[0];
    const where = at ? `line ${at.line}, column ${at.col}` : 'somewhere';
    const why = yamlError.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new InputError(`${origin} is not valid YAML: ${where}: ${printable(why, 200)}`);
  }
  const root = doc.contents;
  const usage = 'a list of entries, each with source and destination (see README, "Mirror many images")';
  if (!root || (isScalar(root) && (root.value === null || root.value === ''))) throw new InputError(`${origin} is empty: give ${usage}`);
  if (!isSeq(root)) throw new InputError(`${origin} is not a YAML list: give ${usage}`);
  if (root.items.length === 0) throw new InputError(`${origin} lists no entries: give ${usage}`);
  return root.items.map((item, i) => parseEntry(item as Node, i + 1, origin, lines, sources));
}

function parseEntry(node: Node, number: number, origin: ListOrigin, lines: LineCounter, sources: EntrySources): SyncEntry {
  const line = node?.range ? lines.linePos(node.range[0]).line : undefined;
  const entry = entryName(origin, { number, ...(line ? { line } : {}) });
  if (!isMap(node)) throw new InputError(`${entry} is not a mapping: give source: and destination: fields`);
  return entryFromFields(
    readFields(node as YAMLMap, entry),
    number,
    { entry, field: (name) => `${entry}, field "${name}"` },
    sources,
    line,
  );
}

/** How errors name an entry and its fields: a list's `entry 2 (line 7), field "tags"`, or a command's flags. */
export interface EntryNames {
  entry: string;
  field(name: string): string;
}

/**
 * One entry from values given some other way than a list (a command line): the same checks, the
 * same errors, in `names`' words. Values are strings, lists of strings, numbers or booleans.
 */
export function entryFromValues(
  values: Partial<Record<(typeof ENTRY_FIELDS)[number], string | string[] | number | boolean>>,
  names: EntryNames,
  sources: EntrySources = {},
): SyncEntry {
  const doc = new Document();
  const fields = new Map<string, Node | null>();
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || (Array.isArray(value) && !value.length)) continue;
    fields.set(name, doc.createNode(value) as Node);
  }
  return entryFromFields(fields, 1, names, sources);
}

function entryFromFields(
  fields: Map<string, Node | null>,
  number: number,
  names: EntryNames,
  sources: EntrySources,
  line?: number,
): SyncEntry {
  const { entry, field } = names;

  const sourceText = requiredText(fields, 'source', entry, field);
  const source = parseReference(sourceText, field('source'));
  refuseStandardStream(source, sourceText, field('source'), 'input');
  const wholeRepository = source.transport === 'registry' && !source.tags.length && !source.digest;
  const destinationText = requiredText(fields, 'destination', entry, field);
  const destination = parseDestination(destinationText, field('destination'), source, wholeRepository);

  const include = regexList(fields.get('tags'), field('tags'));
  const exclude = regexList(fields.get('exclude-tags'), field('exclude-tags'));
  const range = optionalText(fields.get('semver'), field('semver'));
  if (range !== undefined && !isSemverRange(range)) {
    throw new InputError(`${field('semver')} is ${quoted(range)}, not a semver range: use npm semver syntax, e.g. ">=3.18 <4" or "^1.2"`);
  }
  const latest = positiveInteger(fields.get('latest'), field('latest'));
  const filtered = include.length || exclude.length || range !== undefined || latest !== undefined;
  if (filtered && !wholeRepository) {
    const named = ['tags', 'exclude-tags', 'semver', 'latest'].filter((f) => fields.has(f)).join(', ');
    throw new InputError(
      `${entry} filters tags (${named}) but its source ${quoted(sourceText)} names one image: drop the tag or digest from the source to take the repository's tags`,
    );
  }
  const platformText = optionalText(fields.get('platform'), field('platform'));
  const referrers = optionalBoolean(fields.get('referrers'), field('referrers'));
  const prune = optionalBoolean(fields.get('prune'), field('prune'));
  const protect = regexList(fields.get('protect'), field('protect'));
  const immutableTags = globList(fields.get('immutable-tags'), field('immutable-tags'));
  const attestVerification = optionalBoolean(fields.get(AttestSetting.Verification), field(AttestSetting.Verification));
  if (prune && !wholeRepository) {
    throw new InputError(
      `${entry} prunes but its source ${quoted(sourceText)} names one image: prune applies to a whole repository's tags; drop the tag or digest from the source, or drop prune`,
    );
  }
  if (protect.length && !prune) {
    throw new InputError(`${field('protect')} keeps tags from prune, but the entry does not prune: add prune: true, or drop protect`);
  }
  return {
    number,
    ...(line ? { line } : {}),
    source,
    wholeRepository,
    destination,
    filter: { include, exclude, ...(range !== undefined ? { semver: range } : {}), ...(latest !== undefined ? { latest } : {}) },
    ...(platformText ? { platform: parsePlatform(platformText, field('platform')) } : {}),
    ...(referrers !== undefined ? { referrers } : {}),
    ...(prune ? { prune } : {}),
    ...(protect.length ? { protect } : {}),
    ...(immutableTags.length ? { immutableTags } : {}),
    ...optionalPolicy(entryPolicy(fields, field, sources)),
    ...optionalSigning(entrySigning(fields, field, sources)),
    ...(attestVerification !== undefined ? { attestVerification } : {}),
  };
}

function optionalPolicy(verify: VerifyPolicy | undefined): { verify?: VerifyPolicy } {
  return verify ? { verify } : {};
}

function optionalSigning(sign: SignInputs | false | undefined): { sign?: SignInputs | false } {
  return sign === undefined ? {} : { sign };
}

/**
 * The entry's `sign*` keys, checked by the step's own rules and messages, errors naming the entry's
 * field: its signing, `false` for `sign: false`, or undefined when it gives none (the step's applies).
 */
function entrySigning(
  fields: Map<string, Node | null>,
  field: (name: string) => string,
  sources: EntrySources,
): SignInputs | false | undefined {
  const values = new Map<string, string>();
  for (const name of SIGN_FIELDS) {
    const node = fields.get(name);
    // A password is taken as written: YAML would read 0123 as the number 123.
    const value = name === SignSetting.KeyPassword ? literalText(node, field(name)) : optionalText(node, field(name));
    if (value) values.set(name, value);
  }
  if (!values.size) return undefined;
  const sign = parseSignInputs(
    (name) => values.get(name) ?? '',
    { ...ACTION_VOICE, input: field },
    sources.env ?? process.env,
    sources.readFile ?? readSmallFile,
  );
  return sign ?? false;
}

/** The entry's `verify-*` keys, checked as the step's inputs are, errors naming the entry's field. */
function entryPolicy(fields: Map<string, Node | null>, field: (name: string) => string, sources: EntrySources): VerifyPolicy | undefined {
  const text = (name: string) => optionalText(fields.get(name), field(name));
  const typesNode = fields.get(VerifySetting.AttestationType);
  const types =
    typesNode && isSeq(typesNode)
      ? (typesNode.items as Node[]).map((n, i) => scalarText(n, `${field(VerifySetting.AttestationType)} (item ${i + 1})`) ?? '')
      : text(VerifySetting.AttestationType);
  const platforms = optionalBoolean(fields.get(VerifySetting.Platforms), field(VerifySetting.Platforms));
  return parseVerifyPolicy(
    {
      key: text(VerifySetting.Key),
      certificateIdentity: text(VerifySetting.CertificateIdentity),
      certificateIdentityRegexp: text(VerifySetting.CertificateIdentityRegexp),
      certificateOidcIssuer: text(VerifySetting.CertificateOidcIssuer),
      attestationTypes: types,
      trustedRoot: text(VerifySetting.TrustedRoot),
      platforms: platforms === true,
      mode: text(VerifySetting.Mode),
    },
    { ...ACTION_VOICE, input: field },
    sources.readFile ?? readSmallFile,
  );
}

/** The entry's fields by name; an unknown one is an error naming the nearest and listing every field. */
function readFields(map: YAMLMap, entry: string): Map<string, Node | null> {
  const out = new Map<string, Node | null>();
  for (const pair of map.items as Pair<Node, Node | null>[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!(ENTRY_FIELDS as readonly string[]).includes(key)) {
      const near = nearestWord(key, ENTRY_FIELDS);
      throw new InputError(
        `${entry} has an unknown field ${quoted(key)}: ${near ? `did you mean ${near}? ` : ''}the fields are ${ENTRY_FIELDS.join(', ')}`,
      );
    }
    out.set(key, pair.value ?? null);
  }
  return out;
}

function scalarText(node: Node | null | undefined, what: string): string | undefined {
  if (node === undefined || node === null) return undefined;
  if (!isScalar(node)) throw new InputError(`${what} must be a single value, not a list or mapping`);
  if (node.value === null) return undefined;
  return String(node.value).trim();
}

/** A scalar as the user wrote it (a plain `0123` stays `0123`), for a secret the YAML types must not change. */
function literalText(node: Node | null | undefined, what: string): string | undefined {
  const v = scalarText(node, what);
  if (!v) return undefined;
  const source = isScalar(node) && typeof node.source === 'string' ? node.source.trim() : '';
  return source || v;
}

function requiredText(fields: Map<string, Node | null>, name: string, entry: string, field: (name: string) => string): string {
  const v = scalarText(fields.get(name), field(name));
  if (!v)
    throw new InputError(
      `${entry} has no ${name}: give ${name}: with a ${name === 'source' ? 'repository or image reference' : 'repository, or a prefix ending in /'}`,
    );
  return v;
}

function optionalText(node: Node | null | undefined, what: string): string | undefined {
  const v = scalarText(node, what);
  return v ? v : undefined;
}

/** One regex or a list of them, each matching a whole tag. */
function regexList(node: Node | null | undefined, what: string): RegExp[] {
  if (node === undefined || node === null) return [];
  const items = isSeq(node) ? (node.items as Node[]) : [node];
  return items.map((item, i) => {
    const shown = items.length > 1 ? `${what} (item ${i + 1})` : what;
    if (!isScalar(item) || item.value === null || String(item.value) === '') throw new InputError(`${shown} must be a regular expression`);
    const source = String(item.value);
    try {
      return wholeTagRegex(source);
    } catch (err) {
      // V8 says `Invalid regular expression: /^(?:3.()$/: Unterminated group`: the last part is the news.
      const why = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
      throw new InputError(`${shown}: ${quoted(source)} is not a regular expression (${printable(why, 200)})`);
    }
  });
}

/** One glob or a list of them (`v*`, `1.?`), each matching a whole tag. */
function globList(node: Node | null | undefined, what: string): RegExp[] {
  if (node === undefined || node === null) return [];
  const items = isSeq(node) ? (node.items as Node[]) : [node];
  return items.map((item, i) => {
    const shown = items.length > 1 ? `${what} (item ${i + 1})` : what;
    if (!isScalar(item) || item.value === null || String(item.value) === '')
      throw new InputError(`${shown} must be a tag pattern such as 'v*'`);
    const pattern = String(item.value);
    const compiled = tagGlob(pattern);
    if (!compiled) {
      throw new InputError(
        `${shown} is ${quoted(pattern)}, not a tag pattern: immutable-tags are globs, * for any characters and ? for one (e.g. 'v*' or '1.*'), over the characters of tags (letters, digits, _ . -), not regular expressions`,
      );
    }
    return compiled;
  });
}

function positiveInteger(node: Node | null | undefined, what: string): number | undefined {
  if (node === undefined || node === null) return undefined;
  const value = isScalar(node) ? node.value : undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^[0-9]+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new InputError(
      `${what} is ${quoted(isScalar(node) ? String(node.value) : 'a list or mapping')}: use a positive whole number, the count of highest versions to keep`,
    );
  }
  return n;
}

function optionalBoolean(node: Node | null | undefined, what: string): boolean | undefined {
  if (node === undefined || node === null) return undefined;
  const value = isScalar(node) ? node.value : undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && ['true', 'false'].includes(value.trim().toLowerCase())) return value.trim().toLowerCase() === 'true';
  throw new InputError(`${what} is ${quoted(isScalar(node) ? String(node.value) : 'a list or mapping')}: use true or false`);
}

/**
 * A destination: `HOST/PATH/` (a prefix: the source's repository path is appended) or a reference.
 * A whole repository goes to a repository (it keeps its tag names), never to a tag or a file.
 */
function parseDestination(text: string, what: string, source: Reference, wholeRepository: boolean): EntryDestination {
  if (text.endsWith('/')) {
    const trimmed = text.replace(/\/+$/, '');
    if (source.transport !== 'registry') {
      throw new InputError(
        `${what} is a prefix (${quoted(text)}), which appends the source's repository path, but the source is a file: give a repository`,
      );
    }
    if (/[:@]/.test(trimmed.split('/').slice(1).join('/'))) {
      throw new InputError(
        `${what} is a prefix (${quoted(text)}) with a tag or digest: a prefix ends in / and takes none (the source's tags are kept)`,
      );
    }
    // The first component is a host when it looks like one, as in any reference; else Docker Hub.
    const [first, ...rest] = trimmed.split('/');
    const isHost = /[.:]/.test(first) || first === 'localhost' || first.startsWith('[');
    const registry = isHost ? first : 'docker.io';
    const path = (isHost ? rest : [first, ...rest]).join('/');
    // Checked as a reference would be: a valid host and valid repository components.
    const probe = parseReference(`${isHost ? registry : 'docker.io'}/${path ? `${path}/` : ''}x`, what) as RegistryReference;
    // The prefix and the source's path make one name, which must fit a registry too.
    refuseLongNames(path ? `${path}/${source.repository}` : source.repository, [], what);
    return { kind: 'prefix', registry: probe.registry, path };
  }
  const ref = parseReference(text, what);
  refuseStandardStream(ref, text, what, 'output');
  if (wholeRepository) {
    if (ref.transport !== 'registry') {
      throw new InputError(
        `${what} is ${quoted(text)}, a file, but the source is a whole repository: give a registry repository (or sync one image by giving the source a tag)`,
      );
    }
    if (ref.tags.length || ref.digest) {
      throw new InputError(
        `${what} is ${quoted(text)}, with a tag or digest, but the source is a whole repository: give the repository alone, which gets the same tag names`,
      );
    }
  }
  return { kind: 'reference', ref };
}

/**
 * A list copies many images, several at a time, and its log goes to standard output (the job log
 * in a workflow): no entry can stream an archive through standard input or output.
 */
function refuseStandardStream(ref: Reference, text: string, what: string, stream: 'input' | 'output'): void {
  if (ref.transport !== 'registry' && ref.path === '-') {
    throw new InputError(`${what} is ${quoted(text)}, standard ${stream}, which a list of images cannot stream through: give a file path`);
  }
}
