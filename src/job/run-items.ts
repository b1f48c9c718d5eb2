import { blobHolder, type BlobHolder } from '../copy/relay.js';
import { inferOperation } from '../plan/operation.js';
import type { PlanItem } from '../plan/plan.js';
import { ImageDeferred } from './features/pull-budget/budget-check.js';
import type { ItemWatcher } from './features/feature.js';
import { CheckRefusal } from './checks/check.js';
import { ItemRecord } from './outcome/item-record.js';
import { itemOutcome } from './outcome/item-outcome.js';
import type { ItemOutcome } from './outcome/outcome.js';
import { completeItem } from './pipeline/copy-stage.js';
import type { PipelineContext } from './pipeline/context.js';
import { prepareItem, type PreparedItem } from './pipeline/prepare.js';
import type { ImageOptions, JobReporter } from './settings.js';

export interface RunItemsOptions {
  /** Items that are one image to several places: all are judged and checked before any is copied. */
  groups: number[][];
  /** Groups walked at once. */
  parallel: number;
  failFast: boolean;
  defaults: ImageOptions;
  reporter: JobReporter;
  /** Told of each item once its checks are behind it and once it is done (the pull budget admits in order and frees pulls). */
  watchers?: readonly ItemWatcher[];
}

/**
 * Runs every item down the pipeline, a group at a time on each of `parallel` workers. Within a
 * group (the destinations of one image) every item is prepared first, so a check that refuses the
 * image for one destination stops it for all of them before any byte moves; then each is copied in
 * turn, its log open while it copies, reading the blobs an earlier one holds from there rather than
 * from the source again. A failure never stops the others unless `failFast`.
 */
export async function runItems(items: PlanItem[], ctx: PipelineContext, options: RunItemsOptions): Promise<ItemOutcome[]> {
  const results: ItemOutcome[] = new Array(items.length);
  let stopped = false;
  let next = 0;

  const finish = (record: ItemRecord) => {
    record.report.finish();
    for (const w of options.watchers ?? []) w.itemFinished?.(record.item);
    const outcome = itemOutcome(record);
    results[record.index] = outcome;
    options.reporter.itemDone?.(outcome);
    if (record.status === 'failed' && options.failFast) stopped = true;
  };
  const fail = (record: ItemRecord, err: unknown) => {
    record.error = err;
    // Left for the next run by the pull budget: a decision, not a failure.
    if (err instanceof ImageDeferred) return void (record.status = 'deferred');
    record.status = 'failed';
    record.error = err;
    if (err instanceof CheckRefusal) record.refusedBy = err.check;
  };
  const skip = (record: ItemRecord, why: string) => {
    record.status = 'skipped';
    record.error = new Error(why);
  };
  const checksBehind = (record: ItemRecord) => {
    for (const w of options.watchers ?? []) w.itemPrepared?.(record.item);
  };

  const heading = (record: ItemRecord) => ({ index: record.index, item: record.item, operation: record.operation, dryRun: ctx.dryRun });

  const runGroup = async (indices: number[]) => {
    const records = indices.map(
      (i) =>
        new ItemRecord(
          i,
          items[i],
          items[i].inPlace ?? inferOperation(items[i].source, items[i].destination),
          imageOptions(options.defaults, items[i]),
        ),
    );
    const prepared = new Map<ItemRecord, PreparedItem>();
    // An immutable tag the destination has is unchanged, and neither side is asked; unless the job
    // distrusts its destinations (check, repair): then it is walked as any other.
    const known = new Set(ctx.integrity ? [] : records.filter((r) => r.item.unchanged === 'immutable'));
    for (const record of known) {
      record.status = 'unchanged';
      record.reason = 'immutable';
    }
    if (!stopped) {
      await Promise.all(
        records
          .filter((r) => !known.has(r))
          .map((record) =>
            prepareItem(record, ctx)
              .then(
                (p) => void prepared.set(record, p),
                (err) => fail(record, err),
              )
              .finally(() => checksBehind(record)),
          ),
      );
    }
    // Those never prepared (immutable, or after a failure with fail-fast) are past the checks too.
    for (const record of records) if (!prepared.has(record) && record.error === undefined) checksBehind(record);
    // Each is timed from here only while it is its turn: its time is its own, not the group's so far.
    for (const record of records) record.wait();
    const refused = records.find((r) => r.refusedBy);
    // The destinations copied so far, each with the blobs it holds: the next ones read those from there.
    const holders: BlobHolder[] = [];
    for (const record of records) {
      if (known.has(record)) {
        record.start(options.reporter.itemStarted?.({ ...heading(record), known: 'unchanged' }));
        finish(record);
        continue;
      }
      const ready = prepared.get(record);
      if (ready && refused) skip(record, `${refused.refusedBy} refused the image for ${refused.destination}`);
      else if (!ready && record.error === undefined) skip(record, 'an earlier image failed and fail-fast is set');
      else if (ready && stopped) skip(record, 'an earlier image failed and fail-fast is set');
      const unchanged = ready && record.state === 'unchanged' && !record.options.referrers;
      const knownAs = record.status === 'skipped' ? ('skipped' as const) : unchanged ? ('unchanged' as const) : undefined;
      record.start(options.reporter.itemStarted?.({ ...heading(record), ...(knownAs ? { known: knownAs } : {}) }));
      if (ready && record.status !== 'skipped') {
        try {
          await completeItem(ready, ctx, holders);
        } catch (err) {
          fail(record, err);
        }
        if (!ctx.dryRun) holders.push(blobHolder(ready.dst, record.report.nodes));
      }
      if (ready && record.status !== 'failed' && record.status !== 'skipped') {
        ctx.pool.served(ready.src);
        ctx.pool.served(ready.dst);
      }
      finish(record);
    }
  };

  const worker = async () => {
    while (next < options.groups.length) await runGroup(options.groups[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel, options.groups.length)) }, worker));
  return results;
}

/** What an image is copied with: the job's settings, its entry's own fields over them. In place, nothing is copied: no referrers, no tag to clobber. */
function imageOptions(defaults: ImageOptions, item: PlanItem): ImageOptions {
  if (item.inPlace) return { ...(defaults.platform ? { platform: defaults.platform } : {}), referrers: false, noClobber: false };
  return {
    ...defaults,
    ...(item.platform ? { platform: item.platform } : {}),
    ...(item.referrers !== undefined ? { referrers: item.referrers } : {}),
  };
}
