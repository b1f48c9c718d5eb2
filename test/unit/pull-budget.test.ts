import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileBlobInfoCache, MAX_PENDING_ITEMS } from '../../src/blob-cache/file-cache.js';
import { digestOf } from '../../src/oci/digest.js';
import { parseReference } from '../../src/oci/reference.js';
import { itemKey, type PlanItem } from '../../src/plan/plan.js';
import { pendingFirst, pendingKeys } from '../../src/plan/resume.js';
import { formatSpan, PullBudget } from '../../src/job/features/pull-budget/pull-budget.js';
import type { RateLimitNote } from '../../src/targets/registry/index.js';

const item = (tag: string): PlanItem => ({
  entry: 1,
  source: parseReference(`docker.io/library/alpine:${tag}`, 's'),
  destination: parseReference(`mirror.example.com/alpine:${tag}`, 'd'),
});

describe('a pull budget', () => {
  const notes = new Map<string, RateLimitNote>();
  const budget = () => new PullBudget(10, (r) => notes.get(r));

  it('lets copies start while the remaining pulls, less those in flight, stay at the minimum', () => {
    notes.set('docker.io', { registry: 'docker.io', remaining: 13, limit: 100, windowSeconds: 21600 });
    const b = budget();
    const first = b.admit('docker.io');
    const second = b.admit('docker.io');
    const third = b.admit('docker.io');
    assert.ok(first && second && third, '13 - 3 = 10: three may start');
    assert.equal(b.admit('docker.io'), undefined, 'a fourth would leave 9');
    assert.ok(b.stopped);
    // Once stopped, the registry stays stopped for the run, even when its copies are done.
    first.done();
    first.done();
    assert.equal(b.admit('docker.io'), undefined);
    // Another registry is not held; one that says nothing of a limit never is.
    notes.set('quay.io', { registry: 'quay.io', remaining: 500 });
    assert.ok(b.admit('quay.io', 4));
    assert.ok(b.admit('ghcr.io', 100));
  });

  it('counts an index as one pull per platform and one for itself', () => {
    notes.set('docker.io', { registry: 'docker.io', remaining: 14 });
    const b = budget();
    assert.equal(b.admit('docker.io', 5), undefined, '14 - 5 = 9');
    const b2 = budget();
    const t = b2.admit('docker.io', 4)!;
    t.done();
    assert.ok(b2.admit('docker.io', 4), 'a finished copy no longer counts: the registry now says what it cost');
  });

  it('describes the stop with what the registry says now', () => {
    notes.set('docker.io', { registry: 'docker.io', remaining: 10, limit: 100, windowSeconds: 21600 });
    const b = budget();
    assert.equal(b.admit('docker.io'), undefined);
    notes.set('docker.io', { registry: 'docker.io', remaining: 3, limit: 100, windowSeconds: 21600 });
    assert.equal(b.describe(37, 120), '37 of 120 images left for the next run (docker.io: 3 of 100 pulls left per 6 h)');
    notes.set('docker.io', { registry: 'docker.io', remaining: 3, resetsAt: 1_000_000 + (5 * 3600 + 40 * 60) * 1000 });
    assert.equal(b.describe(1, 1, 1_000_000), '1 of 1 image left for the next run (docker.io: 3 pulls left, window resets in 5 h 40 min)');
  });

  it('formats spans as a person reads them', () => {
    assert.deepEqual([45, 600, 3600, 20_400].map(formatSpan), ['45 s', '10 min', '1 h', '5 h 40 min']);
  });
});

describe('resuming what a budget left', () => {
  it('puts the items left last time first, in the order they were left, and keeps the rest in order', () => {
    const items = ['1', '2', '3', '4', '5'].map(item);
    const order = pendingFirst(items, [itemKey(items[4]), 'gone => elsewhere', itemKey(items[2])]).map((i) => i.source.tags[0]);
    assert.deepEqual(order, ['5', '3', '1', '2', '4']);
    assert.deepEqual(
      pendingFirst(items, []).map((i) => i.source.tags[0]),
      ['1', '2', '3', '4', '5'],
    );
    assert.deepEqual(pendingKeys([items[0]]), ['docker.io/library/alpine:1 => mirror.example.com/alpine:1']);
  });

  it('keeps the list in the blob-info cache file, bounded, and forgets it when nothing is left', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oci-copy-pending-'));
    try {
      const path = join(dir, 'blob-info.json');
      const cache = new FileBlobInfoCache();
      cache.record({ registry: 'r.example', repository: 'a' }, digestOf('x'));
      assert.ok(await cache.save(path));
      assert.ok(!cache.changed);
      cache.setPendingItems(['a => b', 'c => d', 'a => b']);
      assert.ok(cache.changed, 'a new list is worth saving');
      assert.ok(await cache.save(path));
      const loaded = new FileBlobInfoCache();
      await loaded.load(path);
      assert.deepEqual(loaded.pendingItems(), ['a => b', 'c => d']);
      assert.equal(loaded.size, 1);
      loaded.setPendingItems(['a => b', 'c => d']);
      assert.ok(!loaded.changed, 'the same list is no news');
      loaded.setPendingItems([]);
      assert.ok(loaded.changed);
      await loaded.save(path);
      assert.equal(JSON.parse(await readFile(path, 'utf8')).pending, undefined);
      const again = new FileBlobInfoCache();
      await again.load(path);
      assert.deepEqual(again.pendingItems(), []);

      const many = Array.from({ length: MAX_PENDING_ITEMS + 5 }, (_, i) => `s${i} => d${i}`);
      again.setPendingItems([...many, 'x'.repeat(5000)]);
      assert.equal(again.pendingItems().length, MAX_PENDING_ITEMS);
      assert.equal(again.pendingItems()[0], 's0 => d0');

      // A file with a broken list still loads its entries; an older file without one loads as none.
      await writeFile(
        path,
        JSON.stringify({ version: 1, entries: [['r.example', 'a', digestOf('y'), 1]], pending: [3, 'ok => fine', null] }),
      );
      const odd = new FileBlobInfoCache();
      await odd.load(path);
      assert.deepEqual(odd.pendingItems(), ['ok => fine']);
      assert.equal(odd.size, 1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
