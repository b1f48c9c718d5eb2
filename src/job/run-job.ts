import { BlobLedger } from '../copy/blob-ledger.js';
import { Limiter } from '../copy/limiter.js';
import { DestinationCheck } from '../integrity/destination-check.js';
import type { ImageCheck } from './checks/check.js';
import type { JobFeature } from './features/feature.js';
import { jobFeatures } from './features/job-features.js';
import type { Reference } from '../oci/reference.js';
import { checkInPlace } from './in-place.js';
import { noClobberCheck } from './checks/no-clobber.js';
import { openJob, type OpenJob } from './open-job.js';
import { jobOutcome, type ItemOutcome, type JobOutcome } from './outcome/outcome.js';
import type { PipelineContext } from './pipeline/context.js';
import { SourceRoots } from './pipeline/resolve.js';
import { planWork } from './plan-work.js';
import { runItems } from './run-items.js';
import type { JobHooks, JobPlan, JobSettings } from './settings.js';

/** The checks every job runs first, in order. */
export const BUILT_IN_CHECKS: readonly ImageCheck[] = [noClobberCheck];

/** An open job with the features its settings ask for. */
interface Job extends OpenJob {
  features: readonly JobFeature[];
}

/**
 * Runs a job: the one place that opens the targets (one pool, one set of connections per
 * registry), wires interrupts, loads the trust settings, plans, runs every item down the
 * per-image pipeline, closes the targets and keeps what should outlive the job. The action, the
 * command line and the library all call it; what they show comes from its outcome. Job-level
 * features (the pull budget, prune, the blob-info cache rule) join each phase through their hooks.
 *
 * Closing follows one rule: a target that served an item that succeeded commits what it wrote,
 * every other one throws its work away (an interrupt closes them all as failed at once).
 */
export async function runJob(settings: JobSettings, hooks: JobHooks = {}): Promise<JobOutcome> {
  const job = await openPhase(settings, hooks);
  try {
    const plan = await planPhase(job);
    const results = await runItemsPhase(job, plan);
    await afterItemsPhase(job, results);
    return await closePhase(job, plan, results);
  } finally {
    await job.release();
  }
}

/** Trust, the pool and interrupts, then the features the settings ask for, each opened (the cache restored). */
async function openPhase(settings: JobSettings, hooks: JobHooks): Promise<Job> {
  const work = settings.work;
  if (work.kind === 'in-place') checkInPlace(work.reference, work.operation, settings.image?.platform, 'the reference');
  const opened = await openJob(settings, hooks.reporter ?? {});
  const job: Job = { ...opened, features: jobFeatures(opened, hooks.cacheStore) };
  try {
    for (const f of job.features) await f.open?.();
  } catch (err) {
    await job.release();
    throw err;
  }
  return job;
}

/** The work as items, each feature seeing the plan (and reordering it) before the shell does. */
async function planPhase(job: Job): Promise<JobPlan> {
  const knownTags = (repository: Reference) => {
    for (const f of job.features) {
      const tags = f.sourceTags?.(repository);
      if (tags) return tags;
    }
    return undefined;
  };
  const checking = job.settings.integrity?.mode === 'check';
  const planned = await planWork(job.settings.work, job.pool, { concurrency: job.concurrency, knownTags, checking });
  for (const line of planned.problems ?? []) job.warn(line);
  let plan: JobPlan = planned;
  for (const f of job.features) plan = f.planned?.(plan) ?? plan;
  job.reporter.planned?.(plan);
  return plan;
}

/** Every item down the per-image pipeline, under one transfer budget and one ledger. */
async function runItemsPhase(job: Job, plan: JobPlan): Promise<ItemOutcome[]> {
  const { settings, concurrency, dryRun, signal } = job;
  const work = settings.work;
  const transfers = new Limiter(concurrency);
  const checks = new Limiter(concurrency);
  const integrity = settings.integrity;
  const checking = integrity?.mode === 'check';
  const allChecks = [...BUILT_IN_CHECKS, ...(settings.checks ?? []), ...job.features.flatMap((f) => (f.check ? [f.check] : []))];
  const ctx: PipelineContext = {
    pool: job.pool,
    roots: new SourceRoots(new Limiter(concurrency), signal),
    engine: {
      concurrency,
      mount: settings.mount !== false,
      dryRun,
      ...gathered(job.features.map((f) => f.engine?.())),
      transfers,
      checks,
      ledger: new BlobLedger(),
      signal,
    },
    dryRun,
    walkInDryRun: work.kind === 'copy',
    // The features' checks last: an image another check refuses spends no pulls. A check of the
    // destinations moves nothing: only the gates of every run (a signature policy) apply.
    checks: checking ? allChecks.filter((c) => c.everyRun) : allChecks,
    afterTag: checking ? [] : (settings.afterTag ?? []),
    signal,
    ...(integrity
      ? { integrity: { mode: integrity.mode, check: new DestinationCheck({ deep: integrity.deep === true, checks, transfers }) } }
      : {}),
  };
  const items = plan.items;
  return runItems(items, ctx, {
    // One image to several places: one group, its destinations copied in turn. Many images: one each.
    groups: work.kind === 'sync' ? items.map((_, i) => [i]) : [items.map((_, i) => i)],
    parallel: work.kind === 'sync' ? (settings.parallel ?? concurrency) : 1,
    failFast: settings.failFast === true,
    defaults: settings.image ?? {},
    reporter: job.reporter,
    watchers: job.features,
  });
}

/** What the features do once every item is done (prune; the pull budget keeps what it left). */
async function afterItemsPhase(job: Job, results: readonly ItemOutcome[]): Promise<void> {
  for (const f of job.features) await f.afterItems?.(results);
}

/** The targets closed (committing what succeeded), the features' own closing, then the outcome. */
async function closePhase(job: Job, plan: JobPlan, results: ItemOutcome[]): Promise<JobOutcome> {
  const rateLimits = job.pool.rateLimits();
  await job.closeTargets();
  for (const f of job.features) await f.close?.(results);
  // An image acted on in place is one image, reported as a one-image job is.
  return jobOutcome(job.settings.work.kind === 'sync' ? 'sync' : 'copy', job.dryRun, results, {
    plan: {
      all: plan.all.length,
      ...(plan.entries !== undefined ? { entries: plan.entries } : {}),
      ...(plan.shard ? { shard: plan.shard } : {}),
      ...(plan.nothingSelected?.length ? { nothingSelected: plan.nothingSelected } : {}),
    },
    rateLimits,
    durationMs: Date.now() - job.startedAt,
    warnings: job.warnings,
    failFast: job.settings.failFast === true,
    ...(job.settings.integrity ? { integrity: job.settings.integrity.mode } : {}),
    ...gathered(job.features.map((f) => f.outcome?.())),
  });
}

/** The features' parts, one object. */
function gathered<T extends object>(parts: readonly (T | undefined)[]): T {
  return Object.assign({}, ...parts) as T;
}
