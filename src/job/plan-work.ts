import { InputError } from '../oci/errors.js';
import type { SyncEntry } from '../plan/entries.js';
import { expandEntries, shardItems, type PlanItem, type Shard } from '../plan/plan.js';
import { isTagLister } from '../targets/target.js';
import type { JobPlan, JobWork } from './settings.js';
import type { TargetPool } from './target-pool.js';

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

/** The work as items: one per destination of the one image, or the sync list expanded and sharded. */
export async function planWork(work: JobWork, pool: TargetPool): Promise<JobPlan> {
  if (work.kind === 'copy') {
    const items = work.destinations.map((destination): PlanItem => ({ entry: 0, source: work.source, destination }));
    return { work: 'copy', all: items, items };
  }
  const { all, items } = await planSync(work.entries, pool, work.shard);
  return { work: 'sync', all, items, entries: work.entries.length, ...(work.shard ? { shard: work.shard } : {}) };
}
