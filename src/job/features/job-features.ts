import type { OpenJob } from '../open-job.js';
import type { BlobCacheStore } from '../settings.js';
import { BlobCacheRule } from './blob-cache-rule.js';
import type { JobFeature } from './feature.js';
import { PullBudgetFeature } from './pull-budget/budget-feature.js';
import { PruneFeature } from './prune/prune-feature.js';
import { LockFeature } from './lock/lock-feature.js';

/**
 * The features a job's settings ask for, built in one place, in the order their hooks run: the
 * lock pins the plan's items before the pull budget orders them (and is written once the targets
 * close), prune acts before the pull budget keeps what it left, and the cache saves last.
 */
export function jobFeatures(job: OpenJob, cacheStore: BlobCacheStore | undefined): JobFeature[] {
  const { settings } = job;
  const work = settings.work;
  const cache = new BlobCacheRule(settings, cacheStore);
  const features: JobFeature[] = [];
  // The lock first: the items it pins (new objects) are the ones the pull budget then orders and admits.
  if (settings.lock) {
    features.push(
      new LockFeature({
        settings: settings.lock,
        dryRun: job.dryRun,
        checking: settings.integrity?.mode === 'check',
        signal: job.signal,
        warn: job.warn,
        reporter: job.reporter,
      }),
    );
  }
  // A check of the destinations prunes nothing, not even in words.
  if (work.kind === 'sync' && work.entries.some((e) => e.prune) && settings.integrity?.mode !== 'check') {
    features.push(
      new PruneFeature({
        entries: work.entries,
        pool: job.pool,
        dryRun: job.dryRun,
        failFast: settings.failFast === true,
        concurrency: job.concurrency,
        signal: job.signal,
        warn: job.warn,
        reporter: job.reporter,
      }),
    );
  }
  if (settings.minPullsLeft !== undefined) {
    features.push(
      new PullBudgetFeature({
        minPullsLeft: settings.minPullsLeft,
        rateLimitOf: (registry) => job.pool.connections.rateLimitOf(registry),
        // Only a sync resumes where the budget stopped.
        pending: () => (work.kind === 'sync' ? cache.pending() : undefined),
        dryRun: job.dryRun,
        reporter: job.reporter,
      }),
    );
  }
  features.push(cache);
  return features;
}
