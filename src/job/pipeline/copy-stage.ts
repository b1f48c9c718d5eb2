import { copyResolved } from '../../copy/copy-resolved.js';
import type { CopyEvent } from '../../copy/events.js';
import type { CopyOptions } from '../../copy/options.js';
import { relaySource, type BlobHolder } from '../../copy/relay.js';
import type { CopyReport } from '../outcome/copy-report.js';
import { isStoreNoter } from '../../targets/target.js';
import { runAfterTag } from '../checks/check.js';
import type { ItemStatus } from '../outcome/outcome.js';
import type { PipelineContext } from './context.js';
import { watchImagePlatform } from './image-platform.js';
import { integrityStage } from './integrity-stage.js';
import type { PreparedItem } from './prepare.js';

/**
 * The stages after the checks: copy the graph → tag (both in the engine: no tag before the whole
 * graph is in) → what the destination says of how it stored the image → the stages after tagging.
 * An image the destination already has under every reference costs nothing more here but the
 * stages that run on every run (signing). `blobs`: earlier destinations of the same image, which
 * give the blobs they hold instead of the source.
 */
export async function completeItem(prepared: PreparedItem, ctx: PipelineContext, blobs: BlobHolder[] = []): Promise<void> {
  const { record, src, dst, resolved, context } = prepared;
  const { root, source } = resolved;
  const state = record.state!;
  const options = record.options;
  // A job that distrusts its destinations checks this one first: a check ends here, a repair
  // goes on to put back what the check found missing.
  const integrity = await integrityStage(prepared, ctx);
  if (integrity.done) return;
  const putBack = integrity.putBack;
  // Referrers can change while their image does not: with them on, the walk still runs (and
  // finds the image there) to look for new ones. An image acted on in place is never walked.
  if (record.item.inPlace || (state === 'unchanged' && !putBack && !options.referrers && !ctx.walkUnchanged)) {
    record.emit({ type: 'resolved', node: root, source, ...(resolved.platforms ? { platforms: resolved.platforms } : {}) });
    record.emit({ type: 'done', node: root, action: 'exists', bytes: 0 });
    record.status = 'unchanged';
    // Signing still makes sure the digest there ends up signed (a run whose signing failed is mended by running it again).
    await runAfterTag(ctx.afterTag, { ...prepared.view, root }, record.checks, false);
    return;
  }
  if (ctx.dryRun && !ctx.walkInDryRun) {
    record.status = state === 'unchanged' ? 'unchanged' : 'copy';
    await runAfterTag(ctx.afterTag, { ...prepared.view, root }, record.checks, false);
    return;
  }
  // Blobs an earlier destination of the image holds are read from there, not from the source again.
  const from = blobs.length ? relaySource(src, blobs) : src;
  const watch = resolved.platforms ? undefined : watchImagePlatform(from, root, ctx.signal);
  const onEvent = (event: CopyEvent) => {
    record.emit(event);
    watch?.listener(event);
  };
  const copyOptions: CopyOptions = {
    ...ctx.engine,
    platform: options.platform,
    referrers: options.referrers,
    noClobber: options.noClobber,
    manifestCache: ctx.roots.manifestCache(src),
    onEvent,
    ...(putBack ? { putBack } : {}),
  };
  const tagsRead = state === 'differs' || putBack ? record.current : undefined;
  try {
    await copyResolved(
      from,
      resolved,
      { target: dst, references: record.references!, ...(tagsRead ? { tagsRead } : {}) },
      copyOptions,
      context,
    );
  } finally {
    const platform = await watch?.platform();
    if (platform) record.imagePlatform = platform;
  }
  if (!ctx.dryRun && isStoreNoter(dst)) for (const note of await dst.storeNotes(root)) record.say(note.message, note.level);
  record.status = ctx.dryRun ? (state === 'unchanged' ? 'unchanged' : 'copy') : wroteAnything(record.report, state);
  await integrity.finish?.();
  await runAfterTag(ctx.afterTag, { ...prepared.view, root }, record.checks, true);
}

/** `unchanged` when the copy found everything there and moved no tag, else `copied`. */
function wroteAnything(report: CopyReport, compared: 'unchanged' | 'differs'): ItemStatus {
  const t = report.totals();
  return compared === 'unchanged' && t.copied === 0 && t.mounted === 0 ? 'unchanged' : 'copied';
}
