import type { SyncEntry } from '../../../plan/entries.js';
import type { ItemOutcome, PruneOutcome } from '../../outcome/outcome.js';
import { pruneEntries } from './prune-entries.js';
import type { JobPlan, JobReporter } from '../../settings.js';
import type { TargetPool } from '../../target-pool.js';
import type { FeatureOutcome, JobFeature } from '../feature.js';

export interface PruneFeatureOptions {
  entries: readonly SyncEntry[];
  pool: TargetPool;
  dryRun: boolean;
  failFast: boolean;
  concurrency: number;
  signal: AbortSignal;
  warn(line: string): void;
  reporter: JobReporter;
}

/**
 * Prune as a job feature: once every item is done, each entry with `prune: true` has its
 * destination pruned (see prune-entries.ts). A cancelled job prunes nothing; after a failure with
 * fail-fast, each pruning entry says it did not run.
 */
export class PruneFeature implements JobFeature {
  private plan: JobPlan | undefined;
  private pruned: PruneOutcome[] | undefined;

  constructor(private readonly options: PruneFeatureOptions) {}

  planned(plan: JobPlan): JobPlan {
    this.plan = plan;
    return plan;
  }

  async afterItems(results: readonly ItemOutcome[]): Promise<void> {
    const { options } = this;
    if (!this.plan || options.signal.aborted) return;
    const failedFast = options.failFast && results.some((r) => r.status === 'failed');
    this.pruned = await pruneEntries(options.entries, this.plan, results, options.pool, {
      dryRun: options.dryRun,
      ...(failedFast ? { notRun: 'not run: an image failed and fail-fast is set' } : {}),
      concurrency: options.concurrency,
      signal: options.signal,
      warning: options.warn,
    });
    for (const p of this.pruned) options.reporter.pruned?.(p, options.dryRun);
  }

  outcome(): FeatureOutcome {
    return this.pruned ? { pruned: this.pruned } : {};
  }
}
