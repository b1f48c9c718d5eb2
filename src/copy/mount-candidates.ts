import type { BlobInfoCache } from '../blob-cache/types.js';
import type { Descriptor } from '../oci/descriptor.js';
import { isLocated, type Mounter, type ReadOnlyTarget } from '../targets/target.js';
import { MAX_CACHED_MOUNT_CANDIDATES } from './options.js';

/**
 * Repositories of the destination's registry to try mounting a blob from, in order: the source
 * repository when it is on the same registry (a cache learns nothing on a first copy), then what
 * the blob-info cache remembers, newest first. Never the destination repository itself.
 */
export function mountCandidates(src: ReadOnlyTarget, dst: Mounter, desc: Descriptor, cache?: BlobInfoCache): string[] {
  const { registry, repository } = dst.location;
  const out: string[] = [];
  if (isLocated(src) && src.location.registry === registry && src.location.repository !== repository) {
    out.push(src.location.repository);
  }
  if (cache) {
    let cached: string[] = [];
    try {
      cached = cache.candidates(registry, desc.digest, MAX_CACHED_MOUNT_CANDIDATES + 2);
    } catch {
      cached = []; // a cache that fails only costs mounts
    }
    for (const repo of cached.filter((r) => r !== repository && !out.includes(r)).slice(0, MAX_CACHED_MOUNT_CANDIDATES)) {
      out.push(repo);
    }
  }
  return out;
}
