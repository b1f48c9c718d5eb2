import { BlobLedger } from '../copy/blob-ledger.js';
import { Limiter } from '../copy/limiter.js';
import { DEFAULT_CONCURRENCY } from '../copy/options.js';
import { CancelledError } from '../oci/errors.js';
import { onInterrupt } from '../runtime/interrupt.js';
import type { ImageCheck } from './checks.js';
import { loadNetwork } from './network.js';
import { noClobberCheck } from './no-clobber.js';
import { jobOutcome, type JobOutcome } from './outcome.js';
import type { PipelineContext } from './pipeline/context.js';
import { SourceRoots } from './pipeline/resolve.js';
import { planWork } from './plan-work.js';
import { pruneEntries } from './prune-stage.js';
import { PullBudget } from './features/pull-budget/pull-budget.js';
import { PullBudgetCheck } from './features/pull-budget/budget-check.js';
import { OrderGate } from './features/pull-budget/order-gate.js';
import { pendingFirst, pendingKeys } from '../plan/resume.js';
import type { PlanItem } from '../plan/plan.js';
import { RequestRate } from '../targets/registry/network/request-rate.js';
import { runItems } from './run-items.js';
import type { JobHooks, JobSettings } from './settings.js';
import { TargetPool } from './target-pool.js';

/** The checks every job runs first, in order. */
export const BUILT_IN_CHECKS: readonly ImageCheck[] = [noClobberCheck];


/**
 * Runs a job: the one place that opens the targets (one pool, one set of connections per
 * registry), wires interrupts, loads the trust settings, plans, runs every item down the
 * per-image pipeline, closes the targets and decides whether the blob-info cache is saved. The
 * action, the command line and the library all call it; what they show comes from its outcome.
 *
 * Closing follows one rule: a target that served an item that succeeded commits what it wrote,
 * every other one throws its work away (an interrupt closes them all as failed at once). The cache
 * is restored when mounts are on and a registry is involved, and saved when something succeeded
 * and it was no dry run.
 */
