import type { Digest } from '../oci/digest.js';
import type { BlobLocation } from '../targets/target.js';

/**
 * Remembers which repositories of which registries hold a blob, so that a later copy can mount it
 * from there. Its methods never throw into a copy.
 */
export interface BlobInfoCache {
  record(location: BlobLocation, digest: Digest): void;
  /** Repositories on `registry` known to hold `digest`, newest first, at most `limit`. */
  candidates(registry: string, digest: Digest, limit: number): string[];
}

/**
 * The images a pull budget left for the next run (as `itemKey` names them, first to go first),
 * kept beside the blob locations so that they travel between runs together.
 */
export interface PendingItems {
  pendingItems(): readonly string[];
  /** Replaces the list (empty: none left); a change makes the cache worth saving. */
  setPendingItems(keys: Iterable<string>): void;
}
