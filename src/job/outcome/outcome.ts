import type { CopyTotals, NodeRecord } from './copy-report.js';
import type { Descriptor } from '../../oci/descriptor.js';
import type { Operation } from '../../plan/operation.js';
import type { EmptySelection, PlanItem, Shard } from '../../plan/plan.js';
import type { RateLimitNote } from '../../targets/registry/index.js';
import type { CheckRecords } from '../checks/check.js';
import type { PresentedRecord } from '../checks/presenter.js';
import { STATUS_WORDS } from '../render/status-words.js';
import type { ImageOptions } from '../settings.js';

/**
 * What became of one item: `copied` (something was written), `unchanged` (the destination already
 * had it), `failed` (a copy that failed, or an image a check refused: `refusedBy` says which); in a
 * dry run `copy` or `unchanged`; `skipped` when it was not attempted (a failure with `failFast`, or
 * a refusal of the same image for another destination); `deferred` when the pull budget left it for
 * the next run (no failure: the next run starts with it); `repaired` when a repair found the image
 * there but damaged or incomplete, and put back what was missing.
 */
export type ItemStatus = 'copied' | 'repaired' | 'unchanged' | 'failed' | 'copy' | 'skipped' | 'deferred';

export const ITEM_STATUSES: readonly ItemStatus[] = ['copied', 'repaired', 'unchanged', 'failed', 'copy', 'skipped', 'deferred'];

/** Why an item is unchanged without a request to either side: its tags are `immutable-tags` the destination has. */
export type UnchangedReason = 'immutable';

/** What prune did (in a dry run: would do) to one destination repository of a pruning entry. */
export interface PruneOutcome {
  entry: number;
  /** `host/repo` (or the layout's path). */
  destination: string;
  /** Tags removed, or in a dry run to remove, in order (images' tags, then their attachments). */
  removed: string[];
  /** Tags gone from the source that `protect` (or another entry writing them) kept. */
  protected: string[];
  /** How many of the destination's tags stay; unknown when prune stopped before listing them. */
  kept?: number;
  /** Attachment tags of removed images that stay because a kept tag's digest was not read. */
  attachmentsKept: string[];
  /** Tags whose removal failed, with why. */
  failed: Array<{ tag: string; error: string }>;
  /** Why prune stopped or did nothing (a registry that refuses deletes, a source listing no tags, another shard). */
  stopped?: string;
}

/** One destination tag: what it named before the copy, and what became of it. */
export interface TagOutcome {
  tag: string;
  /** What it names now (or, in a dry run, would). */
  digest: string;
  /** What it named before; none when it is new. */
  previous?: string;
  /** `kept`: it named the digest already; `moved` from `previous`; `new`. In a dry run, what would happen. */
  change: 'new' | 'moved' | 'kept';
}

/** One platform of the root: its manifest and the bytes of its image (manifest, config, layers) when they were walked. */
export interface PlatformOutcome {
  platform: string;
  digest: string;
  mediaType: string;
  size: number;
  imageBytes?: number;
}

/** The referrers looked for: how many of each kind, and how many moved. */
export interface ReferrerOutcome {
  found: number;
  kinds: Array<{ label: string; count: number }>;
  /** Copied (in a dry run: to copy) and already there. */
  copied: number;
  there: number;
}

/** Nodes of the graph under one heading: a platform's image, the index, the referrers. */
export interface NodeGroup {
  label: string;
  nodes: NodeRecord[];
}

/** Everything known of one item, computed once; every renderer reads this and derives nothing. */
export interface ItemOutcome {
  index: number;
  item: PlanItem;
  operation: Operation;
  status: ItemStatus;
  /** The source with the tag it was read by; the destination with every tag it got (or `@digest`). */
  source: string;
  destination: string;
  /** `[registry] host/repo`, as the targets name themselves. */
  sourceDescription?: string;
  destinationDescription?: string;
  /** What the image was copied with (the job's settings, the entry's own fields over them). */
  options: ImageOptions;
  /** The root the destination got, has or would get; none when the item failed or was not attempted. */
  root?: Descriptor;
  /** What the source named, when the platforms asked for chose another root from it. */
  chosenFrom?: Descriptor;
  platforms: PlatformOutcome[];
  /** The root's tags in the destination, every one checked; empty when it is stored by digest alone. */
  tags: TagOutcome[];
  /** Tags of cosign attachments (`sha256-<hex>.sig`) that named another digest before. */
  attachmentMoves: TagOutcome[];
  storedByDigest: boolean;
  /** The referrers looked for, when they were. */
  referrers?: ReferrerOutcome;
  notices: string[];
  /** What was asked for and not done, with why. */
  warnings: string[];
  /**
   * What each check and stage recorded, by name: `checks['signature-policy']` what the signature
   * policy found of the source digest (who signed it, or why it was refused), `checks.sign` what
   * signing wrote at the destination, found there already, or (in a dry run) would write.
   */
  checks: CheckRecords;
  /** The records that are shown, each bound to its presenter, in the order their checks ran. */
  presented: PresentedRecord[];
  /** The check that refused the image. */
  refusedBy?: string;
  /** Why it is unchanged without a request (`immutable`). */
  reason?: UnchangedReason;
  /** Every node, in the order it finished (children first); and grouped under its manifest. */
  blobs: NodeRecord[];
  nodeGroups: NodeGroup[];
  totals: CopyTotals;
  durationMs: number;
  /** Why it failed or was not attempted: one line. */
  error?: string;
  /** What was thrown, for a caller that tells errors apart. */
  cause?: unknown;
}

