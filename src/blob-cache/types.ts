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
