import type { Descriptor, Platform } from '../oci/descriptor.js';
import { isDigest } from '../oci/digest.js';
import { messageOf } from '../oci/errors.js';
import { formatReference, type Reference } from '../oci/reference.js';
import { isIndex } from '../oci/media-types.js';
import { formatPlatform } from '../oci/platform.js';
import { printable } from '../oci/text.js';
import { dockerImageOf } from '../targets/archive/docker-manifest.js';
import { BlobLedger } from '../copy/blob-ledger.js';
import { copyToMany, defaultSelector, destinationReferences, resolveRoot, rootSelector, type Selector } from '../copy/copy.js';
import type { CopyEvent, CopyListener } from '../copy/events.js';
import { GraphCopier } from '../copy/graph-copier.js';
import { Limiter } from '../copy/limiter.js';
import { DEFAULT_CONCURRENCY, type CopyOptions } from '../copy/options.js';
import { CopyReport } from '../copy/report.js';
import type { PlanItem } from '../plan/plan.js';
import { isLocated, type ReadOnlyTarget } from '../targets/target.js';
import { tagContext } from '../copy/tag-context.js';
import { compareDestination, judge, peekSourceRoot, readDestination } from './compare.js';
import type { RunTargets } from './target-pool.js';

/**
 * What became of one item: `copied` (something was written), `unchanged` (the destination already
 * had it: nothing read but HEADs), `failed`; in a dry run `copy` or `unchanged`; `skipped` when a
 * failure stopped the run first (`failFast`).
 */
export type ItemStatus = 'copied' | 'unchanged' | 'failed' | 'copy' | 'skipped';

export interface ItemResult {
  item: PlanItem;
  status: ItemStatus;
  /** Full references: the source with the tag it was read by, the destination with every tag it got (or would). */
  source: string;
  destination: string;
  /** The root the destination got (or has, or would get). */
  root?: Descriptor;
  /** Every node's fate, from the copy's events. */
  report: CopyReport;
  error?: unknown;
  /** `[registry] host/repo`, as the targets name themselves. */
  sourceDescription?: string;
  destinationDescription?: string;
  /** What each destination tag named before (undefined: nothing), when it was checked. */
  previous?: Map<string, string | undefined>;
}

export interface RunReporter {
  /** An item starts: the listener returned gets its copy's events. */
  itemStarted?(item: PlanItem, index: number): CopyListener | undefined;
  itemDone?(result: ItemResult, index: number): void;
}

export interface RunOptions {
  /** Defaults for every item; `concurrency` is the number of blob transfers in flight across the whole run. */
  copy: CopyOptions;
  /** Items walked at once (default: one). */
  parallel?: number;
  /** Stop starting items after the first failure. */
  failFast?: boolean;
  /**
   * In a dry run, walk the graph of an item that differs and report each blob (what the one-image
   * step shows); without it a dry run compares roots by HEAD only (what a sync of many images wants).
   */
  walkInDryRun?: boolean;
  reporter?: RunReporter;
}

/**
 * Runs a plan's items over the copy engine. Every item first compares the source's root with
 * what the destination's tags name, by HEADs: an unchanged one costs no GET on either side. Items
 * that differ are copied, several at a time, under one transfer budget and one ledger of uploads
 * in flight (a blob shared by several images moves once per destination registry); items from one
 * source share its manifests and resolve its tag once, so every destination gets the same root.
 * A failed item never stops the others (unless `failFast`): each gets its own result.
 */
