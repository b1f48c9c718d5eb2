import { InputError } from '../oci/errors.js';
import type { Reference } from '../oci/reference.js';
import { printable } from '../oci/text.js';
import type { SyncEntry } from '../plan/entries.js';
import { applyImmutableTags } from '../plan/immutable.js';
import {
  describeEmptySelection,
  emptySelections,
  expandEntries,
  shardItems,
  type EmptySelection,
  type PlanItem,
  type Shard,
} from '../plan/plan.js';
import { isTagLister } from '../targets/target.js';
import type { JobPlan, JobWork } from './settings.js';
import type { TargetPool } from './target-pool.js';

/** A source repository's tags known without listing it, and where they were read (`the lock oci-copy.lock`). */
export interface KnownTags {
  tags: readonly string[];
  from: string;
}

export interface PlanOptions {
  concurrency?: number;
  /** A source repository's tags known without listing them (a lock's), or undefined: listed. */
  knownTags?: (repository: Reference) => KnownTags | undefined;
  /** The job checks the destination only (messages say "nothing to check"). */
  checking?: boolean;
}

/** A sync's plan: every item, this shard's share, and what planning listed on the way. */
export interface SyncPlan {
  all: PlanItem[];
  items: PlanItem[];
  /** Each whole-repository entry's source tags, unfiltered, by entry number (what prune compares with). */
  sourceTags: Map<number, readonly string[]>;
  /** Destination repositories' tags listed for `immutable-tags` (`host/repo` → tags). */
  destinationTags: Map<string, string[]>;
  /** Entries whose source was listed and that selected no tag. */
  nothingSelected: EmptySelection[];
  /** Said once planned: destinations whose tags could not be listed for `immutable-tags` (their items are compared as usual), entries that selected nothing. */
  problems: string[];
}

/**
 * A sync list expanded against the sources (their tag lists read through `pool`, filters
 * applied), the share of it that `shard` takes, and within that share the items whose
 * `immutable-tags` the destination already has marked unchanged (one tag list per destination
 * repository instead of a HEAD per tag on each side).
 */
export async function planSync(entries: SyncEntry[], pool: TargetPool, shard?: Shard, options: PlanOptions = {}): Promise<SyncPlan> {
  const sourceTags = new Map<number, readonly string[]>();
  const list = (side: 'source' | 'destination') => async (ref: Reference) => {
    const known = side === 'source' ? options.knownTags?.(ref) : undefined;
    if (known) return [...known.tags];
    const target = side === 'source' ? await pool.source(ref) : await pool.destination(ref);
    if (!isTagLister(target)) throw new InputError(`${target.description} cannot list its tags`);
    return target.tags();
  };
  const all = await expandEntries(entries, list('source'), { onSourceTags: (entry, tags) => sourceTags.set(entry.number, tags) });
  const immutable = await applyImmutableTags(shardItems(all, shard), entries, list('destination'), options);
  const nothingSelected = emptySelections(entries, sourceTags, all, {
    tagsFrom: (entry) => options.knownTags?.(entry.source)?.from,
    checking: options.checking,
  });
  const problems = [
    ...nothingSelected.map(describeEmptySelection),
    ...immutable.problems.map(
      (p) =>
        `immutable-tags of entry ${p.entry}: the tags of ${printable(p.destination)} could not be listed (${printable(p.message)}); its images are compared by HEAD`,
    ),
  ];
  return { all, items: immutable.items, sourceTags, destinationTags: immutable.destinationTags, nothingSelected, problems };
}

/** The work as items: one per destination of the one image, the image acted on in place, or the sync list expanded and sharded. */
export async function planWork(work: JobWork, pool: TargetPool, options: PlanOptions = {}): Promise<JobPlan & { problems?: string[] }> {
  if (work.kind === 'copy') {
    const items = work.destinations.map((destination): PlanItem => ({ entry: 0, source: work.source, destination }));
    return { work: 'copy', all: items, items };
  }
  if (work.kind === 'in-place') {
    const items: PlanItem[] = [{ entry: 0, source: work.reference, destination: work.reference, inPlace: work.operation }];
    return { work: 'in-place', all: items, items };
  }
  const { all, items, sourceTags, destinationTags, nothingSelected, problems } = await planSync(work.entries, pool, work.shard, options);
  return {
    work: 'sync',
    all,
    items,
    entries: work.entries.length,
    ...(work.shard ? { shard: work.shard } : {}),
    sourceTags,
    destinationTags,
    ...(nothingSelected.length ? { nothingSelected } : {}),
    ...(problems.length ? { problems } : {}),
  };
}
