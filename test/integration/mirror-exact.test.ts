// The pieces that keep a mirror exact and within its pull budget, against a real registry: immutable
// tags planned from one tag list per side, prune through the regctl-style tag removal, and a pull
// budget (Docker Hub's rate-limit headers from a front in the test) that stops and resumes.
// The runner's own loop is played here by the test: compare, check, copy, one image at a time.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileBlobInfoCache } from '../../src/blob-cache/file-cache.js';
import type { RegistryReference } from '../../src/oci/reference.js';
import { parseSyncEntries, type SyncEntry } from '../../src/plan/entries.js';
import { applyImmutableTags } from '../../src/plan/immutable.js';
import { entryRepository, expandEntries, itemKey, type PlanItem } from '../../src/plan/plan.js';
import { planPrune, readPruneDigests } from '../../src/plan/prune.js';
import { pendingFirst, pendingKeys } from '../../src/plan/resume.js';
import { PullBudget } from '../../src/job/pull-budget.js';
import { runPlan } from '../../src/run/run.js';
import { TargetPool } from '../../src/run/target-pool.js';
import { openRegistryRepository } from '../../src/targets/registry/index.js';
import { makeImageLayout, pushImageOverHttp, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { addTags, startTagPagingProxy, type TagPagingProxy } from '../support/tag-pages.js';

const ACCEPT = 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json';

/** Lists a registry repository's tags through the library, as a runner does. */
async function listTags(ref: RegistryReference): Promise<string[]> {
  const repo = openRegistryRepository(ref);
  try {
    return await repo.tags();
  } finally {
    await repo.close('success');
  }
}

async function image(work: string, name: string): Promise<ImageLayout> {
  return makeImageLayout(join(work, name), { tag: name, platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 300, seed: name }] }] });
}

