import { InputError } from '../oci/errors.js';
import { DEFAULT_CONCURRENCY, type CopyOptions } from '../copy/options.js';
import { parseSyncEntries, type SyncEntry } from '../plan/entries.js';
import { expandEntries, shardItems, type PlanItem, type Shard } from '../plan/plan.js';
import type { OpenTargetOptions } from '../targets/open-target.js';
import type { RateLimitNote } from '../targets/registry/index.js';
import { isTagLister } from '../targets/target.js';
import { runPlan, type ItemResult, type RunReporter } from './run.js';
import { TargetPool } from './target-pool.js';

export interface SyncOptions {
  /** Defaults for every entry; `concurrency` is the number of blob transfers in flight across the sync. */
  copy?: Omit<CopyOptions, 'onEvent' | 'manifestCache' | 'transfers' | 'checks' | 'ledger'>;
  /** How the sources and destinations are opened: credentials, plain HTTP, trust. */
  source?: OpenTargetOptions;
  destination?: OpenTargetOptions;
  /** Take only this share of the expanded list. */
  shard?: Shard;
  /** Images walked at once (default: `copy.concurrency`, else 8). */
  parallel?: number;
  failFast?: boolean;
  /** Told the plan once the list is expanded: every item, and this shard's. */
  onPlan?: (all: PlanItem[], mine: PlanItem[]) => RunReporter | undefined;
}

export interface SyncResult {
  results: ItemResult[];
  /** What registries said of their pull limits at the end. */
  rateLimits: RateLimitNote[];
}

/**
 * A sync list expanded against the sources (their tag lists read through `pool`, filters
 * applied), and the share of it that `shard` takes.
 */
export async function planSync(entries: SyncEntry[], pool: TargetPool, shard?: Shard): Promise<{ all: PlanItem[]; items: PlanItem[] }> {
  const all = await expandEntries(entries, async (ref) => {
    const src = await pool.source(ref);
    if (!isTagLister(src)) throw new InputError(`${src.description} cannot list its tags`);
    return src.tags();
  });
  return { all, items: shardItems(all, shard) };
}

/**
 * Mirrors many images: `list` (sync-list YAML, or entries already parsed) is expanded into one
 * item per (source tag, destination), this shard's share is taken, and the items run HEAD first,
 * several at a time, over one set of connections per registry. A failed image never stops the
 * others unless `failFast`; every item gets a result.
 */
export async function sync(list: string | SyncEntry[], options: SyncOptions = {}): Promise<SyncResult> {
  const entries = typeof list === 'string' ? parseSyncEntries(list, 'the sync list') : list;
  const pool = new TargetPool(options.source ?? {}, { ...options.destination, dryRun: options.copy?.dryRun });
  try {
    const { all, items } = await planSync(entries, pool, options.shard);
    const reporter = options.onPlan?.(all, items);
    const results = await runPlan(items, pool, {
      copy: options.copy ?? {},
      parallel: options.parallel ?? options.copy?.concurrency ?? DEFAULT_CONCURRENCY,
      failFast: options.failFast,
      ...(reporter ? { reporter } : {}),
    });
    const rateLimits = pool.rateLimits();
    return { results, rateLimits };
  } finally {
    await pool.close();
  }
}
