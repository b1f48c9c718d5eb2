import type { Platform } from '../oci/descriptor.js';
import { DEFAULT_CONCURRENCY } from '../copy/options.js';
import { InputError } from '../oci/errors.js';
import { formatPlatform, parsePlatform } from '../oci/platform.js';
import { parseReference, type Reference } from '../oci/reference.js';
import { Input } from './names.js';
import { quoted } from '../oci/text.js';

export type Operation = 'copy' | 'import' | 'export';

export interface Credentials {
  username?: string;
  password?: string;
}

/** Everything the action was asked to do, parsed and checked once, before any network traffic. */
export interface Inputs {
  source: Reference;
  /** one or more, from the lines of the `destination` input */
  destinations: Reference[];
  /** the operation of each destination, in order */
  operations: Operation[];
  sourceCredentials: Credentials;
  destinationCredentials: Credentials;
  plainHttp: boolean;
  concurrency: number;
  mount: boolean;
  blobCache: boolean;
  blobCacheKey: string;
  /** One platform (its manifest is copied), or a list of several (a new index of just those). */
  platform?: Platform | Platform[];
  referrers: boolean;
  dryRun: boolean;
  /** Never move a destination tag that names another digest: fail instead. */
  noClobber: boolean;
  /** used for ghcr.io when no other credentials are given */
  githubToken?: string;
}

/** Reads one input as the runner passes it; '' when unset. */
export type InputReader = (name: string) => string;

export const DEFAULT_BLOB_CACHE_KEY = 'oci-copy-blob-info';

export function parseInputs(read: InputReader): Inputs {
  const get = (name: string) => read(name).trim();
  const source = parseReference(required(get, Input.Source), `input "${Input.Source}"`);
  const lines = required(get, Input.Destination)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const destinations = lines.map((line) => parseReference(line, `input "${Input.Destination}"`));
  const seen = new Set<string>();
  for (const line of lines) {
    if (seen.has(line)) throw new InputError(`input "${Input.Destination}" lists ${quoted(line)} twice: give each destination once`);
    seen.add(line);
  }
  const operations = destinations.map((d) => parseOperation(get(Input.Operation), source, d));

  const username = get(Input.Username);
  const password = read(Input.Password);
  const platform = parsePlatforms(get(Input.Platform));
  const blobCacheKey = get(Input.BlobCacheKey) || DEFAULT_BLOB_CACHE_KEY;
  if (blobCacheKey.length > 400 || /[,\s]/.test(blobCacheKey)) {
    throw new InputError(`input "${Input.BlobCacheKey}" must be at most 400 characters without commas or white space`);
  }
  return {
    source,
    destinations,
    operations,
    sourceCredentials: credentials(get(Input.SourceUsername) || username, read(Input.SourcePassword) || password, Input.SourceUsername),
    destinationCredentials: credentials(get(Input.DestinationUsername) || username, read(Input.DestinationPassword) || password, Input.DestinationUsername),
    plainHttp: bool(get, Input.PlainHttp, false),
    concurrency: wholeNumber(get, Input.Concurrency, DEFAULT_CONCURRENCY, 1, 64),
    mount: bool(get, Input.Mount, true),
    blobCache: bool(get, Input.BlobCache, true),
    blobCacheKey,
    ...(platform ? { platform } : {}),
    referrers: bool(get, Input.Referrers, false),
    dryRun: bool(get, Input.DryRun, false),
    noClobber: bool(get, Input.NoClobber, false),
    ...(read(Input.GithubToken) ? { githubToken: read(Input.GithubToken).trim() } : {}),
  };
}

/** `linux/amd64`, or a list separated by commas or new lines (`linux/amd64,linux/arm64`), each once. */
function parsePlatforms(value: string): Platform | Platform[] | undefined {
  const platforms: Platform[] = [];
  const seen = new Set<string>();
  for (const part of value.split(/[,\n]/).map((p) => p.trim()).filter(Boolean)) {
    const p = parsePlatform(part, `input "${Input.Platform}"`);
    const key = formatPlatform(p);
    if (!seen.has(key)) platforms.push(p);
    seen.add(key);
  }
  if (platforms.length === 0) return undefined;
  return platforms.length === 1 ? platforms[0] : platforms;
}

function required(get: (n: string) => string, name: string): string {
  const v = get(name);
  if (!v) throw new InputError(`input "${name}" is required: give a reference such as registry.example.com/app:1.0`);
  return v;
}

function credentials(username: string, password: string, usernameInput: string): Credentials {
  if (password && !username) throw new InputError(`a password is given without a username: set "${usernameInput}" or "${Input.Username}"`);
  return username ? { username, password } : {};
}

function bool(get: (n: string) => string, name: string, fallback: boolean): boolean {
  const v = get(name).toLowerCase();
  if (!v) return fallback;
  if (['true', 'yes', 'on', '1'].includes(v)) return true;
  if (['false', 'no', 'off', '0'].includes(v)) return false;
  throw new InputError(`input "${name}" is ${quoted(get(name))}: use true or false`);
}

function wholeNumber(get: (n: string) => string, name: string, fallback: number, min: number, max: number): number {
  const v = get(name);
  if (!v) return fallback;
  if (!/^[0-9]+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new InputError(`input "${name}" is ${quoted(v)}: use a whole number from ${min} to ${max}`);
  }
  return Number(v);
}

/** Import reads files into a registry, export writes a registry's content to files; copy is the rest. */
export function inferOperation(source: Reference, destination: Reference): Operation {
  const srcFile = source.transport !== 'registry';
  const dstFile = destination.transport !== 'registry';
  if (srcFile && !dstFile) return 'import';
  if (!srcFile && dstFile) return 'export';
  return 'copy';
}

function parseOperation(value: string, source: Reference, destination: Reference): Operation {
  const inferred = inferOperation(source, destination);
  const v = value.toLowerCase();
  if (!v || v === 'auto') return inferred;
  if (v !== 'copy' && v !== 'import' && v !== 'export') {
    throw new InputError(`input "${Input.Operation}" is ${quoted(value)}: use auto, copy, import or export`);
  }
  if (v !== inferred) {
    const why: Record<Operation, string> = {
      import: 'import reads an oci: or oci-archive: source into a registry destination',
      export: 'export writes a registry source to an oci: or oci-archive: destination',
      copy: 'copy goes registry to registry, or between oci: and oci-archive: files',
    };
    throw new InputError(`input "${Input.Operation}" is ${v} but ${source.transport} → ${destination.transport} is ${inferred}: ${why[v]}; use auto`);
  }
  return v;
}