describe('mirrors that stay exact and within their budget', () => {
  let registry: TestRegistry;
  let work: string;

  before(async () => {
    registry = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'oci-copy-mirror-'));
  });
  after(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('plans a re-run of 200 immutable tags with one tag list per side and no HEAD', async () => {
    const img = await image(work, 'rel');
    const releases = Array.from({ length: 200 }, (_, i) => `v1.${i}.0`);
    await pushImageOverHttp(img, registry.url, 'src/rel', 'rel');
    await addTags(registry.url, 'src/rel', 'rel', [...releases, 'v2.0.0', 'latest']);
    // What the last run left at the destination: every release, and latest.
    await pushImageOverHttp(img, registry.url, 'mirror/rel', 'rel');
    await addTags(registry.url, 'mirror/rel', 'rel', [...releases, 'latest']);
    const list = (immutable: string) =>
      parseSyncEntries(`- source: ${registry.host}/src/rel\n  destination: ${registry.host}/mirror/rel\n  tags: ['v.*', latest]\n${immutable}`, 'the list');

    await registry.resetRequests();
    const entries = list("  immutable-tags: ['v*']\n");
    const items = await expandEntries(entries, listTags);
    const planned = await applyImmutableTags(items, entries, listTags);
    const seen = await registry.settledRequests();
    assert.deepEqual(
      seen.map((r) => `${r.method} ${r.path.replace(/\?.*$/, '')}`).sort(),
      ['GET /v2/mirror/rel/tags/list', 'GET /v2/src/rel/tags/list'],
      'one tag list per side, and nothing else',
    );
    assert.equal(planned.items.length, 202);
    const known = planned.items.filter((i) => i.unchanged === 'immutable').map((i) => i.source.tags[0]);
    assert.equal(known.length, 200);
    assert.deepEqual(
      planned.items.filter((i) => !i.unchanged).map((i) => i.source.tags[0]).sort(),
      ['latest', 'v2.0.0'],
      'a tag the destination lacks, and one that is not immutable, are compared as usual',
    );
    assert.deepEqual(planned.destinationTags.get(`${registry.host}/mirror/rel`)?.length, 202);

    // The run compares only the two others: two HEADs a side, none for the 200.
    await registry.resetRequests();
    const pool = new TargetPool({}, {});
    try {
      const results = await runPlan(
        planned.items.filter((i) => !i.unchanged),
        pool,
        { copy: {}, parallel: 2 },
      );
      assert.deepEqual(results.map((r) => r.status).sort(), ['copied', 'unchanged']);
    } finally {
      await pool.close();
    }
    const heads = (await registry.settledRequests()).filter((r) => r.method === 'HEAD' && r.path.includes('/manifests/'));
    assert.ok(heads.length > 0 && heads.every((r) => !/\/manifests\/v1\./.test(r.path)), heads.map((r) => r.path).join(' '));

    // Without immutable-tags the same plan marks nothing: every tag would be HEAD-compared.
    const plain = await applyImmutableTags(await expandEntries(list(''), listTags), list(''), listTags);
    assert.equal(plain.items.filter((i) => i.unchanged).length, 0);
  });

  it('prunes what the source deleted, and keeps shared digests, protected, out-of-filter and attachment tags', async () => {
    const [w, x, y, z, s1, s2] = await Promise.all(['w', 'x', 'y', 'z', 's1', 's2'].map((n) => image(work, `p-${n}`)));
    const hex = (i: ImageLayout) => i.root.digest.slice('sha256:'.length);
    // The source now: 1.1 and stable name y, 1.2 names z.
    await pushImageOverHttp(y, registry.url, 'src/p', '1.1');
    await pushImageOverHttp(z, registry.url, 'src/p', '1.2');
    await addTags(registry.url, 'src/p', '1.1', ['stable']);
    // The destination from earlier runs: 0.8 (w, signed), 0.9 (y, as 1.1 is), 1.0 (x, as the
    // protected nightly and the out-of-filter dev-1 are), y's signature.
    const dst = 'mirror/p';
    for (const [img, tag] of [
      [w, '0.8'],
      [x, '1.0'],
      [y, '1.1'],
      [z, '1.2'],
      [s1, `sha256-${hex(w)}.sig`],
      [s2, `sha256-${hex(y)}.sig`],
    ] as const) {
      await pushImageOverHttp(img, registry.url, dst, tag);
    }
    await addTags(registry.url, dst, '1.1', ['0.9', 'stable']);
    await addTags(registry.url, dst, '1.0', ['nightly', 'dev-1']);

    const entries = parseSyncEntries(
      `- source: ${registry.host}/src/p\n  destination: ${registry.host}/${dst}\n  exclude-tags: ['dev-.*']\n  prune: true\n  protect: [nightly]\n`,
      'the list',
    );
    const sourceTags = new Map<SyncEntry, readonly string[]>();
    const items = await expandEntries(entries, listTags, { onSourceTags: (e, tags) => sourceTags.set(e, tags) });
    const pool = new TargetPool({}, {});
    try {
      const results = await runPlan(items, pool, { copy: {}, parallel: 2 });
      assert.ok(results.every((r) => r.status === 'unchanged'), results.map((r) => `${r.destination} ${r.status}`).join(', '));
      // What the run learnt: the digest of every tag it wrote or found.
      const known = new Map<string, string>();
      for (const r of results) for (const t of r.item.destination.tags) known.set(t, r.root!.digest);
      const target = openRegistryRepository(entryRepository(entries[0]) as RegistryReference);
      try {
        const destinationTags = new Map((await target.tags()).map((t) => [t, known.get(t)] as [string, string | undefined]));
        await registry.resetRequests();
        const input = await readPruneDigests(
          { filter: entries[0].filter, protect: entries[0].protect, sourceTags: sourceTags.get(entries[0])!, destinationTags },
          async (tag) => (await target.readTag(tag))?.digest,
        );
        const heads = (await registry.settledRequests()).filter((r) => r.method === 'HEAD').length;
        // The three tags to remove, then (w's signature turning up) the kept ones the run did not learn.
        assert.equal(heads, 3 + 2, 'HEADs for 0.8, 0.9 and 1.0, then nightly and dev-1');
        const plan = planPrune(input);
        assert.deepEqual(
          plan.remove.map((r) => r.tag),
          ['0.8', '0.9', '1.0', `sha256-${hex(w)}.sig`],
        );
        assert.deepEqual(plan.remove[1].sharedWith, ['1.1', 'stable']);
        assert.deepEqual(plan.remove[2].sharedWith, ['dev-1', 'nightly']);
        assert.deepEqual(plan.protected, ['nightly']);
        for (const r of plan.remove) assert.equal(await target.removeTag(r.tag, { expected: r.digest }), 'removed', r.tag);
      } finally {
        await target.close('success');
      }
    } finally {
      await pool.close();
    }
    const tags = ((await (await fetch(`${registry.url}/v2/${dst}/tags/list`)).json()) as { tags: string[] }).tags.sort();
    assert.deepEqual(tags, ['1.1', '1.2', 'dev-1', 'nightly', `sha256-${hex(y)}.sig`, 'stable']);
    // The shared manifests are whole under the tags that stay; the removed image itself is still stored.
    for (const [tag, img] of [
      ['1.1', y],
      ['stable', y],
      ['nightly', x],
      ['dev-1', x],
    ] as const) {
      const head = await fetch(`${registry.url}/v2/${dst}/manifests/${tag}`, { method: 'HEAD', headers: { accept: ACCEPT } });
      assert.equal(head.headers.get('docker-content-digest'), img.root.digest, tag);
    }
    const removedImage = await fetch(`${registry.url}/v2/${dst}/manifests/${w.root.digest}`, { headers: { accept: ACCEPT } });
    await removedImage.arrayBuffer();
    assert.equal(removedImage.status, 200, 'a removed tag never deletes the manifest it named');
  });

  describe('a pull budget', () => {
    let front: TagPagingProxy;
    const limit = { limit: 100, remaining: 14, windowSeconds: 21600 };

    before(async () => {
      front = await startTagPagingProxy(registry.url, 1000, { rateLimit: limit });
    });
    after(async () => {
      await front?.stop();
    });

    /** One night: compare each image (HEADs, no pull), ask the budget before a copy, copy. */
    async function night(items: PlanItem[], cache: FileBlobInfoCache): Promise<{ copied: string[]; left: PlanItem[]; line?: string }> {
      const pool = new TargetPool({}, {});
      const budget = new PullBudget(10, (r) => pool.connections.rateLimitOf(r));
      const copied: string[] = [];
      const left: PlanItem[] = [];
      try {
        for (const item of pendingFirst(items, cache.pendingItems())) {
          const [compared] = await runPlan([item], pool, { copy: { dryRun: true } });
          if (compared.status === 'unchanged') continue;
          const ticket = budget.admit((item.source as RegistryReference).registry);
          if (!ticket) {
            left.push(item);
            continue;
          }
          try {
            const [done] = await runPlan([item], pool, { copy: {} });
            assert.equal(done.status, 'copied', String(done.error));
            copied.push(item.source.tags[0]);
          } finally {
            ticket.done();
          }
        }
        cache.setPendingItems(pendingKeys(left));
        return { copied, left, ...(budget.stopped ? { line: budget.describe(left.length, items.length) } : {}) };
      } finally {
        await pool.close();
      }
    }

    it('stops starting copies below the minimum, and the next run starts with what was left', async () => {
      const names = ['t1', 't2', 't3', 't4', 't5', 't6', 'a1', 'a2'];
      const built = new Map(await Promise.all(names.map(async (n) => [n, await image(work, `b-${n}`)] as const)));
      for (const n of names.slice(0, 6)) await pushImageOverHttp(built.get(n)!, registry.url, 'src/b', n);
      const entries = parseSyncEntries(`- source: ${front.host}/src/b\n  destination: ${registry.host}/mirror/b\n`, 'the list');
      const cacheFile = join(work, 'cache', 'blob-info.json');

      // Night one: 14 pulls left, keep 10: four copies, two left.
      front.reset();
      let cache = new FileBlobInfoCache();
      const first = await night(await expandEntries(entries, listTags), cache);
      assert.deepEqual(first.copied, ['t1', 't2', 't3', 't4']);
      assert.deepEqual(
        first.left.map((i) => i.source.tags[0]),
        ['t5', 't6'],
      );
      assert.equal(first.line, `2 of 6 images left for the next run (${front.host}: 10 of 100 pulls left per 6 h)`);
      assert.equal(front.manifestRequests().filter((r) => r.startsWith('GET')).length, 4, 'one pull per copied image, none for the comparisons');
      assert.ok(await cache.save(cacheFile));

      // The window moved on (12 left), and the source gained two tags that sort first.
      limit.remaining = 12;
      for (const n of ['a1', 'a2']) await pushImageOverHttp(built.get(n)!, registry.url, 'src/b', n);
      front.reset();
      cache = new FileBlobInfoCache();
      await cache.load(cacheFile);
      assert.deepEqual(cache.pendingItems(), first.left.map(itemKey));
      const second = await night(await expandEntries(entries, listTags), cache);
      assert.deepEqual(second.copied, ['t5', 't6'], 'what was left goes first');
      assert.deepEqual(
        second.left.map((i) => i.source.tags[0]),
        ['a1', 'a2'],
      );
      const gets = front.manifestRequests().filter((r) => r.startsWith('GET'));
      assert.deepEqual(
        gets.sort(),
        [`GET /v2/src/b/manifests/${built.get('t5')!.root.digest}`, `GET /v2/src/b/manifests/${built.get('t6')!.root.digest}`].sort(),
        'nothing copied the night before is read again',
      );
      assert.deepEqual(cache.pendingItems(), second.left.map(itemKey));
    });
  });
});
