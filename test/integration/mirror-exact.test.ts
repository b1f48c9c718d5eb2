// The pieces that keep a mirror exact and within its pull budget, driven through the job runner and
// its shells against a real registry: immutable tags planned from one tag list per side (the
// action), prune through the regctl-style tag removal (the command line), a pull budget (Docker
// Hub's rate-limit headers from a front in the test) that stops and resumes (runJob with a file
// cache store), and requests-per-second (the command line).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileBlobInfoCache } from '../../src/blob-cache/file-cache.js';
import type { JobOutcome } from '../../src/job/outcome/outcome.js';
import { runJob } from '../../src/job/run-job.js';
import { parseSyncEntries, type SyncEntry } from '../../src/plan/entries.js';
import { itemKey, shardOf } from '../../src/plan/plan.js';
import { parseReference } from '../../src/oci/reference.js';
import { PullBudget } from '../../src/job/features/pull-budget/pull-budget.js';
import { runCli } from '../support/cli.js';
import { makeImageLayout, pushImageOverHttp, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { freshRunner, startCacheService } from '../support/cache-service.js';
import { ACTION_COMPILED, runAction } from '../support/run-action.js';
import { addTags, startTagPagingProxy, type TagPagingProxy } from '../support/tag-pages.js';

const ACCEPT = 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json';

async function image(work: string, name: string): Promise<ImageLayout> {
  return makeImageLayout(join(work, name), {
    tag: name,
    platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 300, seed: name }] }],
  });
}

