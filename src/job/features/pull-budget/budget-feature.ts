import type { PendingItems } from '../../../blob-cache/types.js';
import type { PlanItem } from '../../../plan/plan.js';
import { pendingFirst, pendingKeys } from '../../../plan/resume.js';
import type { RateLimitNote } from '../../../targets/registry/index.js';
import type { ItemOutcome } from '../../outcome/outcome.js';
import type { JobPlan, JobReporter } from '../../settings.js';
import type { FeatureOutcome, JobFeature } from '../feature.js';
import { PullBudgetCheck } from './budget-check.js';
import { OrderGate } from './order-gate.js';
import { PullBudget } from './pull-budget.js';

export interface PullBudgetFeatureOptions {
  minPullsLeft: number;
  /** What a registry last said of its limit (`RegistryConnections.rateLimitOf`). */
  rateLimitOf: (registry: string) => RateLimitNote | undefined;
  /** Where the images left are kept between runs, once the cache is restored (a sync's only). */
  pending: () => PendingItems | undefined;
  dryRun: boolean;
  reporter: JobReporter;
}

/**
 * `min-pulls-left` as a job feature: the images left last time go first, each image that differs
 * asks the budget for its pulls in the order of the plan (the check, last of the checks: an image
 * another check refuses spends no pulls), its pulls are freed once it is done, and at the end the
 * stop line is said and the images left are kept for the next run.
 */
export class PullBudgetFeature implements JobFeature {
  private readonly budget: PullBudget;
  /** Made once the plan's order is known: the gate admits images in that order. */
  private budgetCheck: PullBudgetCheck | undefined;
  private gate: OrderGate | undefined;
  private stopLine: string | undefined;

  constructor(private readonly options: PullBudgetFeatureOptions) {
    this.budget = new PullBudget(options.minPullsLeft, options.rateLimitOf);
  }

  get check(): PullBudgetCheck | undefined {
    return this.budgetCheck;
  }

  planned(plan: JobPlan): JobPlan {
    const pending = this.options.pending();
    const ordered = pending ? { ...plan, items: pendingFirst(plan.items, pending.pendingItems()) } : plan;
    this.gate = new OrderGate(ordered.items);
    this.budgetCheck = new PullBudgetCheck(this.budget, this.gate);
    return ordered;
  }

  itemPrepared(item: PlanItem): void {
    this.gate?.pass(item);
  }

  itemFinished(item: PlanItem): void {
    this.budgetCheck?.release(item);
  }

  async afterItems(results: readonly ItemOutcome[]): Promise<void> {
    const left = results.filter((r) => r.status === 'deferred').map((r) => r.item);
    if (this.budget.stopped) {
      this.stopLine = this.budget.describe(left.length, results.length);
      this.options.reporter.budgetStopped?.(this.stopLine);
    }
    const pending = this.options.pending();
    if (!this.options.dryRun && pending) pending.setPendingItems(pendingKeys(left));
  }

  outcome(): FeatureOutcome {
    return this.stopLine ? { pullBudget: this.stopLine } : {};
  }
}
