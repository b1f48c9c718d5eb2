import { defaultCacheFile, FileBlobInfoCache } from '../blob-cache/file-cache.js';
import { DEFAULT_CONCURRENCY } from '../copy/options.js';
import {
  integritySetting,
  MAX_PULL_BUDGET,
  parseBoolean,
  parseIntegrityMode,
  parsePlatforms,
  parseRequestsPerSecond,
  parseWholeNumber,
} from '../settings/values.js';
import { Input } from '../settings/names.js';
import type { BlobCacheStore, JobSettings } from '../job/settings.js';
import type { OpenTargetOptions } from '../targets/open-target.js';
import { FLAG_VOICE } from './voice.js';
import { UsageError } from './flags.js';
import { printable } from '../oci/text.js';
import { resolve as resolvePath } from 'node:path';

/** What every command's flags ask of a job, besides its work: typed from the flags themselves. */
export type FlagSettings = Omit<JobSettings, 'work'> & { blobCache: boolean };

/**
 * The settings the copy's and the sync's flags share, read from the parsed flags: booleans as
 * they are, values checked by the same code that checks the action's inputs, errors in the
 * command line's words (`--concurrency is 0: use a whole number from 1 to 64`).
 */
export function flagSettings(values: Record<string, unknown>, open: OpenTargetOptions): FlagSettings {
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : '');
  const on = (name: string) => values[name] === true;
  const platform = parsePlatforms(text('platform'), FLAG_VOICE);
  const caFile = text('ca-file').trim();
  const shared: OpenTargetOptions = { ...open, plainHttp: on('plain-http'), voice: FLAG_VOICE };
  return {
    image: { ...(platform ? { platform } : {}), referrers: on('referrers'), noClobber: on('no-clobber') },
    dryRun: on('dry-run'),
    concurrency: parseWholeNumber(text('concurrency'), Input.Concurrency, DEFAULT_CONCURRENCY, 1, 64, FLAG_VOICE),
    mount: !on('no-mount'),
    blobCache: !on('no-blob-cache'),
    failFast: on('fail-fast'),
    source: shared,
    destination: shared,
    trust: { ...(caFile ? { caFile } : {}), tlsVerify: parseBoolean(text('tls-verify'), Input.TlsVerify, true, FLAG_VOICE) },
    voice: FLAG_VOICE,
    ...(text('min-pulls-left')
      ? { minPullsLeft: parseWholeNumber(text('min-pulls-left'), Input.MinPullsLeft, 0, 0, MAX_PULL_BUDGET, FLAG_VOICE) }
      : {}),
    ...optionalRate(parseRequestsPerSecond(text('requests-per-second'), FLAG_VOICE)),
    ...lockSettings(text('lock-file').trim(), on('locked')),
    ...integrityFlags(text('check'), text('repair')),
  };
}

/** `--lock-file FILE` (relative to the working directory) and `--locked`, which reads it and so needs it. */
function lockSettings(file: string, locked: boolean): Pick<JobSettings, 'lock'> {
  if (locked && !file)
    throw new UsageError(
      '--locked copies what a lock names, and --lock-file is not given: add --lock-file FILE (written by a run without --locked)',
    );
  return file ? { lock: { path: resolvePath(file), name: printable(file), locked } } : {};
}

/** `--check[=deep]` and `--repair[=deep]`: the job's `integrity`, at most one of them. */
function integrityFlags(check: string, repair: string): Pick<JobSettings, 'integrity'> {
  const integrity = integritySetting(
    parseIntegrityMode(check, Input.Check, FLAG_VOICE),
    parseIntegrityMode(repair, Input.Repair, FLAG_VOICE),
    {
      check: '--check',
      repair: '--repair',
    },
  );
  return integrity ? { integrity } : {};
}

function optionalRate(n: number | undefined): { requestsPerSecond?: number } {
  return n === undefined ? {} : { requestsPerSecond: n };
}

/** The blob-info cache in the user's cache directory: loaded before a job, written back when it learnt something. */
export function fileCacheStore(env: NodeJS.ProcessEnv, warn: (line: string) => void): BlobCacheStore {
  const file = defaultCacheFile(env);
  let cache: FileBlobInfoCache | undefined;
  return {
    async restore() {
      cache = new FileBlobInfoCache({ warn });
      await cache.load(file);
      return cache;
    },
    async save() {
      if (cache?.changed) await cache.save(file);
    },
    pending: () => cache,
  };
}
