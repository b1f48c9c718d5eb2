import type { ResolvedRoot } from '../../copy/resolve-root.js';
import { checkDestinationDigest, defaultSelector, destinationReferences, type Selector } from '../../copy/selector.js';
import { isDigest } from '../../oci/digest.js';
import { InputError, messageOf } from '../../oci/errors.js';
import { formatReference, type Reference } from '../../oci/reference.js';
import { isLocated, type ReadOnlyTarget, type TagContext, type Target } from '../../targets/target.js';
import { CheckRefusal, runChecks, type ImageCheckContext } from '../checks/check.js';
import type { ItemRecord } from '../outcome/item-record.js';
import { judgeDestination, readDestination } from './compare.js';
import type { PipelineContext } from './context.js';
import { inPlaceReferences } from '../in-place.js';

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
  if (item.inPlace) return prepareInPlace(record, ctx);
  const src = await ctx.pool.source(item.source);
  record.sourceDescription = src.description;
  const dst = await ctx.pool.destination(item.destination);
  record.destinationDescription = dst.description;
  const srcRef = await defaultSelector(src, item.source);
  // A check against a lock needs no source: the root is read from the destination by the digest the
  // lock names (one it does not hold is named as missing), so an air-gapped mirror checks against its lock.
  const fromLock = item.locked !== undefined && ctx.integrity?.mode === 'check';
  const readFrom: ReadOnlyTarget = fromLock ? dst : src;
  const platform = fromLock ? undefined : record.options.platform;
  // A locked image is read by the digest its lock names, whatever its tag names now (the drift check says that).
  const readRef = item.locked
    ? { tags: [], digest: fromLock ? item.locked.digest : (item.locked.sourceDigest ?? item.locked.digest) }
    : srcRef;
  const context = ctx.roots.context(readFrom, readRef, platform);
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

  const resolved = await ctx.roots.resolve(readFrom, readRef, platform).catch((err: unknown) => {
    if (!fromLock) throw err;
    throw new Error(
      `${formatReference({ ...item.destination, tags: [] })} does not hold ${item.locked!.digest}, which ${item.locked!.file} line ${item.locked!.line} locks: ${messageOf(err)}`,
    );
  });
  record.resolved = resolved;
  if (item.locked && resolved.root.digest !== item.locked.digest) {
    throw new InputError(
      `${item.locked.file} line ${item.locked.line} locks ${item.locked.digest}, but the platforms asked for make ${resolved.root.digest} of the source's ${resolved.source.digest}: lock it again without locked, or ask for the platforms it was locked with`,
    );
  }
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
  const view = await checked(record, ctx, { src, dst, resolved, references, current, state });
  return { record, src, dst, srcRef: readRef, resolved, context: await context, view };
}

/**
 * An image acted on where it is: one target is both ends, the root is resolved there, and it is
 * the image the place already holds under its references (what the reference names was just
 * read), so nothing is read again and only the checks and stages that run on every run see it.
 */
async function prepareInPlace(record: ItemRecord, ctx: PipelineContext): Promise<PreparedItem> {
  const item = record.item;
  if (!ctx.pool.inPlace) throw new Error(`${formatReference(item.source)} cannot be acted on in place here`);
  const dst = await ctx.pool.inPlace(item.source);
  const src: ReadOnlyTarget = dst;
  record.sourceDescription = record.destinationDescription = dst.description;
  const srcRef = await defaultSelector(src, item.source);
  const platform = record.options.platform;
  const context = await ctx.roots.context(src, srcRef, platform);
  const resolved = await ctx.roots.resolve(src, srcRef, platform);
  record.resolved = resolved;
  const references = inPlaceReferences(srcRef, resolved);
  const current = new Map<string, string | undefined>(references.map((r) => [r, resolved.root.digest]));
  record.references = references;
  record.source = formatReference({ ...item.source, tags: srcRef.tags });
  record.destination = destinationName(item.destination, references);
  record.current = current;
  record.state = 'unchanged';
  const view = await checked(record, ctx, { src, dst, resolved, references, current, state: 'unchanged' });
  return { record, src, dst, srcRef, resolved, context, view };
}

/** The checks' view of the image, once every check let it through (a refusal is thrown, naming its check on the record). */
async function checked(
  record: ItemRecord,
  ctx: PipelineContext,
  seen: Pick<ImageCheckContext, 'resolved' | 'references' | 'current' | 'state'> & { src: ReadOnlyTarget; dst: Target },
): Promise<ImageCheckContext> {
  const item = record.item;
  const { src, dst, resolved, references, current, state } = seen;
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
  return view;
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
