import { messageOf, NotFoundError, TagRemovalRefusedError } from '../../../oci/errors.js';
import { formatReference } from '../../../oci/reference.js';
import { printable } from '../../../oci/text.js';
import type { SyncEntry } from '../../../plan/entries.js';
import { entryRepository, type Shard } from '../../../plan/plan.js';
import { planPrune, readPruneDigests, writtenByOthers } from '../../../plan/prune.js';
import { isTagLister, isTagReader, isTagRemover } from '../../../targets/target.js';
import type { ItemOutcome, PruneOutcome } from '../../outcome/outcome.js';
import type { JobPlan } from '../../settings.js';
import type { TargetPool } from '../../target-pool.js';

export interface PruneOptions {
  dryRun: boolean;
  /** Why prune does not run at all this time (an image failed with fail-fast): said per entry. */
  notRun?: string;
  concurrency: number;
  signal: AbortSignal;
  /** One line for something asked for and not done (a registry that refuses deletes). */
  warning(line: string): void;
}

/**
 * Prune, once the items are done: for each entry with `prune: true`, the tags of its destination
 * repository that its filters select and its source no longer has, less `protect` and the tags
 * other entries write (see plan/prune.ts), removed one tag at a time (the manifest stays for any
 * other tag naming it). A registry that refuses deletes stops that destination's prune with one
 * warning; the copies are unaffected. A dry run lists what would go. With shards, only shard 1
 * prunes (every shard plans the whole list, so it knows what the others write): N jobs never
 * remove the same tags N times.
 */
export async function pruneEntries(
  entries: readonly SyncEntry[],
  plan: JobPlan,
  results: readonly ItemOutcome[],
  pool: TargetPool,
  options: PruneOptions,
): Promise<PruneOutcome[]> {
  const outcomes: PruneOutcome[] = [];
  for (const entry of entries.filter((e) => e.prune)) {
    outcomes.push(await pruneEntry(entry, plan, results, pool, options, plan.shard));
  }
  return outcomes;
}

async function pruneEntry(
  entry: SyncEntry,
  plan: JobPlan,
  results: readonly ItemOutcome[],
  pool: TargetPool,
  options: PruneOptions,
  shard?: Shard,
): Promise<PruneOutcome> {
  const ref = entryRepository(entry);
  const destination = printable(formatReference(ref));
  const outcome: PruneOutcome = { entry: entry.number, destination, removed: [], protected: [], attachmentsKept: [], failed: [] };
  const stop = (why: string, warn = false): PruneOutcome => {
    outcome.stopped = why;
    if (warn) options.warning(`prune of ${destination} (entry ${entry.number}): ${why}`);
    return outcome;
  };
  if (options.notRun) return stop(options.notRun, true);
  if (shard && shard.count > 1 && shard.index !== 1)
    return stop(`pruned by shard 1/${shard.count}, not by this shard (${shard.index}/${shard.count})`);
  const sourceTags = plan.sourceTags?.get(entry.number);
  if (!sourceTags) return stop('the source tags could not be listed: nothing pruned', true);
  const dst = await pool.destination(ref);
  if (!isTagLister(dst) || !isTagReader(dst) || !isTagRemover(dst))
    return stop(`${dst.description} cannot remove tags: nothing pruned`, true);
  // What this run learnt of each tag it wrote or found: no HEAD for those.
  const known = new Map<string, string>();
  for (const r of results) if (r.item.entry === entry.number && r.root) for (const t of r.tags) known.set(t.tag, r.root.digest);
  // The list read for immutable-tags serves again, with the tags this run wrote; else one list now.
  const planned = ref.transport === 'registry' ? plan.destinationTags?.get(`${ref.registry}/${ref.repository}`) : undefined;
  let listed: string[];
  if (planned) listed = [...new Set([...planned, ...known.keys()])];
  else {
    try {
      listed = await dst.tags();
    } catch (err) {
      if (err instanceof NotFoundError) listed = [];
      else return stop(`listing its tags failed (${printable(messageOf(err))}): nothing pruned`, true);
    }
  }
  const input = await readPruneDigests(
    {
      filter: entry.filter,
      ...(entry.protect ? { protect: entry.protect } : {}),
      sourceTags,
      destinationTags: new Map(listed.map((t) => [t, known.get(t)])),
      alsoKeep: writtenByOthers(plan.all, entry.number, ref),
    },
    async (tag) => (await dst.readTag(tag))?.digest,
    { concurrency: options.concurrency },
  );
  const prune = planPrune(input);
  outcome.protected = prune.protected;
  outcome.attachmentsKept = prune.attachmentsKept;
  if (prune.skipped) {
    outcome.kept = listed.length;
    return stop(prune.skipped, true);
  }
  if (options.dryRun) {
    outcome.removed = prune.remove.map((r) => r.tag);
    outcome.kept = listed.length - outcome.removed.length;
    return outcome;
  }
  for (const removal of prune.remove) {
    try {
      const done = await dst.removeTag(removal.tag, { ...(removal.digest ? { expected: removal.digest } : {}), signal: options.signal });
      if (done === 'removed' || done === 'absent') outcome.removed.push(removal.tag);
      else outcome.failed.push({ tag: removal.tag, error: 'it names another digest by now: left' });
    } catch (err) {
      if (err instanceof TagRemovalRefusedError) {
        stop(err.message, true);
        break;
      }
      outcome.failed.push({ tag: removal.tag, error: messageOf(err) });
      options.warning(`prune of ${destination}: tag ${printable(removal.tag)} not removed: ${messageOf(err)}`);
    }
  }
  if (outcome.removed.length) pool.served(dst);
  outcome.kept = listed.length - outcome.removed.length;
  return outcome;
}
