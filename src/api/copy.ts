import type { Descriptor } from '../oci/descriptor.js';
import { OperationError, TagConflictError } from '../oci/errors.js';
import type { Reference } from '../oci/reference.js';
import { inferOperation } from '../plan/operation.js';
import { isLocated, type ReadOnlyTarget, type Target } from '../targets/target.js';
import { CheckRefusal } from '../job/checks/check.js';
import { ItemRecord } from '../job/outcome/item-record.js';
import { noClobberCheck } from '../job/checks/no-clobber.js';
import { completeItem } from '../job/pipeline/copy-stage.js';
import type { PipelineContext } from '../job/pipeline/context.js';
import { prepareItem, type PreparedItem } from '../job/pipeline/prepare.js';
import { SourceRoots } from '../job/pipeline/resolve.js';
import { Limiter } from '../copy/limiter.js';
import { DEFAULT_CONCURRENCY, type CopyOptions } from '../copy/options.js';
import { blobHolder, type BlobHolder } from '../copy/relay.js';
import { resolveSource } from '../copy/resolve-root.js';
import type { Selector } from '../copy/selector.js';
import type { TagConflict } from '../copy/tagging.js';

/**
 * Copies the root that `srcRef` names in `src`, and everything under it, into `dst`, then tags it
 * there. A destination without tag or digest takes the source's tags (or its digest). Tags are
 * written only after the whole graph is in, so a failed copy leaves no tag on incomplete content.
 * Returns the root descriptor: with a list of platforms, a new index of just those.
 */
export async function copy(
  src: ReadOnlyTarget,
  srcRef: Selector,
  dst: Target,
  dstRef: Selector,
  options: CopyOptions = {},
): Promise<Descriptor> {
  return copyToMany(src, srcRef, [{ target: dst, ref: dstRef }], options);
}

export interface Destination {
  target: Target;
  ref: Selector;
  /** This destination's events; `options.onEvent` when not given. */
  onEvent?: CopyOptions['onEvent'];
  /** What its tags named when the caller read them moments ago: read again only where `noClobber` needs it. */
  tagsRead?: ReadonlyMap<string, string | undefined>;
}

/**
 * Copies one root to several destinations in turn, down the job's per-image pipeline (the action
 * and `sync()` take the same path): the root is resolved once (so every destination gets the same
 * digest even if the source tag moves meanwhile), what each destination holds is read and judged,
 * and the checks (no-clobber) run for every destination before any byte moves. Each manifest is
 * fetched once, and each blob is read from the source once: a later destination reads what an
 * earlier one holds from there (see `relaySource`). Destinations on one registry mount from each
 * other through the blob-info cache (or a `ledger`) when one is given.
 */
export async function copyToMany(
  src: ReadOnlyTarget,
  srcRef: Selector,
  destinations: Destination[],
  options: CopyOptions = {},
): Promise<Descriptor> {
  const opened = new Map<Reference, ReadOnlyTarget>();
  const source = referenceOf(src, srcRef);
  opened.set(source, src);
  const records = destinations.map((d, i) => {
    const destination = referenceOf(d.target, d.ref);
    opened.set(destination, d.target);
    const item = { entry: 0, source, destination };
    const record = new ItemRecord(i, item, inferOperation(source, destination), {
      platform: options.platform,
      referrers: options.referrers,
      noClobber: options.noClobber,
    });
    if (d.tagsRead) record.current = d.tagsRead;
    return record;
  });
  const ctx = pipelineOf(src, opened, options);
  // Every destination is judged and checked before any byte moves; the first refusal, in order, is the error.
  const settled = await Promise.allSettled(records.map((r) => prepareItem(r, ctx)));
  const prepared: PreparedItem[] = [];
  for (const [i, s] of settled.entries()) {
    if (s.status === 'rejected') throw libraryError(s.reason, records[i]);
    prepared.push(s.value);
  }
  const holders: BlobHolder[] = [];
  for (const [i, item] of prepared.entries()) {
    item.record.start(destinations[i].onEvent ?? options.onEvent);
    try {
      await completeItem(item, ctx, holders);
    } catch (err) {
      throw libraryError(err, item.record);
    }
    if (!ctx.dryRun) holders.push(blobHolder(item.dst, item.record.report.nodes));
  }
  return prepared[0].resolved.root;
}

/** The pipeline over targets the caller opened (and closes): the caller's engine options, no-clobber the one check. */
function pipelineOf(src: ReadOnlyTarget, opened: Map<Reference, ReadOnlyTarget>, options: CopyOptions): PipelineContext {
  const { onEvent: _onEvent, manifestCache, ...engine } = options;
  // The root is read by the source's own resolve: one GET of a tag, whose bytes the walk reuses.
  const roots = new SourceRoots(new Limiter(options.concurrency ?? DEFAULT_CONCURRENCY), options.signal, resolveSource);
  if (manifestCache) roots.shareManifests(src, manifestCache);
  return {
    pool: {
      source: async (ref) => opened.get(ref)!,
      destination: async (ref) => opened.get(ref) as Target,
      served: () => undefined,
    },
    roots,
    engine,
    dryRun: options.dryRun === true,
    walkInDryRun: true,
    walkUnchanged: true,
    checks: [noClobberCheck],
    afterTag: [],
    signal: options.signal ?? new AbortController().signal,
  };
}

/** A name for a target the caller opened: where it is, and what the selector picks there. */
function referenceOf(target: ReadOnlyTarget, ref: Selector): Reference {
  if (isLocated(target))
    return {
      transport: 'registry',
      registry: target.location.registry,
      repository: target.location.repository,
      tags: ref.tags,
      digest: ref.digest,
    };
  return { transport: 'oci', path: target.description, tags: ref.tags, digest: ref.digest, image: ref.image };
}

/**
 * A library caller gets the engine's errors: a no-clobber refusal is a `TagConflictError` naming
 * the first tag that would move (the message names them all), or an `OperationError` when the
 * destination cannot say what its tags name.
 */
function libraryError(err: unknown, record: ItemRecord): unknown {
  if (!(err instanceof CheckRefusal) || err.check !== noClobberCheck.name) return err;
  const conflicts = err.record?.conflicts as TagConflict[] | undefined;
  const wanted = record.resolved?.root.digest;
  if (!conflicts?.length || !wanted) return new OperationError(err.message);
  return new TagConflictError(err.message, conflicts[0].tag, conflicts[0].current, wanted);
}
