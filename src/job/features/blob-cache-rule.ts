import type { BlobInfoCache, PendingItems } from '../../blob-cache/types.js';
import type { CopyOptions } from '../../copy/options.js';
import type { ItemOutcome } from '../outcome/outcome.js';
import type { BlobCacheStore, JobSettings } from '../settings.js';
import type { FeatureOutcome, JobFeature } from './feature.js';

/**
 * When the blob-info cache is restored and saved. What a copy learns of where blobs live in
 * registries serves later mounts: the cache is restored when mounts are on and a registry is
 * involved (a pull budget keeps the images it left in the same store, so it asks for it too), and
 * saved when something succeeded (or a budget ran) and it was no dry run.
 */
export class BlobCacheRule implements JobFeature {
  private readonly store: BlobCacheStore | undefined;
  private restored: BlobInfoCache | undefined;

  constructor(
    private readonly settings: JobSettings,
    store: BlobCacheStore | undefined,
  ) {
    const work = settings.work;
    // An image acted on in place moves no blob: where blobs live is neither needed nor learnt.
    const registryInvolved =
      work.kind === 'sync' || (work.kind === 'copy' && [work.source, ...work.destinations].some((r) => r.transport === 'registry'));
    this.store = (this.mounts || this.budgeted) && registryInvolved ? store : undefined;
  }

  private get mounts(): boolean {
    return this.settings.mount !== false;
  }

  private get budgeted(): boolean {
    return this.settings.minPullsLeft !== undefined;
  }

  async open(): Promise<void> {
    this.restored = await this.store?.restore();
  }

  engine(): Partial<CopyOptions> {
    return this.mounts && this.restored ? { blobCache: this.restored } : {};
  }

  /** Where the images a pull budget left are kept, once restored. */
  pending(): PendingItems | undefined {
    return this.restored ? this.store?.pending?.() : undefined;
  }

  async close(results: readonly ItemOutcome[]): Promise<void> {
    const succeeded = results.some((r) => r.status !== 'failed' && r.status !== 'skipped' && r.status !== 'deferred');
    if (this.store && this.restored && (succeeded || this.budgeted) && this.settings.dryRun !== true) await this.store.save();
  }

  outcome(): FeatureOutcome {
    const cacheNote = this.store?.note?.();
    return cacheNote ? { cacheNote } : {};
  }
}
