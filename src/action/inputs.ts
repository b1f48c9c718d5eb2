import { readFileSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { Platform } from '../oci/descriptor.js';
import { DEFAULT_CONCURRENCY } from '../copy/options.js';
import { InputError, messageOf } from '../oci/errors.js';
import { parseReference, type Reference } from '../oci/reference.js';
import { printable, quoted } from '../oci/text.js';
import type { SyncEntry } from '../plan/entries.js';
import type { IntegritySettings } from '../job/settings.js';
import { parseOperation, type InPlaceOperation, type Operation } from '../plan/operation.js';
import { checkInPlace } from '../job/in-place.js';
import { parseShard, type Shard } from '../plan/plan.js';
import { Input } from '../settings/names.js';
import {
  integritySetting,
  MAX_LIST_BYTES,
  MAX_PULL_BUDGET,
  parseBoolean,
  parseDestinations,
  parseIntegrityMode,
  parsePlatforms,
  parseRequestsPerSecond,
  parseWholeNumber,
  type Credentials,
} from '../settings/values.js';
import { ACTION_VOICE, type Voice } from '../settings/voice.js';
import { parseSignatureInputs, type SignatureInputs } from '../signatures/parse-settings.js';
import { SignSetting, VerifySetting } from '../signatures/settings.js';

/** What every copy takes, one image or many: credentials, transfer settings, what to copy of each image. */
export interface CommonInputs {
  sourceCredentials: Credentials;
  destinationCredentials: Credentials;
  plainHttp: boolean;
  /** false: accept any registry certificate. */
  tlsVerify: boolean;
  /** A file of PEM certificates to trust besides the system's. */
  caFile?: string;
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
  /** stop at the first failed image or destination instead of trying every one */
  failFast: boolean;
  /**
   * Start no copy from a registry whose pull limit (`ratelimit-remaining`) would fall below this;
   * what is left waits for the next run. Unset: no budget.
   */
  minPullsLeft?: number;
  /** At most this many requests a second to each registry host. Unset: no limit. */
  requestsPerSecond?: number;
  /** Where the lock is written after the job (or, with `locked`, read from), as given. */
  lockFile?: string;
  /** Copy exactly the digests the lock names. */
  locked: boolean;
  /** The signature policy each image must satisfy before it is copied, and signing on promotion. */
  signatures: SignatureInputs;
  /** `check` (write nothing, report what the destination lacks) or `repair` (put it back); `deep` hashes every blob. */
  integrity?: IntegritySettings;
}

/** One image (the `source` input) to one or more destinations, parsed and checked before any network traffic. */
export interface Inputs extends CommonInputs {
  source: Reference;
  /** one or more, from the lines of the `destination` input */
  destinations: Reference[];
  /** the operation of each destination, in order */
  operations: Operation[];
}

/** Many images (the `images` or `images-file` list), parsed and checked before any network traffic. */
export interface SyncInputs extends CommonInputs {
  entries: SyncEntry[];
  /** where the list came from, for messages */
  origin: string;
  shard?: Shard;
}

/** One image acted on where it is (`operation: verify` or `sign`, with `source` alone), parsed and checked. */
export interface InPlaceInputs extends CommonInputs {
  operation: InPlaceOperation;
  reference: Reference;
  /** Inputs given that the operation does not use, each one line to say so. */
  unused: string[];
  /** Whether `sign` was given (else `sign` signs keyless, or with `sign-key` when that is given). */
  signGiven: boolean;
}

/** What a step was asked to do: copy one image, sync a list of them, or verify or sign one in place. */
export type StepInputs =
  | { mode: 'copy'; inputs: Inputs }
  | { mode: 'sync'; inputs: SyncInputs }
  | { mode: 'in-place'; inputs: InPlaceInputs };

/** Reads a file named by an input (images-file), relative to the workspace. */
export type FileReader = (path: string) => string;

/** Reads one input as the runner passes it; '' when unset. */
export type InputReader = (name: string) => string;

export const DEFAULT_BLOB_CACHE_KEY = 'oci-copy-blob-info';

/**
 * The step's inputs: `source` and `destination` for one image, or `images` / `images-file` for
 * many; giving both kinds, or neither, is an error. The list's YAML reader loads only for a list.
 */
export async function parseStepInputs(
  read: InputReader,
  readFile: FileReader = readWorkspaceFile,
  voice: Voice = ACTION_VOICE,
): Promise<StepInputs> {
  const get = (name: string) => read(name).trim();
  const one = [Input.Source, Input.Destination].filter((n) => get(n));
  const many = [Input.Images, Input.ImagesFile].filter((n) => get(n));
  if (one.length && many.length) {
    throw new InputError(
      `${voice.input(one[0])} and ${voice.input(many[0])} are both given: use source and destination for one image, or images / images-file for many, not both`,
    );
  }
  const operation = get(Input.Operation).toLowerCase();
  if (operation === 'verify' || operation === 'sign') {
    if (many.length)
      throw new InputError(
        `${voice.input(Input.Operation)} is ${operation}, which acts on one image where it is: give it as ${voice.input(Input.Source)}, not ${voice.input(many[0])}`,
      );
    return { mode: 'in-place', inputs: parseInPlaceInputs(read, operation, voice) };
  }
  if (operation && !['auto', 'copy', 'import', 'export'].includes(operation))
    throw new InputError(
      `${voice.input(Input.Operation)} is ${voice.value(get(Input.Operation))}: use auto, copy, import, export, verify or sign`,
    );
  if (many.length === 2)
    throw new InputError(
      `${voice.input(Input.Images)} and ${voice.input(Input.ImagesFile)} are both given: give the list inline or in a file, not both`,
    );
  if (!many.length) return { mode: 'copy', inputs: parseInputs(read, voice) };
  if (get(Input.Operation) && get(Input.Operation).toLowerCase() !== 'auto') {
    throw new InputError(`${voice.input(Input.Operation)} applies to source and destination, not to a list of images: leave it out`);
  }
  let text: string;
  let origin: string;
  if (many[0] === Input.Images) {
    text = read(Input.Images);
    origin = voice.input(Input.Images);
  } else {
    const path = get(Input.ImagesFile);
    origin = `${Input.ImagesFile} ${printable(path)}`;
    try {
      text = readFile(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? messageOf(err)})`;
      throw new InputError(
        `${voice.input(Input.ImagesFile)} names ${quoted(path)}, which ${why}: give a YAML file in the workspace (check out the repository first)`,
      );
    }
  }
  const common = parseCommonInputs(read, voice);
  const { parseSyncEntries } = await import('../plan/entries.js');
  return {
    mode: 'sync',
    inputs: {
      ...common,
      entries: parseSyncEntries(text, origin),
      origin,
      ...(get(Input.Shard) ? { shard: parseShard(get(Input.Shard), voice.input(Input.Shard)) } : {}),
    },
  };
}

/** A file of the workspace: a relative path is read from `GITHUB_WORKSPACE` (the working directory elsewhere). */
export function readWorkspaceFile(path: string): string {
  const base = process.env.GITHUB_WORKSPACE || process.cwd();
  const full = resolvePath(base, path);
  if (statSync(full).size > MAX_LIST_BYTES) throw Object.assign(new Error('too large'), { code: `larger than ${MAX_LIST_BYTES} bytes` });
  return readFileSync(full, 'utf8');
}

/** Parses and checks every input of the one-image step; errors name the inputs as `voice` says (the action's by default). */
export function parseInputs(read: InputReader, voice: Voice = ACTION_VOICE): Inputs {
  const get = (name: string) => read(name).trim();
  const source = parseReference(required(get, Input.Source, voice), voice.input(Input.Source));
  const lines = required(get, Input.Destination, voice)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const destinations = parseDestinations(lines, voice);
  const operations = destinations.map((d) => parseOperation(get(Input.Operation), source, d, voice));
  return { source, destinations, operations, ...parseCommonInputs(read, voice) };
}

/**
 * The step that verifies or signs `source` where it is: a registry repository or an `oci:` layout.
 * `verify` needs a policy; `sign` signs keyless unless `sign-key` is given (then `sign: key`), as
 * cosign sign does, and `sign` may say which. What only a copy uses (`destination` and its
 * credentials, `referrers`, `no-clobber`, `lock-file`, `locked`; for `verify`, the signing inputs) is not used: each one
 * given is one line saying so.
 */
export function parseInPlaceInputs(read: InputReader, operation: InPlaceOperation, voice: Voice = ACTION_VOICE): InPlaceInputs {
  const get = (name: string) => read(name).trim();
  const reference = parseReference(required(get, Input.Source, voice), voice.input(Input.Source));
  const copyOnly: string[] = [
    Input.Destination,
    Input.DestinationUsername,
    Input.DestinationPassword,
    Input.Referrers,
    Input.NoClobber,
    Input.LockFile,
    Input.Locked,
  ];
  const signing: string[] = [SignSetting.Sign, SignSetting.Key, SignSetting.KeyPassword, SignSetting.Format];
  const unusedNames = [...copyOnly, ...(operation === 'verify' ? signing : [])].filter((n) => get(n) && get(n).toLowerCase() !== 'false');
  const unused = unusedNames.map(
    (n) =>
      `${voice.input(n)} is not used with ${voice.input(Input.Operation)} ${operation}: ${operation} acts on ${voice.input(Input.Source)} where it is; leave it out`,
  );
  // Sign: keyless unless a key is given, as cosign sign does; verify: no signing, whatever was given.
  const readIn: InputReader = (name) => {
    if (unusedNames.includes(name)) return '';
    if (name === SignSetting.Sign && operation === 'sign' && !get(name)) return get(SignSetting.Key) ? 'key' : 'keyless';
    return read(name);
  };
  const common = parseCommonInputs(readIn, voice);
  checkInPlace(reference, operation, common.platform, voice.input(Input.Source));
  if (operation === 'verify' && !common.signatures.verify)
    throw new InputError(
      `${voice.input(Input.Operation)} verify needs a policy: give ${voice.input(VerifySetting.Key)}, or ${voice.input(VerifySetting.CertificateIdentity)} (or -regexp) with ${voice.input(VerifySetting.CertificateOidcIssuer)}`,
    );
  if (operation === 'sign' && !common.signatures.sign)
    throw new InputError(
      `${voice.input(Input.Operation)} sign signs: ${voice.input(SignSetting.Sign)} cannot be false with it (give keyless or key)`,
    );
  return { ...common, operation, reference, unused, signGiven: get(SignSetting.Sign) !== '' };
}

/** The inputs both kinds of step share. */
export function parseCommonInputs(read: InputReader, voice: Voice = ACTION_VOICE): CommonInputs {
  const get = (name: string) => read(name).trim();
  const username = get(Input.Username);
  const password = read(Input.Password);
  const platform = parsePlatforms(get(Input.Platform), voice);
  const blobCacheKey = get(Input.BlobCacheKey) || DEFAULT_BLOB_CACHE_KEY;
  if (blobCacheKey.length > 400 || /[,\s]/.test(blobCacheKey)) {
    throw new InputError(`${voice.input(Input.BlobCacheKey)} must be at most 400 characters without commas or white space`);
  }
  const caFile = get(Input.CaFile);
  const side = (user: string, pass: string) => {
    const from = get(user)
      ? `the ${user} and ${pass} inputs`
      : username
        ? `the ${Input.Username} and ${Input.Password} inputs`
        : `the ${user} and ${Input.Username} inputs`;
    return credentials(get(user) || username, read(pass) || password, from, user, voice);
  };
  return {
    sourceCredentials: side(Input.SourceUsername, Input.SourcePassword),
    destinationCredentials: side(Input.DestinationUsername, Input.DestinationPassword),
    plainHttp: bool(get, Input.PlainHttp, false, voice),
    tlsVerify: bool(get, Input.TlsVerify, true, voice),
    ...(caFile ? { caFile } : {}),
    concurrency: parseWholeNumber(get(Input.Concurrency), Input.Concurrency, DEFAULT_CONCURRENCY, 1, 64, voice),
    mount: bool(get, Input.Mount, true, voice),
    blobCache: bool(get, Input.BlobCache, true, voice),
    blobCacheKey,
    ...(platform ? { platform } : {}),
    referrers: bool(get, Input.Referrers, false, voice),
    dryRun: bool(get, Input.DryRun, false, voice),
    noClobber: bool(get, Input.NoClobber, false, voice),
    ...(read(Input.GithubToken) ? { githubToken: read(Input.GithubToken).trim() } : {}),
    failFast: bool(get, Input.FailFast, false, voice),
    ...optional(
      'minPullsLeft',
      get(Input.MinPullsLeft) ? parseWholeNumber(get(Input.MinPullsLeft), Input.MinPullsLeft, 0, 0, MAX_PULL_BUDGET, voice) : undefined,
    ),
    ...optional('requestsPerSecond', requestRate(get, voice)),
    ...lockInputs(get, voice),
    signatures: parseSignatureInputs(read, voice, process.env, readWorkspaceFile),
    ...optional(
      'integrity',
      integritySetting(
        parseIntegrityMode(get(Input.Check), Input.Check, voice),
        parseIntegrityMode(get(Input.Repair), Input.Repair, voice),
        {
          check: voice.input(Input.Check),
          repair: voice.input(Input.Repair),
        },
      ),
    ),
  };
}

/** `lock-file` and `locked`: `locked` reads a lock, so it needs the file. */
function lockInputs(get: (n: string) => string, voice: Voice): Pick<CommonInputs, 'lockFile' | 'locked'> {
  const lockFile = get(Input.LockFile);
  const locked = bool(get, Input.Locked, false, voice);
  if (locked && !lockFile) {
    throw new InputError(
      `${voice.input(Input.Locked)} copies what a lock names, and ${voice.input(Input.LockFile)} is not given: name the lock file (written by a run without locked)`,
    );
  }
  return { ...(lockFile ? { lockFile } : {}), locked };
}

/** `{ [name]: value }`, or nothing when the value is undefined. */
function optional<K extends string, V>(name: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [name]: value }) as { [P in K]?: V };
}

/** `requests-per-second`: a number of requests (`5`, `0.5`, `33.3`), or undefined when not given. */
function requestRate(get: (n: string) => string, voice: Voice): number | undefined {
  return parseRequestsPerSecond(get(Input.RequestsPerSecond), voice);
}

function required(get: (n: string) => string, name: string, voice: Voice): string {
  const v = get(name);
  if (!v) throw new InputError(`${voice.input(name)} is required: give a reference such as registry.example.com/app:1.0`);
  return v;
}

function credentials(username: string, password: string, from: string, usernameInput: string, voice: Voice): Credentials {
  if (password && !username) {
    throw new InputError(`a password is given without a username: set ${voice.input(usernameInput)} or ${voice.input(Input.Username)}`);
  }
  return username ? { username, password, from } : { from };
}

function bool(get: (n: string) => string, name: string, fallback: boolean, voice: Voice): boolean {
  return parseBoolean(get(name), name, fallback, voice);
}