async function tagsOf(registry: TestRegistry, repo: string): Promise<string[]> {
  return ((await (await fetch(`${registry.url}/v2/${repo}/tags/list`)).json()) as { tags: string[] }).tags.sort();
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

  it('re-runs 200 immutable tags with one tag list per side and no HEAD for them (the action)', async () => {
    const img = await image(work, 'rel');
    const other = await image(work, 'rel2');
    const releases = Array.from({ length: 200 }, (_, i) => `v1.${i}.0`);
    await pushImageOverHttp(img, registry.url, 'src/rel', 'rel');
    await addTags(registry.url, 'src/rel', 'rel', [...releases, 'latest']);
    await pushImageOverHttp(other, registry.url, 'src/rel', 'v2.0.0');
    // What the last run left at the destination: every release, and latest.
    await pushImageOverHttp(img, registry.url, 'mirror/rel', 'rel');
    await addTags(registry.url, 'mirror/rel', 'rel', [...releases, 'latest']);
    const list = (immutable: string) =>
      `- source: ${registry.host}/src/rel\n  destination: ${registry.host}/mirror/rel\n  tags: ['v.*', latest]\n${immutable}`;

    await registry.resetRequests();
    const run = await runAction({ images: list("  immutable-tags: ['v*']\n"), 'blob-cache': 'false' }, {}, ACTION_COMPILED);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const seen = await registry.settledRequests();
    const heads = seen.filter((r) => r.method === 'HEAD' && r.path.includes('/manifests/'));
    assert.ok(heads.length > 0, 'latest and v2.0.0 are compared');
    assert.deepEqual(
      heads.filter((r) => /\/manifests\/v1\./.test(r.path)).map((r) => r.path),
      [],
      'no HEAD for any immutable tag, on either side',
    );
    assert.equal(seen.filter((r) => /\/manifests\/v1\./.test(r.path)).length, 0, 'no request at all names an immutable tag');
    assert.equal(seen.filter((r) => r.method === 'GET' && /\/tags\/list/.test(r.path)).length, 2, 'one tag list per side');
    const records = JSON.parse(run.outputs.images) as Array<{ source: string; status: string; reason?: string }>;
    assert.equal(records.length, 202);
    const immutable = records.filter((r) => r.reason === 'immutable');
    assert.equal(immutable.length, 200);
    assert.ok(immutable.every((r) => r.status === 'unchanged'));
    const byTag = new Map(records.map((r) => [r.source.split(':').at(-1), r]));
    assert.equal(byTag.get('latest')?.status, 'unchanged');
    assert.equal(byTag.get('latest')?.reason, undefined, 'latest is not immutable: compared as usual');
    assert.equal(byTag.get('v2.0.0')?.status, 'copied', 'an immutable tag the destination lacks is copied');
    assert.match(run.stdout, /immutable tag the destination has: not compared/);
    assert.match(run.summary, /immutable tag the destination has: not compared/);

    // Without immutable-tags every tag is compared by HEAD.
    await registry.resetRequests();
    const plain = await runAction({ images: list(''), 'blob-cache': 'false' }, {}, ACTION_COMPILED);
    assert.equal(plain.code, 0, plain.stdout + plain.stderr);
    const plainHeads = (await registry.settledRequests()).filter((r) => r.method === 'HEAD' && /\/manifests\/v1\./.test(r.path));
    assert.ok(plainHeads.length >= 400, `${plainHeads.length} HEADs: each of the 200 on both sides`);
    assert.ok((JSON.parse(plain.outputs.images) as Array<{ reason?: string }>).every((r) => !r.reason));
  });

  it('prunes what the source deleted, and keeps shared digests, protected, out-of-filter and attachment tags (the command line)', async () => {
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
    const before = await tagsOf(registry, dst);
    const home = await mkdtemp(join(work, 'home-'));
    const args = [
      'sync',
      '--prune',
      '--protect',
      'nightly',
      '--exclude-tags',
      'dev-.*',
      `${registry.host}/src/p`,
      `${registry.host}/${dst}`,
    ];

    // A dry run lists and removes nothing.
    const dry = await runCli(['sync', '--dry-run', ...args.slice(1)], { home });
    assert.equal(dry.code, 0, dry.stdout + dry.stderr);
    assert.match(
      dry.stdout + dry.stderr,
      /Would prune .*mirror\/p \(entry 1\): would remove 4 tags \(0\.8, 0\.9, 1\.0, sha256-[0-9a-f]+\.sig\); protected 1 \(nightly\)/,
    );
    assert.deepEqual(await tagsOf(registry, dst), before, 'a dry run removes nothing');

    const run = await runCli(args, { home });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(
      run.stdout + run.stderr,
      new RegExp(
        `Pruned .*mirror/p \\(entry 1\\): removed 4 tags \\(0\\.8, 0\\.9, 1\\.0, sha256-${hex(w)}\\.sig\\); protected 1 \\(nightly\\)`,
      ),
    );
    assert.deepEqual(await tagsOf(registry, dst), ['1.1', '1.2', 'dev-1', 'nightly', `sha256-${hex(y)}.sig`, 'stable']);
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

  it('prunes in shard 1 only, from the tag list read for immutable-tags (the command line)', async () => {
    const [a, b, old] = await Promise.all(['q-a', 'q-b', 'q-old'].map((n) => image(work, n)));
    await pushImageOverHttp(a, registry.url, 'src/q', '1.0');
    await pushImageOverHttp(b, registry.url, 'src/q', '1.1');
    // Names decide shards (and ports are random): a destination whose shard 1 takes an image, so it lists for immutable-tags.
    const shardOfTag = (repo: string, tag: string) =>
      shardOf(
        itemKey({
          entry: 1,
          source: parseReference(`${registry.host}/src/q:${tag}`),
          destination: parseReference(`${registry.host}/${repo}:${tag}`),
        }),
        2,
      );
    const dst = Array.from({ length: 50 }, (_, i) => `mirror/q${i}`).find((r) => ['1.0', '1.1'].some((t) => shardOfTag(r, t) === 1))!;
    await pushImageOverHttp(a, registry.url, dst, '1.0');
    await pushImageOverHttp(b, registry.url, dst, '1.1');
    await pushImageOverHttp(old, registry.url, dst, '0.9');
    const home = await mkdtemp(join(work, 'home-'));
    const args = (shard: string) => [
      'sync',
      '--shard',
      shard,
      '--prune',
      '--immutable-tags',
      '1.*',
      `${registry.host}/src/q`,
      `${registry.host}/${dst}`,
    ];
    const said = (run: { stdout: string; stderr: string }) => run.stdout + run.stderr;

    const other = await runCli(args('2/2'), { home });
    assert.equal(other.code, 0, said(other));
    assert.ok(
      said(other).includes(`Not pruned ${registry.host}/${dst} (entry 1): pruned by shard 1/2, not by this shard (2/2)`),
      said(other),
    );
    assert.deepEqual(await tagsOf(registry, dst), ['0.9', '1.0', '1.1']);

    await registry.resetRequests();
    const first = await runCli(args('1/2'), { home });
    assert.equal(first.code, 0, said(first));
    const lists = (await registry.settledRequests()).filter((r) => r.method === 'GET' && r.path.startsWith(`/v2/${dst}/tags/list`));
    assert.ok(said(first).includes(`Pruned ${registry.host}/${dst} (entry 1): removed 1 tag (0.9); 2 kept`), said(first));
    assert.ok(said(first).includes('(immutable tag the destination has: not compared)'), said(first));
    assert.equal(lists.length, 1, 'the destination is listed once, for immutable-tags, and prune uses that list');
    assert.deepEqual(await tagsOf(registry, dst), ['1.0', '1.1']);
  });

  it('stops prune with one warning where the registry refuses deletes, and copies all the same', async () => {
    const noDeletes = await startRegistry({ deletes: false });
    try {
      const a = await image(work, 'nd-a');
      const b = await image(work, 'nd-b');
      await pushImageOverHttp(a, noDeletes.url, 'src/nd', '2');
      await pushImageOverHttp(b, noDeletes.url, 'mirror/nd', '1');
      const home = await mkdtemp(join(work, 'home-'));
      const run = await runCli(['sync', '--prune', `${noDeletes.host}/src/nd`, `${noDeletes.host}/mirror/nd`], { home });
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const refusals = (run.stdout + run.stderr).split('\n').filter((l) => /does not allow deleting tags/.test(l));
      assert.ok(refusals.length >= 1, run.stdout + run.stderr);
      assert.match(run.stdout + run.stderr, /1 of 1 images copied/);
      assert.deepEqual(await tagsOf(noDeletes, 'mirror/nd'), ['1', '2']);
    } finally {
      await noDeletes.stop();
    }
  });

  it('spaces requests at requests-per-second, both sides together (the command line)', async () => {
    const img = await image(work, 'rps');
    await pushImageOverHttp(img, registry.url, 'src/rps', 'a');
    await addTags(registry.url, 'src/rps', 'a', ['b', 'c']);
    const home = await mkdtemp(join(work, 'home-'));
    await registry.resetRequests();
    const started = performance.now();
    const run = await runCli(
      ['sync', '--no-blob-cache', '--requests-per-second', '20', `${registry.host}/src/rps`, `${registry.host}/mirror/rps`],
      { home },
    );
    const took = performance.now() - started;
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const requests = (await registry.settledRequests()).length;
    assert.ok(requests >= 10, `${requests} requests`);
    // Request k goes no earlier than k/20 s after the first.
    assert.ok(took >= ((requests - 1) / 20) * 1000 * 0.95, `${requests} requests in ${Math.round(took)} ms`);
    const bad = await runCli(['sync', '--requests-per-second', '0', `${registry.host}/src/rps`, `${registry.host}/mirror/rps`], { home });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--requests-per-second is 0: use a number of requests a second/);
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

    /** One night: the runner with min-pulls-left 10, its blob-info cache (and the images left) in `cacheFile`. */
    async function night(entries: SyncEntry[], cacheFile: string): Promise<{ outcome: JobOutcome; cache: FileBlobInfoCache }> {
      const cache = new FileBlobInfoCache();
      const outcome = await runJob(
        { work: { kind: 'sync', entries }, minPullsLeft: 10, parallel: 1 },
        {
          cacheStore: {
            restore: async () => {
              await cache.load(cacheFile);
              return cache;
            },
            save: async () => void (await cache.save(cacheFile)),
            pending: () => cache,
          },
        },
      );
      return { outcome, cache };
    }
    const tagsWith = (outcome: JobOutcome, status: string) =>
      outcome.results.filter((r) => r.status === status).map((r) => r.item.source.tags[0]);

    it('stops starting copies below the minimum, and the next run starts with what was left', async () => {
      const names = ['t1', 't2', 't3', 't4', 't5', 't6', 'a1', 'a2'];
      const built = new Map(await Promise.all(names.map(async (n) => [n, await image(work, `b-${n}`)] as const)));
      for (const n of names.slice(0, 6)) await pushImageOverHttp(built.get(n)!, registry.url, 'src/b', n);
      const entries = parseSyncEntries(`- source: ${front.host}/src/b\n  destination: ${registry.host}/mirror/b\n`, 'the list');
      await mkdir(join(work, 'cache'), { recursive: true });
      const cacheFile = join(work, 'cache', 'blob-info.json');

      // Night one: 14 pulls left, keep 10: four copies, two left.
      front.reset();
      const first = await night(entries, cacheFile);
      assert.deepEqual(tagsWith(first.outcome, 'copied'), ['t1', 't2', 't3', 't4']);
      assert.deepEqual(tagsWith(first.outcome, 'deferred'), ['t5', 't6']);
      assert.equal(first.outcome.pullBudget, `2 of 6 images left for the next run (${front.host}: 10 of 100 pulls left per 6 h)`);
      assert.equal(first.outcome.failure, undefined, 'images left for the next run are no failure');
      assert.equal(
        front.manifestRequests().filter((r) => r.startsWith('GET')).length,
        4,
        'one pull per copied image, none for the comparisons',
      );
      const left = first.outcome.results.filter((r) => r.status === 'deferred').map((r) => itemKey(r.item));
      const saved = new FileBlobInfoCache();
      await saved.load(cacheFile);
      assert.deepEqual(saved.pendingItems(), left, 'the images left are kept for the next run');

      // The window moved on (12 left), and the source gained two tags that sort first.
      limit.remaining = 12;
      for (const n of ['a1', 'a2']) await pushImageOverHttp(built.get(n)!, registry.url, 'src/b', n);
      front.reset();
      const second = await night(entries, cacheFile);
      assert.deepEqual(tagsWith(second.outcome, 'copied'), ['t5', 't6'], 'what was left goes first');
      assert.deepEqual(tagsWith(second.outcome, 'deferred'), ['a1', 'a2']);
      assert.deepEqual(tagsWith(second.outcome, 'unchanged').sort(), ['t1', 't2', 't3', 't4']);
      const gets = front.manifestRequests().filter((r) => r.startsWith('GET'));
      assert.deepEqual(
        gets.sort(),
        [`GET /v2/src/b/manifests/${built.get('t5')!.root.digest}`, `GET /v2/src/b/manifests/${built.get('t6')!.root.digest}`].sort(),
        'nothing copied the night before is read again',
      );
      assert.deepEqual(
        second.cache.pendingItems(),
        second.outcome.results.filter((r) => r.status === 'deferred').map((r) => itemKey(r.item)),
      );

      // A night with pulls enough copies the rest and leaves nothing pending.
      limit.remaining = 90;
      const third = await night(entries, cacheFile);
      assert.deepEqual(tagsWith(third.outcome, 'copied'), ['a1', 'a2']);
      assert.equal(third.outcome.pullBudget, undefined);
      const last = new FileBlobInfoCache();
      await last.load(cacheFile);
      assert.deepEqual(last.pendingItems(), []);
    });

    it('carries what it left from one workflow run to the next through the Actions cache (the action)', async () => {
      const service = await startCacheService();
      const budgetLimit = { limit: 100, remaining: 12, windowSeconds: 21600 };
      const budgetFront = await startTagPagingProxy(registry.url, 1000, { rateLimit: budgetLimit });
      try {
        const runnerTemp = join(work, 'runner-temp');
        const built = new Map(
          await Promise.all(['c1', 'c2', 'c3', 'c4', 'a0'].map(async (n) => [n, await image(work, `c-${n}`)] as const)),
        );
        for (const n of ['c1', 'c2', 'c3', 'c4']) await pushImageOverHttp(built.get(n)!, registry.url, 'src/c', n);
        const inputs = {
          images: `- source: ${budgetFront.host}/src/c\n  destination: ${registry.host}/mirror/c\n`,
          'min-pulls-left': '10',
          'blob-cache-key': 'mirror-c',
        };
        const statuses = (run: { outputs: Record<string, string> }) =>
          Object.fromEntries(
            (JSON.parse(run.outputs.images) as Array<{ source: string; status: string }>).map((r) => [
              r.source.split(':').at(-1),
              r.status,
            ]),
          );

        // Run one: 12 pulls left, keep 10: at most two copies, the rest left, and the step does not fail.
        // Four images are compared at once, so a copy's pull may show in the registry's count while
        // its reservation still holds: the budget then stops after one (it errs on the side of stopping).
        const order = ['c1', 'c2', 'c3', 'c4'];
        const first = await runAction(inputs, await freshRunner(service, runnerTemp, work, '401'), ACTION_COMPILED);
        assert.equal(first.code, 0, first.stdout + first.stderr);
        const firstStatus = statuses(first);
        const copied = order.filter((t) => firstStatus[t] === 'copied');
        assert.ok(copied.length >= 1 && copied.length <= 2, JSON.stringify(firstStatus));
        assert.deepEqual(copied, order.slice(0, copied.length), 'admitted in the order of the list');
        const left = order.slice(copied.length);
        assert.ok(
          left.every((t) => firstStatus[t] === 'deferred'),
          JSON.stringify(firstStatus),
        );
        const line = first.outputs['pull-budget'];
        assert.match(
          line,
          new RegExp(
            `^${left.length} of 4 images left for the next run \\(${budgetFront.host.replace(/\./g, '\\.')}: 1[0-2] of 100 pulls left per 6 h\\)$`,
          ),
        );
        assert.ok(first.stdout.includes(`::warning::${line}`), first.stdout);
        assert.ok(first.summary.includes(`Pull budget: ${line}`), first.summary);
        assert.ok(first.summary.includes(`${left.length} left for the next run`), first.summary);
        assert.equal(budgetLimit.remaining, 12 - copied.length, 'one pull per copy');

        // Run two, on a fresh runner: the window moved on and the source gained a tag that sorts first.
        budgetLimit.remaining = 12;
        await pushImageOverHttp(built.get('a0')!, registry.url, 'src/c', 'a0');
        budgetFront.reset();
        const second = await runAction(inputs, await freshRunner(service, runnerTemp, work, '402'), ACTION_COMPILED);
        assert.equal(second.code, 0, second.stdout + second.stderr);
        const secondStatus = statuses(second);
        assert.ok(
          copied.every((t) => secondStatus[t] === 'unchanged'),
          JSON.stringify(secondStatus),
        );
        const nowCopied = left.filter((t) => secondStatus[t] === 'copied');
        assert.ok(nowCopied.length >= 1, JSON.stringify(secondStatus));
        assert.deepEqual(nowCopied, left.slice(0, nowCopied.length), 'what was left goes first, in its order');
        assert.equal(
          secondStatus.a0,
          'deferred',
          `the new tag, first in the list, waits behind what was left: ${JSON.stringify(secondStatus)}`,
        );
        assert.deepEqual(
          budgetFront
            .manifestRequests()
            .filter((r) => r.startsWith('GET'))
            .sort(),
          nowCopied.map((t) => `GET /v2/src/c/manifests/${built.get(t)!.root.digest}`).sort(),
          'one pull per copy, and nothing copied in the first run is read again',
        );
        assert.match(
          second.outputs['pull-budget'],
          new RegExp(`^${5 - copied.length - nowCopied.length} of 5 images left for the next run`),
        );
      } finally {
        await budgetFront.stop();
        await service.stop();
      }
    });

    it('describes a stop the same way the budget does', () => {
      const budget = new PullBudget(10, () => ({ registry: 'docker.io', remaining: 3, limit: 100, windowSeconds: 21600 }));
      assert.equal(budget.admit('docker.io'), undefined);
      assert.equal(budget.describe(37, 120), '37 of 120 images left for the next run (docker.io: 3 of 100 pulls left per 6 h)');
    });
  });
});
