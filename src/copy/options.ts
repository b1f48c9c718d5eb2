import type { BlobInfoCache } from '../blob-cache/types.js';
import type { Descriptor, Platform } from '../oci/descriptor.js';
import type { BlobLedger } from './blob-ledger.js';
import type { CopyListener } from './events.js';
import type { Limiter } from './limiter.js';

/**
 * What comes after a node in the walk. `content` is the node's bytes when it is a manifest or
 * index, undefined for blobs. Replace it or wrap it to filter the graph, as containerd's handlers do.
 */
export type SuccessorFn = (node: Descriptor, content: Uint8Array | undefined) => Descriptor[] | Promise<Descriptor[]>;

export interface CopyOptions {
  /** Blobs in flight at once. */
  concurrency?: number;
  successors?: SuccessorFn;
  /**
   * Copy only this platform: an index's manifest for it (the destination is tagged at that
   * manifest), or a single-platform image checked to be it. A list of several: a new index of
   * just their manifests, whose digest differs from the source's.
   */
  platform?: Platform | readonly Platform[];
  /** Ask the destination registry to mount blobs from other repositories (default true). */
  mount?: boolean;
  /** Where mount candidates beyond the source repository come from; learns from every copy. */
  blobCache?: BlobInfoCache;
  /** Also copy what refers to the copied manifests: signatures, SBOMs, attestations. */
  referrers?: boolean;
  /** Report what would happen, write nothing. */
  dryRun?: boolean;
  /**
   * Never move a tag: a destination tag that already names another digest fails the copy (checked
   * before any byte moves, and again right before tagging). One that names the copied digest is fine.
   */
  noClobber?: boolean;
  onEvent?: CopyListener;
  /**
   * Cancels the copy: what is in flight ends at once, nothing is tagged, and the copy fails with
   * the signal's reason (for an interrupted run, say).
   */
  signal?: AbortSignal;
  /**
   * Manifest bytes already fetched and verified, by digest. Share one between copies of the same
   * source (to several destinations) so each manifest is fetched once.
   */
  manifestCache?: Map<string, Buffer>;
  /**
   * Slots shared with other copies of the same run: `transfers` bounds the blobs in flight across
   * all of them (what `concurrency` means for a run of many images), `checks` their existence checks.
   */
  transfers?: Limiter;
  checks?: Limiter;
  /** Uploads in flight across the run's copies, so a blob shared by several images moves once per registry. */
  ledger?: BlobLedger;
  /**
   * A repair: the destination was checked and these digests (blobs, manifests, referrers) are
   * missing or damaged there. They are pushed again whatever the destination says of them; every
   * other node is taken as there without asking, and the walk goes below manifests that are there
   * to reach what is not.
   */
  putBack?: ReadonlySet<string>;
}

/**
 * Chosen by measurement (BENCHMARKS.md): across a link with 20 ms round trips, 8 blobs in flight
 * copy a 50-layer image a third faster than 4; on loopback 8 is no slower. skopeo uses 6.
 */
export const DEFAULT_CONCURRENCY = 8;
/** skopeo offers at most 5 candidates from its blob-info cache; more rarely help and cost a round trip each. */
export const MAX_CACHED_MOUNT_CANDIDATES = 5;
/** Tries for one blob when a target reports a failure worth retrying with fresh content. */
export const BLOB_TRIES = 3;
