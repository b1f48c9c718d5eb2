import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { defaultCacheFile, FileBlobInfoCache } from '../blob-cache/file-cache.js';
import { messageOf } from '../oci/errors.js';
import type { BlobCacheStore } from '../job/settings.js';
import type { Shard } from '../plan/plan.js';
import { log } from './log.js';

/**
 * Carries the blob-info cache between workflow runs with the Actions cache service: restored by
 * key prefix before a copy, saved under a new key after it when it learnt something. The cache is
 * an optimisation, so every failure here is a warning and never fails the step.
 */

export type BlobCacheRestore =
  /** `key` is the newest restored; `keys` every one, when several were (one per shard of the last run). */
  | { status: 'restored'; key: string; keys?: string[]; entries: number }
  | { status: 'missed'; entries: number }
  | { status: 'skipped'; reason: string; entries: number };

export type BlobCacheSave =
  | { status: 'saved'; key: string; entries: number }
  | { status: 'unchanged' }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; key?: string; reason: string };

const UNAVAILABLE = 'the Actions cache service is not available to this job';

type CacheModule = typeof import('@actions/cache');
let cacheModule: Promise<CacheModule> | undefined;

/**
 * `@actions/cache` when this job has a cache service to talk to, else undefined. The module and the
 * Azure and protobuf code under it are most of the action's bundle: loading them took ~110 ms of
 * CPU and ~38 MB of memory at every start (Node 24), for jobs that never reach the service. The
 * module's own `isFeatureAvailable()` decides; neither of the two variables it reads (one per
 * service version) being set means it would say no, so it is not loaded for that.
 */
async function availableCache(env: NodeJS.ProcessEnv = process.env): Promise<CacheModule | undefined> {
  if (!env.ACTIONS_RESULTS_URL && !env.ACTIONS_CACHE_URL) return undefined;
  const cache = await (cacheModule ??= import('@actions/cache'));
  return cache.isFeatureAvailable() ? cache : undefined;
}

/**
 * Where the cache file lives in a job. The cache service's version hashes the literal path, so it
 * must be the same string in every run: `RUNNER_TEMP` is (and the runner empties it between jobs).
 */
export function blobCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  const temp = env.RUNNER_TEMP;
  return temp ? join(temp, 'oci-copy-blob-cache', 'blob-info.json') : defaultCacheFile(env);
}

/** A file cache that reports through the job's log. */
export function newBlobCache(): FileBlobInfoCache {
  return new FileBlobInfoCache({ warn: (m) => log.warning(m) });
}

/**
 * The key prefix a job saves under: `prefix`, or for shard K of N `prefix-shardKofN`, so each shard
 * keeps a key of its own (a later run's shards restore every one of them).
 */
export function blobCacheSavePrefix(prefix: string, shard?: Shard): string {
  return shard && shard.count > 1 ? `${prefix}-shard${shard.index}of${shard.count}` : prefix;
}

/**
 * The prefixes a job restores from, in order: for a shard of N, the newest cache of each of the N
 * shards, its own first, so every shard starts from what all of them learnt in the last run;
 * otherwise the newest cache of any kind under `prefix`.
 */
export function blobCacheRestorePrefixes(prefix: string, shard?: Shard): string[] {
  if (!shard || shard.count <= 1) return [`${prefix}-`];
  const own = `${blobCacheSavePrefix(prefix, shard)}-`;
  const others = Array.from({ length: shard.count }, (_, k) => `${prefix}-shard${k + 1}of${shard.count}-`).filter((p) => p !== own);
  return [own, ...others];
}

/**
 * Restores the newest cache saved under `prefix` (and, for a shard, the newest of every shard) and
 * loads each, on top of a file a previous step of the same job may have left. Never throws.
 */
export async function restoreBlobCache(prefix: string, shard?: Shard): Promise<{ cache: FileBlobInfoCache; restore: BlobCacheRestore }> {
  const blobCache = newBlobCache();
  const path = blobCacheFile();
  await blobCache.load(path);
  const cache = await availableCache();
  if (!cache) {
    log.notice(`Blob-info cache not restored: ${UNAVAILABLE}.`);
    return { cache: blobCache, restore: { status: 'skipped', reason: UNAVAILABLE, entries: blobCache.size } };
  }
  const restored: string[] = [];
  const restoreFrom = async (restoreKey: string) => {
    try {
      const key = await cache.restoreCache([path], restoreKey, [restoreKey]);
      if (!key || restored.includes(key)) return;
      await blobCache.load(path);
      restored.push(key);
    } catch (err) {
      log.warning(`Blob-info cache ${restoreKey}* not restored: ${messageOf(err)}`);
    }
  };
  const prefixes = blobCacheRestorePrefixes(prefix, shard);
  for (const restoreKey of prefixes) await restoreFrom(restoreKey);
  // A matrix whose shards saved nothing yet (its first run, or a new N) starts from any cache.
  if (!restored.length && prefixes.length > 1) await restoreFrom(`${prefix}-`);
  if (!restored.length) {
    log.info(`No blob-info cache restored for ${prefix}-*.`);
    return { cache: blobCache, restore: { status: 'missed', entries: blobCache.size } };
  }
  log.info(`Restored blob-info cache ${restored.join(', ')}: ${blobCache.size} known blob locations.`);
  return {
    cache: blobCache,
    restore: { status: 'restored', key: restored[0], ...(restored.length > 1 ? { keys: restored } : {}), entries: blobCache.size },
  };
}

