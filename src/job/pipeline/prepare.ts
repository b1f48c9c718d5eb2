import type { ResolvedRoot } from '../../copy/resolve-root.js';
import { checkDestinationDigest, defaultSelector, destinationReferences, type Selector } from '../../copy/selector.js';
import { isDigest } from '../../oci/digest.js';
import { formatReference, type Reference } from '../../oci/reference.js';
import { isLocated, type ReadOnlyTarget, type TagContext, type Target } from '../../targets/target.js';
import { CheckRefusal, runChecks, type ImageCheckContext } from '../checks/check.js';
import type { ItemRecord } from '../outcome/item-record.js';
import { judgeDestination, readDestination } from './compare.js';
import type { PipelineContext } from './context.js';

/** An item ready to copy: both targets open, the root resolved, the destination read and judged, the checks passed. */
export interface PreparedItem {
  record: ItemRecord;
  src: ReadOnlyTarget;
  dst: Target;
  srcRef: Selector;
  resolved: ResolvedRoot;
  context: TagContext;
  /** The checks' view of the image, handed on to the stages after tagging. */
  view: ImageCheckContext;
}

/**
 * The stages before any byte moves: select (open both ends, read what the source reference means)
 * → resolve the root (once per source image, shared) → read what the destination's references
 * name → judge → the checks. Each hands the next its value; what each learns goes on the record.
 */
export async function prepareItem(record: ItemRecord, ctx: PipelineContext): Promise<PreparedItem> {
  const item = record.item;
  if (item.failure) throw new Error(item.failure);
  const src = await ctx.pool.source(item.source);
  record.sourceDescription = src.description;
  const dst = await ctx.pool.destination(item.destination);
  record.destinationDescription = dst.description;
  const srcRef = await defaultSelector(src, item.source);
  const platform = record.options.platform;
  const context = ctx.roots.context(src, srcRef, platform);
  // The destination's tags are known before the source answers (unless it is stored by digest):
  // both sides are asked at once, a round trip saved per image. A layout or archive keeps a tag
  // per image name: the read asks for this image's, as tagging will.
  const knownTags = item.destination.tags.length ? item.destination.tags : srcRef.tags;
  // What the caller read moments ago (a library caller may say) is not read again.
  const given = record.current;
  const early =
    knownTags.length && !readAll(given, knownTags)
      ? (async () => readDestination(dst, knownTags, undefined, isLocated(dst) ? undefined : await context))()
      : undefined;
  early?.catch(() => undefined);

  const resolved = await ctx.roots.resolve(src, srcRef, platform);
  record.resolved = resolved;
  checkDestinationDigest(item.destination, resolved);
  const references = destinationReferences(srcRef, item.destination, resolved.root);
  record.references = references;
  record.source = formatReference({ ...item.source, tags: srcRef.tags });
  record.destination = destinationName(item.destination, references);

  const current = readAll(given, references)
    ? new Map(references.map((r) => [r, given.get(r)]))
    : early
      ? await early
      : await readDestination(dst, references, resolved.root);
  const { state } = judgeDestination(resolved.root, current);
  record.current = current;
  record.state = state;
  const view: ImageCheckContext = {
    item,
    ...(item.from ? { entry: item.from } : {}),
    options: record.options,
    dryRun: ctx.dryRun,
    source: src,
    destination: dst,
    resolved,
    references,
    current,
    state,
    signal: ctx.signal,
    ...(ctx.integrity?.mode === 'check' ? { checking: true } : {}),
    notice: (message, check) => record.say(message, undefined, check),
    warning: (message) => record.say(message, 'warning'),
  };
  try {
    await runChecks(ctx.checks, view, record.checks);
  } catch (err) {
    if (err instanceof CheckRefusal) record.refusedBy = err.check;
    throw err;
  }
  return { record, src, dst, srcRef, resolved, context: await context, view };
}

/** The destination with the tags it gets, or `@digest` when it is stored by digest alone. */
function destinationName(ref: Reference, references: string[]): string {
  const tags = references.filter((r) => !isDigest(r));
  const digest = tags.length ? ref.digest : (ref.digest ?? references.find((r) => isDigest(r)));
  return formatReference({ ...ref, tags, digest });
}

/** Whether `read` says what every one of `references` names. */
function readAll(
  read: ReadonlyMap<string, string | undefined> | undefined,
  references: string[],
): read is ReadonlyMap<string, string | undefined> {
  return !!read && references.every((r) => read.has(r));
}