export async function runPlan(items: PlanItem[], targets: RunTargets, options: RunOptions): Promise<ItemResult[]> {
  const concurrency = options.copy.concurrency ?? DEFAULT_CONCURRENCY;
  const shared = {
    transfers: options.copy.transfers ?? new Limiter(concurrency),
    checks: options.copy.checks ?? new Limiter(concurrency),
    ledger: options.copy.ledger ?? new BlobLedger(),
  };
  const manifestCaches = new Map<ReadOnlyTarget, Map<string, Buffer>>();
  const sourceRoots = new Map<string, Promise<Descriptor>>();
  const results: ItemResult[] = new Array(items.length);
  let stopped = false;
  let next = 0;

  const runItem = async (item: PlanItem, index: number): Promise<ItemResult> => {
    const report = new CopyReport();
    const listener = options.reporter?.itemStarted?.(item, index);
    const onEvent = (event: CopyEvent) => {
      report.listener(event);
      listener?.(event);
    };
    const result: ItemResult = { item, status: 'failed', report, source: formatReference(item.source), destination: formatReference(item.destination) };
    const served: ReadOnlyTarget[] = [];
    try {
      if (item.failure) throw new Error(item.failure);
      const src = await targets.source(item.source);
      result.sourceDescription = src.description;
      const dst = await targets.destination(item.destination);
      result.destinationDescription = dst.description;
      served.push(src, dst);
      let manifestCache = manifestCaches.get(src);
      if (!manifestCache) manifestCaches.set(src, (manifestCache = new Map()));
      const copyOptions: CopyOptions = {
        ...options.copy,
        ...shared,
        platform: item.platform ?? options.copy.platform,
        referrers: item.referrers ?? options.copy.referrers,
        manifestCache,
        onEvent,
      };
      const srcRef = await defaultSelector(src, item.source);
      // The destination's tags are known before the source answers (unless it is stored by
      // digest): both sides are asked at once, a round trip saved per image.
      const knownTags = item.destination.tags.length ? item.destination.tags : srcRef.tags;
      // A layout or archive keeps a tag per image name: the read asks for this image's, as tagging will.
      const context = knownTags.length && !isLocated(dst) ? await tagContext(src, srcRef, copyOptions.platform) : undefined;
      const early = knownTags.length ? readDestination(dst, knownTags, undefined, context) : undefined;
      early?.catch(() => undefined);
      // One source tag resolves once for every destination of the run, whatever it does meanwhile.
      const key = `${src.description}\u0000${rootSelector(srcRef) ?? ''}`;
      let sourceRoot = sourceRoots.get(key);
      if (!sourceRoot) sourceRoots.set(key, (sourceRoot = peekSourceRoot(src, srcRef)));
      const pinned: Selector = { ...srcRef, digest: (await sourceRoot).digest };
      // With a platform, the destination gets a manifest the index names: reading the index is the
      // only way to know which.
      const resolved = copyOptions.platform
        ? await resolveRoot(src, pinned, new GraphCopier(src, dst, copyOptions), copyOptions)
        : { source: await sourceRoot, root: await sourceRoot };
      const root = resolved.root;
      result.root = root;
      const references = destinationReferences(srcRef, item.destination, root);
      result.source = formatReference({ ...item.source, tags: srcRef.tags });
      result.destination = destinationName(item.destination, references);
      const comparison = early ? judge(root, await early) : await compareDestination(dst, root, references);
      if (comparison.state === 'differs') result.previous = comparison.previous;
      // Referrers can change while their image does not: with them on, the walk still runs (and
      // finds the image there) to look for new ones.
      if (comparison.state === 'unchanged' && !copyOptions.referrers) {
        onEvent({ type: 'resolved', node: root, source: resolved.source, ...('platforms' in resolved && resolved.platforms ? { platforms: resolved.platforms } : {}) });
        onEvent({ type: 'done', node: root, action: 'exists', bytes: 0 });
        result.status = 'unchanged';
        return result;
      }
      if (options.copy.dryRun && !options.walkInDryRun) {
        result.status = comparison.state === 'unchanged' ? 'unchanged' : 'copy';
        return result;
      }
      const tagsRead = comparison.state === 'differs' ? comparison.previous : undefined;
      result.root = await copyToMany(src, pinned, [{ target: dst, ref: item.destination, ...(tagsRead ? { tagsRead } : {}) }], copyOptions);
      if (item.destination.transport === 'docker-archive') noteDockerImage(result.root, report, copyOptions.platform, onEvent);
      result.status = options.copy.dryRun ? (comparison.state === 'unchanged' ? 'unchanged' : 'copy') : wroteAnything(report, comparison.state);
      return result;
    } catch (err) {
      result.status = 'failed';
      result.error = err;
      if (options.failFast) stopped = true;
      return result;
    } finally {
      report.finish();
      if (result.status !== 'failed') for (const t of served) targets.served?.(t);
      options.reporter?.itemDone?.(result, index);
    }
  };

  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      const item = items[index];
      if (stopped) {
        const report = new CopyReport();
        report.finish();
        results[index] = { item, status: 'skipped', report, source: formatReference(item.source), destination: formatReference(item.destination), error: new Error('not attempted: an earlier image failed and fail-fast is set') };
        options.reporter?.itemDone?.(results[index], index);
        continue;
      }
      results[index] = await runItem(item, index);
    }
  };
  const parallel = Math.max(1, Math.min(options.parallel ?? 1, items.length));
  await Promise.all(Array.from({ length: parallel }, worker));
  return results;
}

/**
 * `docker load` takes one image per name: for an index, a docker archive's manifest.json lists one
 * of its platforms. Which one is said, not left to be found out.
 */
function noteDockerImage(root: Descriptor, report: CopyReport, platform: CopyOptions['platform'], onEvent: CopyListener): void {
  if (!isIndex(root.mediaType)) return;
  const children = report.children.get(root.digest) ?? [];
  const wanted = Array.isArray(platform) ? platform[0] : (platform as Platform | undefined);
  const chosen = dockerImageOf(children, wanted);
  if (!chosen) return;
  const name = chosen.platform ? formatPlatform(chosen.platform) : chosen.digest;
  const message = `manifest.json lists ${printable(name)} (${chosen.digest}), the one image of the index docker load takes; index.json keeps all ${children.length} for other loaders`;
  onEvent({ type: 'notice', node: root, message });
}

/** The destination with the tags it gets, or `@digest` when it is stored by digest alone. */
function destinationName(ref: Reference, references: string[]): string {
  const tags = references.filter((r) => !isDigest(r));
  const digest = tags.length ? ref.digest : (ref.digest ?? references.find((r) => isDigest(r)));
  return formatReference({ ...ref, tags, digest });
}

/** `unchanged` when the copy found everything there and moved no tag, else `copied`. */
function wroteAnything(report: CopyReport, compared: 'unchanged' | 'differs'): ItemStatus {
  const t = report.totals();
  return compared === 'unchanged' && t.copied === 0 && t.mounted === 0 ? 'unchanged' : 'copied';
}

/** The one line a failed item's error reads as. */
export function itemError(result: ItemResult): string | undefined {
  return result.error === undefined ? undefined : messageOf(result.error);
}
