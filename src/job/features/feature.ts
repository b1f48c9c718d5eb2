import type { CopyOptions } from '../../copy/options.js';
import type { Reference } from '../../oci/reference.js';
import type { PlanItem } from '../../plan/plan.js';
import type { ImageCheck } from '../checks/check.js';
import type { ItemOutcome, JobOutcome } from '../outcome/outcome.js';
import type { JobPlan } from '../settings.js';
import type { KnownTags } from '../plan-work.js';

/** Told of each item on its way through the pipeline. */
export interface ItemWatcher {
  /** The item's checks are behind it: passed, refused, or never reached (unchanged, failed before, not attempted). */
  itemPrepared?(item: PlanItem): void;
  /** The item is done, whatever became of it. */
  itemFinished?(item: PlanItem): void;
}

/** The parts of a job's outcome that a feature may give. */
export type FeatureOutcome = Pick<Partial<JobOutcome>, 'pullBudget' | 'pruned' | 'cacheNote' | 'lock'>;

/**
 * Something a job does beside copying its items (the pull budget, prune, the blob-info cache
 * rule), as one object registered once: the runner calls each hook at its phase, in the order the
 * features were registered, and knows no feature by name.
 */
export interface JobFeature extends ItemWatcher {
  /** Before planning, with the targets open: load what the feature needs (the cache restores). */
  open?(): Promise<void>;
  /** The engine options the feature gives every copy (the blob-info cache, for mounts). */
  engine?(): Partial<CopyOptions>;
  /**
   * A whole repository's tags the feature knows without reading the source (a check against a
   * lock takes the tags the lock holds), and where they were read for messages (`the lock
   * oci-copy.lock`), or undefined: the source lists them.
   */
  sourceTags?(repository: Reference): KnownTags | undefined;
  /** Sees the plan before any item runs; the plan returned is the one run (reordered, say). */
  planned?(plan: JobPlan): JobPlan;
  /** A check the per-image pipeline runs after the built-in ones and the caller's own. */
  readonly check?: ImageCheck;
  /** Every item is done (or the job was cancelled: see the job's signal): act on the results. */
  afterItems?(results: readonly ItemOutcome[]): Promise<void>;
  /** The targets are closed: keep what should outlive the job (the cache saves). */
  close?(results: readonly ItemOutcome[]): Promise<void>;
  /** The feature's part of the outcome. */
  outcome?(): FeatureOutcome;
}
