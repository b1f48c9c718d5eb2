import type { BlobInfoCache } from '../blob-cache/types.js';

/** A blob-info cache that also keeps the images a pull budget left for the next run (`FileBlobInfoCache`). */
export interface PendingItemsKeeper {
  pendingItems(): readonly string[];
  setPendingItems(keys: Iterable<string>): void;
}

export function hasPendingItems(cache: BlobInfoCache | undefined): cache is BlobInfoCache & PendingItemsKeeper {
  const c = cache as Partial<PendingItemsKeeper> | undefined;
  return typeof c?.pendingItems === 'function' && typeof c.setPendingItems === 'function';
}
