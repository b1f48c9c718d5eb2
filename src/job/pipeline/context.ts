import type { CopyOptions } from '../../copy/options.js';
import type { DestinationCheck } from '../../integrity/destination-check.js';
import type { AfterTagStage, ImageCheck } from '../checks/check.js';
import type { TargetPool } from '../target-pool.js';
import type { SourceRoots } from './resolve.js';

/** What every item's pipeline shares in one job. */
export interface PipelineContext {
  /** Opens (or hands back) the targets items name; told those that served an item that succeeded. */
  pool: Pick<TargetPool, 'source' | 'destination' | 'served'> & Partial<Pick<TargetPool, 'inPlace'>>;
  roots: SourceRoots;
  /** The engine's options for every item: one transfer budget, one ledger, the blob-info cache, the job's signal. */
  engine: CopyOptions;
  dryRun: boolean;
  /** In a dry run, walk the graph of an image that differs (a one-image copy shows each blob); a sync compares roots only. */
  walkInDryRun: boolean;
  /** Walk the graph of an image the destination already has too (the library's copy reports every node it finds there). */
  walkUnchanged?: boolean;
  /** In order, the built-in ones first. */
  checks: readonly ImageCheck[];
  afterTag: readonly AfterTagStage[];
  signal: AbortSignal;
  /** The destination is checked (`check`: only that) or checked and mended (`repair`), with one checker for the job. */
  integrity?: { mode: 'check' | 'repair'; check: DestinationCheck };
}
