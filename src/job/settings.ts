import type { BlobInfoCache, PendingItems } from '../blob-cache/types.js';
import type { CopyListener } from '../copy/events.js';
import type { Platform } from '../oci/descriptor.js';
import type { Reference } from '../oci/reference.js';
import type { Voice } from '../settings/voice.js';
import type { SyncEntry } from '../plan/entries.js';
import type { InPlaceOperation, Operation } from '../plan/operation.js';
import type { EmptySelection, PlanItem, Shard } from '../plan/plan.js';
import type { OpenTargetOptions } from '../targets/open-target.js';
import type { AfterTagStage, ImageCheck } from './checks/check.js';
import type { ItemOutcome, PruneOutcome } from './outcome/outcome.js';

/**
 * What a job copies: one image to its destinations, or a sync list expanded into images; or one
 * image acted on where it is (`in-place`: verified by `checks`, signed by `afterTag`, nothing copied).
 */
export type JobWork =
  | { kind: 'copy'; source: Reference; destinations: Reference[] }
  | { kind: 'in-place'; operation: InPlaceOperation; reference: Reference }
  | {
      kind: 'sync';
      entries: SyncEntry[];
      /** Take only this share of the expanded list. */
      shard?: Shard;
    };

/** What each image is copied with; a sync entry's own fields win over these. */
export interface ImageOptions {
  /** One platform (its manifest), or several (a new index of just those). */
  platform?: Platform | readonly Platform[];
  /** Also copy signatures, SBOMs and attestations. */
  referrers?: boolean;
  /** Never move a destination tag that names another digest. */
  noClobber?: boolean;
}

/**
 * Everything a job is asked to do, in one typed object: the action builds it from its inputs, the
 * command line from its flags, a program from its options. Nothing else reaches the runner.
 */
export interface JobSettings {
  work: JobWork;
  /** Defaults for every image. */
  image?: ImageOptions;
  /** Report what would happen, write nothing. */
  dryRun?: boolean;
  /** Blob transfers in flight across the whole job (default 8). */
  concurrency?: number;
  /** Images of a sync walked at once (default: `concurrency`); a one-image copy does its destinations in turn. */
  parallel?: number;
  /** Ask registries to mount blobs from other repositories (default true). */
  mount?: boolean;
  /** Stop starting images (or destinations) after the first failure. */
  failFast?: boolean;
  /** How the sources and the destinations are opened: credentials, plain HTTP, observers. */
  source?: OpenTargetOptions;
  destination?: OpenTargetOptions;
  /** Trust for every registry: a CA file (read once, before any connection) and verification. */
  trust?: { caFile?: string; tlsVerify?: boolean };
  /** How messages about settings are worded (`--ca-file`, `input "ca-file"`). */
  voice?: Voice;
  /** Checks that may refuse an image, run after the built-in ones (no-clobber) and before any byte moves. */
  checks?: ImageCheck[];
  /** Stages run once an image is tagged (signing, say). */
  afterTag?: AfterTagStage[];
  /** Cancels the job: whatever is in flight ends, nothing more is tagged. */
  signal?: AbortSignal;
  /**
   * `min-pulls-left` (a sync): start no copy from a registry whose pull limit would fall below this;
   * what is left goes first in the next run (kept in the blob-info cache). Unset: no budget.
   */
  minPullsLeft?: number;
  /** `requests-per-second`: at most this many requests a second to each registry host, both sides counted together. */
  requestsPerSecond?: number;
  /** `lock-file` and `locked`: write what the job left in place to a lock, or copy exactly what a lock names. */
  lock?: LockSettings;
  /**
   * Do not trust the destination. `check`: write nothing; for every image compare its tags with the
   * source (drift) and walk its graph in the destination (every manifest fetched, every blob HEADed,
   * with `deep` downloaded and hashed), its referrers too with `referrers`; an image with a problem
   * fails. `repair`: a copy that, for an image whose tags already name the source's digest, checks
   * the same and puts back only what is missing or damaged (deleting damaged blobs first).
   */
  integrity?: IntegritySettings;
}

/** How a job distrusts its destinations (see `JobSettings.integrity`). */
export interface IntegritySettings {
  mode: 'check' | 'repair';
  /** Download and hash every blob, not only ask for it. */
  deep?: boolean;
}

/**
 * A lock file: after the job, every (source, destination, digest) it left in place, sorted, one
 * entry a line; with `locked`, the lock is read instead and every image copies exactly the digest
 * it names (a source tag that moved since is drift, reported and not followed; an image the lock
 * does not know is refused). A locked job leaves the file as it is.
 */
export interface LockSettings {
  /** Where the lock is read and written. */
  path: string;
  /** How messages name it (the path as given, `lock-file mirror.lock.json`); the path when not given. */
  name?: string;
  locked?: boolean;
}

/** The plan a job runs: every item the work expands to, and those this job takes (a shard's share). */
export interface JobPlan {
  work: JobWork['kind'];
  all: PlanItem[];
  items: PlanItem[];
  entries?: number;
  shard?: Shard;
  /** What each whole-repository entry's source listed, unfiltered, by entry number: what prune compares with. */
  sourceTags?: ReadonlyMap<number, readonly string[]>;
  /** Destination repositories' tags as listed for `immutable-tags` (`host/repo` → tags): prune uses them again. */
  destinationTags?: ReadonlyMap<string, string[]>;
  /** Entries whose source was listed and that selected no tag (each also said as a warning). */
  nothingSelected?: EmptySelection[];
}

/** An item's copy is starting: what a log names it by. */
export interface ItemStart {
  index: number;
  item: PlanItem;
  operation: Operation;
  dryRun: boolean;
  /**
   * What is known before it runs: `unchanged` (the destination already has the image: nothing
   * moves) or `skipped` (not attempted). A log heads neither as a copy.
   */
  known?: 'unchanged' | 'skipped';
}

/**
 * What a shell is told while a job runs. Everything it shows at the end comes from the job's
 * outcome; these calls are for what it shows on the way (live logs, progress).
 */
export interface JobReporter {
  /** Said once about the settings before anything runs (TLS verification is off). */
  warning?(line: string): void;
  /** The plan is made. */
  planned?(plan: JobPlan): void;
  /** An item's copy starts: the listener returned gets its events. */
  itemStarted?(start: ItemStart): CopyListener | undefined;
  /** An item is done: its outcome, final. */
  itemDone?(outcome: ItemOutcome): void;
  /** A destination of a pruning entry is pruned (or, in a dry run, would be). */
  pruned?(outcome: PruneOutcome, dryRun: boolean): void;
  /** The pull budget left images for the next run: its one line. */
  budgetStopped?(line: string): void;
  /** The lock file was written (or, in a dry run, would be) or read: its one line. */
  lockNote?(line: string): void;
}

/**
 * Where the blob-info cache comes from and goes back to (the Actions cache service, a file in the
 * user's cache directory). The runner decides when: restored when mounts can use it, saved when
 * something succeeded and it was no dry run. Neither call may throw.
 */
export interface BlobCacheStore {
  restore(): Promise<BlobInfoCache | undefined>;
  save(): Promise<void>;
  /** One line on what the store did, for summaries. */
  note?(): string | undefined;
  /**
   * Where the store keeps the images a pull budget left for the next run, once restored (a file
   * cache keeps them beside the blob locations). Without it, a budget starts each run from the top.
   */
  pending?(): PendingItems | undefined;
}

/** What a shell hands the runner beside its settings. */
export interface JobHooks {
  reporter?: JobReporter;
  cacheStore?: BlobCacheStore;
}
