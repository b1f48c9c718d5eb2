import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FileBlobInfoCache } from '../../src/blob-cache/file-cache.js';
import { BlobCacheRule } from '../../src/job/features/blob-cache-rule.js';
import { PullBudgetFeature } from '../../src/job/features/pull-budget/budget-feature.js';
import type { ItemOutcome, ItemStatus } from '../../src/job/outcome/outcome.js';
import type { BlobCacheStore, JobPlan, JobSettings } from '../../src/job/settings.js';
import { parseReference } from '../../src/oci/reference.js';
import { itemKey, type PlanItem } from '../../src/plan/plan.js';

const item = (tag: string): PlanItem => ({
  entry: 1,
  source: parseReference(`docker.io/library/alpine:${tag}`, 's'),
  destination: parseReference(`mirror.example.com/alpine:${tag}`, 'd'),
});
/** Only what the features read of an item's outcome. */
const result = (it: PlanItem, status: ItemStatus) => ({ item: it, status }) as ItemOutcome;
const SYNC: JobSettings = { work: { kind: 'sync', entries: [] } };

/** A store that counts its calls and keeps its pending items in a file cache held in memory. */
function countingStore(note = 'Blob-info cache: restored.') {
  const cache = new FileBlobInfoCache();
  const calls = { restore: 0, save: 0 };
  const store: BlobCacheStore = {
    restore: async () => {
      calls.restore++;
      return cache;
    },
    save: async () => void calls.save++,
    note: () => note,
    pending: () => cache,
  };
  return { cache, calls, store };
}

describe('the pull budget as a job feature', () => {
  const feature = (cache: FileBlobInfoCache | undefined, dryRun = false) =>
    new PullBudgetFeature({ minPullsLeft: 10, rateLimitOf: () => undefined, pending: () => cache, dryRun, reporter: {} });
  const plan = (items: PlanItem[]): JobPlan => ({ work: 'sync', all: items, items });

  it('puts what was left last time first, and adds its check once the order is known', () => {
    const items = ['a', 'b', 'c'].map(item);
    const cache = new FileBlobInfoCache();
    cache.setPendingItems([itemKey(items[2])]);
    const f = feature(cache);
    const before = f.check;
    assert.equal(before, undefined);
    assert.deepEqual(
      f.planned(plan(items)).items.map((i) => i.source.tags[0]),
      ['c', 'a', 'b'],
    );
    assert.equal(f.check?.name, 'pull-budget');
    assert.deepEqual(feature(undefined).planned(plan(items)).items, items, 'nowhere to keep them: the plan as it is');
  });

  it('keeps the images it left for the next run, except in a dry run, and says nothing when it stopped nothing', async () => {
    const items = ['a', 'b'].map(item);
    const cache = new FileBlobInfoCache();
    const f = feature(cache);
    f.planned(plan(items));
    await f.afterItems([result(items[0], 'copied'), result(items[1], 'deferred')]);
    assert.deepEqual(cache.pendingItems(), [itemKey(items[1])]);
    assert.deepEqual(f.outcome(), {});
    const dry = new FileBlobInfoCache();
    const d = feature(dry, true);
    d.planned(plan(items));
    await d.afterItems([result(items[1], 'deferred')]);
    assert.deepEqual(dry.pendingItems(), []);
  });
});

describe('the blob-info cache rule as a job feature', () => {
  it('restores for mounts when a registry is involved, and gives the engine the cache', async () => {
    const { cache, calls, store } = countingStore();
    const rule = new BlobCacheRule(SYNC, store);
    await rule.open();
    assert.equal(calls.restore, 1);
    assert.equal(rule.engine().blobCache, cache);
    assert.equal(rule.pending(), cache);
  });

  it('leaves the store alone without a registry, or without mounts and a budget', async () => {
    const layouts = countingStore();
    await new BlobCacheRule(
      { work: { kind: 'copy', source: parseReference('oci:/tmp/a:v1'), destinations: [parseReference('oci:/tmp/b:v1')] } },
      layouts.store,
    ).open();
    assert.equal(layouts.calls.restore, 0);
    const noMount = countingStore();
    const rule = new BlobCacheRule({ ...SYNC, mount: false }, noMount.store);
    await rule.open();
    assert.equal(noMount.calls.restore, 0);
    assert.deepEqual(rule.outcome(), {});
  });

  it('restores for a pull budget without mounts, for what it left, but gives the engine no cache', async () => {
    const { calls, store, cache } = countingStore();
    const rule = new BlobCacheRule({ ...SYNC, mount: false, minPullsLeft: 10 }, store);
    await rule.open();
    assert.equal(calls.restore, 1);
    assert.equal(rule.engine().blobCache, undefined);
    assert.equal(rule.pending(), cache);
  });

  it('saves when an item succeeded (or a budget ran), never in a dry run, and gives the store its note', async () => {
    const a = item('a');
    const saves = async (settings: JobSettings, statuses: ItemStatus[]) => {
      const { calls, store } = countingStore();
      const rule = new BlobCacheRule(settings, store);
      await rule.open();
      await rule.close(statuses.map((s) => result(a, s)));
      return calls.save;
    };
    assert.equal(await saves(SYNC, ['failed', 'copied']), 1);
    assert.equal(await saves(SYNC, ['unchanged']), 1);
    assert.equal(await saves(SYNC, ['failed', 'skipped', 'deferred']), 0);
    assert.equal(await saves({ ...SYNC, minPullsLeft: 10 }, ['deferred']), 1);
    assert.equal(await saves({ ...SYNC, dryRun: true }, ['copied']), 0);
    const { store } = countingStore('Blob-info cache: saved.');
    assert.deepEqual(new BlobCacheRule(SYNC, store).outcome(), { cacheNote: 'Blob-info cache: saved.' });
  });
});