export async function runJob(settings: JobSettings, hooks: JobHooks = {}): Promise<JobOutcome> {
  const startedAt = Date.now();
  const reporter = hooks.reporter ?? {};
  const warnings: string[] = [];
  /** Something asked for and not done: in the outcome, and told as it happens. */
  const warn = (line: string) => {
    warnings.push(line);
    reporter.warning?.(line);
  };
  // Trust given as settings is loaded once for both sides; without it, each side's own stands.
  const network = settings.trust ? { network: await loadNetwork(settings.trust, settings.voice, warn) } : {};
  const dryRun = settings.dryRun === true;
  const voice = settings.voice ? { voice: settings.voice } : {};
  // One request schedule for the whole job: both sides' requests to a host count together.
  const rate = settings.requestsPerSecond !== undefined ? { requestRate: new RequestRate(settings.requestsPerSecond) } : {};
  const pool = new TargetPool({ ...voice, ...settings.source, ...network, ...rate }, { ...voice, ...settings.destination, ...network, ...rate, dryRun });
  const controller = new AbortController();
  const onAbort = () => controller.abort(settings.signal?.reason);
  if (settings.signal?.aborted) onAbort();
  else settings.signal?.addEventListener('abort', onAbort, { once: true });
  // An interrupt removes what is half written: every target closes as failed.
  const dropCleanup = onInterrupt(() => {
    controller.abort(new CancelledError('interrupted'));
    return pool.close('failure');
  });
  let closed = false;
  try {
    const work = settings.work;
    const mount = settings.mount !== false;
    // What a copy learns of where blobs live in registries serves later mounts: none without a registry.
    // A pull budget keeps the images it left in the same store, for the next run to start with.
    const budgeted = settings.minPullsLeft !== undefined;
    const wantsCache = (mount || budgeted) && (work.kind === 'sync' || [work.source, ...work.destinations].some((r) => r.transport === 'registry'));
    const store = wantsCache ? hooks.cacheStore : undefined;
    const restored = await store?.restore();
    const blobCache = mount ? restored : undefined;
    const concurrency = settings.concurrency ?? DEFAULT_CONCURRENCY;
    const planned = await planWork(work, pool, { concurrency });
    for (const line of planned.problems ?? []) warn(line);
    const budget = budgeted ? new PullBudget(settings.minPullsLeft!, (registry) => pool.connections.rateLimitOf(registry)) : undefined;
    // What the budget left last time goes first: a sync's, kept where the store keeps it.
    const pending = restored && work.kind === 'sync' ? store?.pending?.() : undefined;
    const plan = budget && pending ? { ...planned, items: pendingFirst(planned.items, pending.pendingItems()) } : planned;
    const gate = budget ? new OrderGate(plan.items) : undefined;
    const budgetCheck = budget ? new PullBudgetCheck(budget, gate) : undefined;
    reporter.planned?.(plan);
    const ctx: PipelineContext = {
      pool,
      roots: new SourceRoots(new Limiter(concurrency), controller.signal),
      engine: {
        concurrency,
        mount,
        dryRun,
        ...(blobCache ? { blobCache } : {}),
        transfers: new Limiter(concurrency),
        checks: new Limiter(concurrency),
        ledger: new BlobLedger(),
        signal: controller.signal,
      },
      dryRun,
      walkInDryRun: work.kind === 'copy',
      // The budget last: an image another check refuses spends no pulls.
      checks: [...BUILT_IN_CHECKS, ...(settings.checks ?? []), ...(budgetCheck ? [budgetCheck] : [])],
      afterTag: settings.afterTag ?? [],
      signal: controller.signal,
    };
    const items = plan.items;
    const results = await runItems(items, ctx, {
      // One image to several places: one group, its destinations copied in turn. Many images: one each.
      groups: work.kind === 'copy' ? [items.map((_, i) => i)] : items.map((_, i) => [i]),
      parallel: work.kind === 'copy' ? 1 : (settings.parallel ?? concurrency),
      failFast: settings.failFast === true,
      defaults: settings.image ?? {},
      reporter,
      ...(budgetCheck ? { itemFinished: (item: PlanItem) => budgetCheck.release(item) } : {}),
      ...(gate ? { itemPrepared: (item: PlanItem) => gate.pass(item) } : {}),
    });
    // A cancelled job prunes nothing; after a failure with fail-fast, each pruning entry says it did not run.
    const failedFast = settings.failFast === true && results.some((r) => r.status === 'failed');
    const pruned =
      work.kind === 'sync' && work.entries.some((e) => e.prune) && !controller.signal.aborted
        ? await pruneEntries(work.entries, plan, results, pool, {
            dryRun,
            ...(failedFast ? { notRun: 'not run: an image failed and fail-fast is set' } : {}),
            concurrency,
            signal: controller.signal,
            warning: warn,
          })
        : undefined;
    for (const p of pruned ?? []) reporter.pruned?.(p, dryRun);
    let pullBudget: string | undefined;
    if (budget) {
      const left = results.filter((r) => r.status === 'deferred').map((r) => r.item);
      if (budget.stopped) {
        pullBudget = budget.describe(left.length, results.length);
        reporter.budgetStopped?.(pullBudget);
      }
      if (!dryRun && pending) pending.setPendingItems(pendingKeys(left));
    }
    const rateLimits = pool.rateLimits();
    closed = true;
    await pool.close();
    const succeeded = results.some((r) => r.status !== 'failed' && r.status !== 'skipped' && r.status !== 'deferred');
    if (store && restored && (succeeded || budget) && !dryRun) await store.save();
    const cacheNote = store?.note?.();
    return jobOutcome(work.kind, dryRun, results, {
      plan: {
        all: plan.all.length,
        ...(plan.entries !== undefined ? { entries: plan.entries } : {}),
        ...(plan.shard ? { shard: plan.shard } : {}),
        ...(plan.nothingSelected?.length ? { nothingSelected: plan.nothingSelected } : {}),
      },
      rateLimits,
      durationMs: Date.now() - startedAt,
      warnings,
      failFast: settings.failFast === true,
      ...(cacheNote ? { cacheNote } : {}),
      ...(pullBudget ? { pullBudget } : {}),
      ...(pruned ? { pruned } : {}),
    });
  } finally {
    dropCleanup();
    settings.signal?.removeEventListener('abort', onAbort);
    if (!closed) await pool.close().catch(() => undefined);
  }
}