/**
 * The key a save uses: `<prefix>-<run id>-<run attempt>`, with `-2`, `-3`, … when an earlier step of
 * this attempt already used it (cache keys are immutable, so a second save under it would fail).
 */
export function blobCacheSaveKey(prefix: string, restoredKey?: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = `${prefix}-${env.GITHUB_RUN_ID || Date.now()}-${env.GITHUB_RUN_ATTEMPT || '1'}`;
  if (restoredKey === base) return `${base}-2`;
  const m = restoredKey?.startsWith(`${base}-`) ? /^-(\d+)$/.exec(restoredKey.slice(base.length)) : null;
  return m ? `${base}-${Number(m[1]) + 1}` : base;
}

/**
 * Saves `blobCache` when it learnt something since it was restored. `restoredKey` is the key
 * `restoreBlobCache` found, if any. Never throws.
 */
export async function saveBlobCache(
  blobCache: FileBlobInfoCache,
  givenPrefix: string,
  restoredKey?: string,
  shard?: Shard,
): Promise<BlobCacheSave> {
  const prefix = blobCacheSavePrefix(givenPrefix, shard);
  if (!blobCache.changed) {
    log.info('Blob-info cache unchanged: not saved.');
    return { status: 'unchanged' };
  }
  const cache = await availableCache();
  if (!cache) {
    log.info(`Blob-info cache not saved: ${UNAVAILABLE}.`);
    return { status: 'skipped', reason: UNAVAILABLE };
  }
  const path = blobCacheFile();
  if (!(await blobCache.save(path))) return { status: 'failed', reason: `could not write ${path}` };
  let key: string | undefined;
  try {
    key = blobCacheSaveKey(prefix, restoredKey);
    let id = await cache.saveCache([path], key);
    if (id === -1) {
      // Keys are immutable: a parallel job of this run (a matrix) may have taken this one first.
      key = `${key}-${process.env.GITHUB_JOB || 'job'}-${randomBytes(3).toString('hex')}`;
      id = await cache.saveCache([path], key);
    }
    if (id === -1) {
      const reason = 'the cache service did not accept it';
      log.warning(`Blob-info cache not saved under ${key}: ${reason}; the next run starts from an older cache.`);
      return { status: 'failed', key, reason };
    }
    log.info(`Saved blob-info cache ${key}: ${blobCache.size} known blob locations.`);
    return { status: 'saved', key, entries: blobCache.size };
  } catch (err) {
    const reason = messageOf(err);
    log.warning(`Blob-info cache not saved: ${reason}`);
    return { status: 'failed', key, reason };
  }
}

/** One line for the job summary. */
export function describeBlobCache(restore: BlobCacheRestore | undefined, save: BlobCacheSave | undefined): string {
  const parts: string[] = [];
  if (restore?.status === 'restored')
    parts.push(`restored from ${(restore.keys ?? [restore.key]).join(', ')} (${restore.entries} locations)`);
  else if (restore?.status === 'missed') parts.push('nothing to restore');
  else if (restore?.status === 'skipped') parts.push(`not restored: ${restore.reason}`);
  if (save?.status === 'saved') parts.push(`saved as ${save.key} (${save.entries} locations)`);
  else if (save?.status === 'unchanged') parts.push('unchanged, not saved');
  else if (save?.status === 'skipped' && restore?.status !== 'skipped') parts.push(`not saved: ${save.reason}`);
  else if (save?.status === 'failed') parts.push(`not saved: ${save.reason}`);
  return parts.length ? `Blob-info cache: ${parts.join('; ')}.` : '';
}

/**
 * The job's cache store in a workflow: restored from the Actions cache service under `prefix`
 * (and, for a shard, every shard's newest), saved under a new key, and one line for the summary.
 */
export function actionCacheStore(prefix: string, shard?: Shard): BlobCacheStore {
  let restored: { cache: FileBlobInfoCache; restore: BlobCacheRestore } | undefined;
  let saved: BlobCacheSave | undefined;
  return {
    async restore() {
      restored = await restoreBlobCache(prefix, shard);
      return restored.cache;
    },
    async save() {
      if (!restored) return;
      const key = restored.restore.status === 'restored' ? restored.restore.key : undefined;
      saved = await saveBlobCache(restored.cache, prefix, key, shard);
    },
    note: () => (restored ? describeBlobCache(restored.restore, saved) : undefined),
    pending: () => restored?.cache,
  };
}