/** What a whole job did. */
export interface JobOutcome {
  mode: 'copy' | 'sync';
  dryRun: boolean;
  /** The job checked its destinations (`check`: and wrote nothing) or repaired them. */
  integrity?: 'check' | 'repair';
  results: ItemOutcome[];
  /** How many items the work expanded to, and (for a sync) its entries and this job's shard. */
  /** `nothingSelected`: the entries whose source was listed and that selected no tag. */
  plan: { all: number; entries?: number; shard?: Shard; nothingSelected?: EmptySelection[] };
  counts: Record<ItemStatus, number>;
  /** `resent`: bytes sent more than once (uploads that broke off and went on). */
  bytes: { copied: number; mounted: number; existing: number; resent: number };
  /** The root the destinations got (a one-image copy), when one did. */
  root?: Descriptor;
  /** What registries said of their pull limits at the end. */
  rateLimits: RateLimitNote[];
  durationMs: number;
  /** The job's one failure line, when anything failed: the error itself for one item, else a count naming the first few. */
  failure?: string;
  /** What the blob-info cache store did. */
  cacheNote?: string;
  /** Said about the job's settings. */
  warnings: string[];
  /** The pull budget's stop line, when it left images for the next run (`37 of 120 images left for the next run (…)`). */
  pullBudget?: string;
  /** What prune did, per pruning entry and destination. */
  pruned?: PruneOutcome[];
  /** What became of the lock file: written, would be written, or read to pin the images. */
  lock?: LockOutcome;
}

/** The lock file of a job: what it holds, and what was left out of it and why. */
export interface LockOutcome {
  /** The lock file, as messages name it. */
  file: string;
  /** The path it was (or would be) written to. */
  path: string;
  /** `written`; `would-write` in a dry run; `not-written` after a cancel or a failed write; `locked`: read to pin the images, left as it was. */
  state: 'written' | 'would-write' | 'not-written' | 'locked';
  /** Entries it holds (or would hold); with `locked`, the images it pinned. */
  images: number;
  /** Whether its text differs from the file that was there before (a new file differs). */
  changed?: boolean;
  /** Images of the job that are not in it, with why (failed, not attempted, left for the next run). */
  leftOut: Array<{ source: string; destination: string; why: string }>;
  /** With `locked`: images whose source tag names another digest than the lock now. */
  drifted?: number;
  /** The job's one line about the lock, as the log said it. */
  line: string;
}

/** How many failed items the failure line names before it counts the rest. */
const NAMED_FAILURES = 3;

/** The job outcome from its items, computed once. */
export function jobOutcome(
  mode: JobOutcome['mode'],
  dryRun: boolean,
  results: ItemOutcome[],
  extra: Pick<JobOutcome, 'plan' | 'rateLimits' | 'durationMs' | 'warnings'> &
    Pick<Partial<JobOutcome>, 'pullBudget' | 'pruned' | 'lock' | 'integrity'> & { cacheNote?: string; failFast?: boolean },
): JobOutcome {
  const counts = Object.fromEntries(ITEM_STATUSES.map((s) => [s, 0])) as Record<ItemStatus, number>;
  const bytes = { copied: 0, mounted: 0, existing: 0, resent: 0 };
  for (const r of results) {
    counts[r.status]++;
    bytes.copied += r.totals.bytesCopied;
    bytes.mounted += r.totals.bytesMounted;
    bytes.existing += r.totals.bytesExisting;
    bytes.resent += r.totals.bytesResent;
  }
  const root = results.find((r) => r.root)?.root;
  const failure = failureLine(results, { what: mode === 'copy' ? 'destinations' : 'images', failFast: extra.failFast === true });
  const { failFast: _, cacheNote, ...rest } = extra;
  return {
    mode,
    dryRun,
    results,
    counts,
    bytes,
    ...(root ? { root } : {}),
    ...rest,
    ...(cacheNote ? { cacheNote } : {}),
    ...(failure ? { failure } : {}),
  };
}

/**
 * The one failure line: the error itself when the job had one item, else each failed destination
 * or image (the first few, then a count), and how many were not attempted. `errorsTold`: each
 * error was printed beside its destination already (the command line), so the line names every
 * failed destination and nothing more.
 */
export function failureLine(
  results: ItemOutcome[],
  options: { what: 'destinations' | 'images'; failFast?: boolean; errorsTold?: boolean },
): string | undefined {
  const { what } = options;
  const failed = results.filter((r) => r.status === 'failed');
  if (!failed.length) return undefined;
  const head = `${failed.length} of ${results.length} ${what} failed`;
  if (options.errorsTold) return `${head}: ${failed.map((r) => r.destination).join(', ')}`;
  if (what === 'destinations' && results.length === 1) return failed[0].error;
  const named = failed
    .slice(0, NAMED_FAILURES)
    .map((r) => (what === 'destinations' ? `${r.destination}: ${r.error}` : `${r.source} => ${r.destination}: ${r.error}`));
  const more = failed.length > NAMED_FAILURES ? `; and ${failed.length - NAMED_FAILURES} more` : '';
  const skipped = results.filter((r) => r.status === 'skipped').length;
  const notTried = skipped ? ` (${skipped} ${STATUS_WORDS.skipped.word}${options.failFast ? ': fail-fast' : ''})` : '';
  return `${head}${notTried}: ${named.join('; ')}${more}`;
}
