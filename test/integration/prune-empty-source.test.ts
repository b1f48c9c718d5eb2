// Prune against a source that looks empty, through the action, the command line and the library,
// with a real registry: a source whose images were deleted but whose cosign signature tag remains
// lists only that attachment and prunes nothing; a source whose list fails (5xx, 401, a page of a
// paged list) prunes nothing; a dry run that selects no image says "Would prune"; a filter that
// selects no tag says so, naming the entry, its filters and the tags it could have taken.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sync } from '../../src/lib.js';
import { runCli } from '../support/cli.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startHostileRegistry, type HostileRegistry } from '../support/hostile-registry.js';
import { makeImageLayout, pushImageOverHttp, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { ACTION_COMPILED, runAction } from '../support/run-action.js';
import { addTags, startTagPagingProxy, type TagPagingProxy } from '../support/tag-pages.js';

const MIRROR_TAGS = ['1.0', '1.1', '1.2', 'latest', 'stable', 'v1'];

interface PrunedRecord {
  entry: number;
  destination: string;
  removed?: string[];
  wouldRemove?: string[];
  protected: string[];
  kept?: number;
  stopped?: string;
}

describe('prune never empties a mirror because its source looks empty', () => {
  let registry: TestRegistry;
  let work: string;
  let image: ImageLayout;
  let signature: ImageLayout;
  /** The signature tag the source keeps for an image it deleted. */
  let sig: string;

  const tagsOf = async (repo: string): Promise<string[]> => {
    const res = await fetch(`${registry.url}/v2/${repo}/tags/list`);
    return (((await res.json()) as { tags?: string[] }).tags ?? []).sort();
  };

  /** A mirror of six tags and the image's signature, as an earlier run left it. */
  const seedMirror = async (repo: string) => {
    await pushImageOverHttp(image, registry.url, repo, MIRROR_TAGS[0]);
    await addTags(registry.url, repo, MIRROR_TAGS[0], MIRROR_TAGS.slice(1));
    await pushImageOverHttp(signature, registry.url, repo, sig);
    return tagsOf(repo);
  };

  before(async () => {
    registry = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'oci-copy-prune-empty-'));
    image = await makeImageLayout(join(work, 'image'), {
      tag: '1.0',
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 400, seed: 'image' }] }],
    });
    signature = await makeImageLayout(join(work, 'sig'), {
      tag: 'sig',
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 100, seed: 'sig' }] }],
    });
    sig = `sha256-${image.root.digest.slice('sha256:'.length)}.sig`;
    // The source's images were deleted; cosign's signature tag of one of them remains.
    await pushImageOverHttp(signature, registry.url, 'src/gone', sig);
  });
  after(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const emptyWarning = () =>
    `the source lists no image tags, only 1 attachment tag (${sig}): nothing is pruned, lest an empty answer empty the mirror`;
  const nothingToCopy = (line: string) =>
    `entry 1${line}, ${registry.host}/src/gone: the source lists no image tags, only 1 attachment tag (${sig}), which go with their images: nothing to copy`;

  it('the action: a source listing only a signature tag prunes nothing, warns twice, and its summary has no empty table', async () => {
    const dst = 'mirror/action';
    const before = await seedMirror(dst);
    const run = await runAction(
      { images: `- source: ${registry.host}/src/gone\n  destination: ${registry.host}/${dst}\n  prune: true\n`, 'blob-cache': 'false' },
      {},
      ACTION_COMPILED,
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(await tagsOf(dst), before, 'every tag of the mirror stays');
    assert.ok(run.stdout.includes(`::warning::${nothingToCopy(' (line 1)')}`), run.stdout);
    assert.ok(run.stdout.includes(`::warning::prune of ${registry.host}/${dst} (entry 1): ${emptyWarning()}`), run.stdout);
    assert.ok(run.stdout.includes(`Not pruned ${registry.host}/${dst} (entry 1): ${emptyWarning()}; 7 kept`), run.stdout);
    assert.doesNotMatch(run.stdout, /Pruned /);
    const pruned = JSON.parse(run.outputs.pruned) as PrunedRecord[];
    assert.deepEqual(pruned, [
      { entry: 1, destination: `${registry.host}/${dst}`, removed: [], protected: [], kept: 7, stopped: emptyWarning() },
    ]);
    assert.deepEqual(JSON.parse(run.outputs.images), []);
    // The summary: no table without rows, why there are no images, and the pruned table with the kept count.
    assert.doesNotMatch(run.summary, /\| status \||#### Images/, run.summary);
    assert.match(run.summary, /No images: no entry selected a tag \(below\)\./);
    assert.match(
      run.summary,
      /#### Nothing selected \(1\)\n\n- ⚠️ entry 1 \(line 1\), 127\.0\.0\.1:\d+\/src\/gone: the source lists no image tags, only 1 attachment tag \(sha256-[0-9a-f]{64}\.sig\)/,
    );
    assert.ok(
      run.summary.includes(`| <code>${registry.host}/${dst}</code> | — | — | 7 | stopped: the source lists no image tags`),
      run.summary,
    );
  });

  it('the command line: prunes nothing, and --json gives the prune results beside the images', async () => {
    const dst = 'mirror/cli';
    const before = await seedMirror(dst);
    const home = await mkdtemp(join(work, 'home-'));
    const run = await runCli(['sync', '--prune', '--json', `${registry.host}/src/gone`, `${registry.host}/${dst}`], { home });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(await tagsOf(dst), before);
    assert.ok(run.stderr.includes(`warning: ${nothingToCopy('')}`), run.stderr);
    assert.ok(run.stderr.includes(`warning: prune of ${registry.host}/${dst} (entry 1): ${emptyWarning()}`), run.stderr);
    const json = JSON.parse(run.stdout) as { images: unknown[]; pruned: PrunedRecord[] };
    assert.deepEqual(json, {
      images: [],
      pruned: [{ entry: 1, destination: `${registry.host}/${dst}`, removed: [], protected: [], kept: 7, stopped: emptyWarning() }],
    });
  });

  it('the library: sync() prunes nothing and says so in its outcome', async () => {
    const dst = 'mirror/lib';
    const before = await seedMirror(dst);
    const outcome = await sync(`- source: ${registry.host}/src/gone\n  destination: ${registry.host}/${dst}\n  prune: true\n`);
    assert.deepEqual(await tagsOf(dst), before);
    assert.deepEqual(outcome.results, []);
    assert.equal(outcome.failure, undefined);
    assert.deepEqual(
      outcome.pruned?.map((p) => [p.removed, p.kept, p.stopped]),
      [[[], 7, emptyWarning()]],
    );
    assert.deepEqual(
      outcome.plan.nothingSelected?.map((e) => [e.entry, e.tags, e.attachments, e.attachmentSample]),
      [[1, 0, 1, [sig]]],
    );
    assert.deepEqual(outcome.warnings, [nothingToCopy(' (line 1)'), `prune of ${registry.host}/${dst} (entry 1): ${emptyWarning()}`]);
  });

  it('a dry run whose filter selects no image says "Would prune … would remove", names the filter, and removes nothing', async () => {
    // The source moved on to 2.x: the entry's 1.x filter selects nothing, and every 1.x tag is gone from it.
    await pushImageOverHttp(image, registry.url, 'src/moved', '2.0');
    await addTags(registry.url, 'src/moved', '2.0', ['2.1', 'edge']);
    const dst = 'mirror/moved';
    await pushImageOverHttp(image, registry.url, dst, '1.0');
    await addTags(registry.url, dst, '1.0', ['1.1', '1.2', '1.3', '1.4', '1.5', 'edge']);
    const before = await tagsOf(dst);
    const home = await mkdtemp(join(work, 'home-'));
    const args = ['sync', '--prune', '--tags', '1\\..*', `${registry.host}/src/moved`, `${registry.host}/${dst}`];
    const dry = await runCli([...args.slice(0, 1), '--dry-run', ...args.slice(1)], { home });
    assert.equal(dry.code, 0, dry.stderr);
    assert.ok(
      dry.stderr.includes(
        `warning: entry 1, ${registry.host}/src/moved: tags "1\\..*" selects none of its 3 tags (2.1, 2.0, edge): nothing to copy`,
      ),
      dry.stderr,
    );
    assert.ok(
      dry.stderr.includes(`Would prune ${registry.host}/${dst} (entry 1): would remove 6 tags (1.0, 1.1, 1.2, 1.3, 1.4, 1.5); 1 kept`),
      dry.stderr,
    );
    assert.doesNotMatch(dry.stderr, /Pruned |removed 6/);
    assert.deepEqual(await tagsOf(dst), before, 'a dry run removes nothing');
    // The real run does what the dry run said.
    const run = await runCli(args, { home });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(
      run.stderr.includes(`Pruned ${registry.host}/${dst} (entry 1): removed 6 tags (1.0, 1.1, 1.2, 1.3, 1.4, 1.5); 1 kept`),
      run.stderr,
    );
    assert.deepEqual(await tagsOf(dst), ['edge']);
  });

  describe('a source tag list that fails prunes nothing', () => {
    let front: FaultProxy;
    let paging: TagPagingProxy;
    let pagedFront: FaultProxy;

    before(async () => {
      // Three images at the source, of which the mirror has two and an older one.
      for (const tag of ['3.0', '3.1', '3.2']) await pushImageOverHttp(image, registry.url, 'src/live', tag);
      front = await startFaultProxy(registry.url);
      // GHCR and Docker Hub page their lists: a front that pages by two, and one before it that breaks a page.
      paging = await startTagPagingProxy(registry.url, 2);
      pagedFront = await startFaultProxy(paging.url);
    });
    after(async () => {
      await front?.stop();
      await pagedFront?.stop();
      await paging?.stop();
    });

    const cases: Array<
      [string, () => FaultProxy, RegExp, { method: string; path: RegExp; times: number; fault: { kind: 'status'; status: number } }]
    > = [
      [
        '404: the repository is gone',
        () => front,
        /\/v2\/src\/live\/tags\/list/,
        { method: 'GET', path: /\/v2\/src\/live\/tags\/list/, times: Infinity, fault: { kind: 'status', status: 404 } },
      ],
      [
        '503 on every try',
        () => front,
        /\/v2\/src\/live\/tags\/list/,
        { method: 'GET', path: /\/v2\/src\/live\/tags\/list/, times: Infinity, fault: { kind: 'status', status: 503 } },
      ],
      [
        '401 without a challenge',
        () => front,
        /\/v2\/src\/live\/tags\/list/,
        { method: 'GET', path: /\/v2\/src\/live\/tags\/list/, times: Infinity, fault: { kind: 'status', status: 401 } },
      ],
      [
        '500 on the second page of a paged list',
        () => pagedFront,
        /[?&]last=/,
        { method: 'GET', path: /\/v2\/src\/live\/tags\/list\?last=/, times: Infinity, fault: { kind: 'status', status: 500 } },
      ],
      [
        '404 on the second page of a paged list',
        () => pagedFront,
        /[?&]last=/,
        { method: 'GET', path: /\/v2\/src\/live\/tags\/list\?last=/, times: Infinity, fault: { kind: 'status', status: 404 } },
      ],
    ];
    for (const [what, proxy, failing, rule] of cases) {
      it(`${what} (the command line)`, async () => {
        const dst = `mirror/live-${what.replace(/[^a-z0-9]+/g, '-')}`;
        for (const tag of ['2.9', '3.0', '3.1']) await pushImageOverHttp(image, registry.url, dst, tag);
        const before = await tagsOf(dst);
        const p = proxy();
        p.reset();
        p.addFault(rule);
        const home = await mkdtemp(join(work, 'home-'));
        const run = await runCli(['sync', '--prune', '--json', `${p.host}/src/live`, `${registry.host}/${dst}`], { home });
        assert.ok(
          p.fired().some((f) => failing.test(f.path)),
          `the fault fired: ${p
            .requests()
            .map((r) => r.path)
            .join(' ')}`,
        );
        assert.equal(run.code, 1, run.stderr);
        assert.deepEqual(await tagsOf(dst), before, 'no tag removed');
        const json = JSON.parse(run.stdout) as { images: Array<{ status: string }>; pruned: PrunedRecord[] };
        assert.deepEqual(
          json.images.map((i) => i.status),
          ['failed'],
          'the entry whose list failed is a failed image',
        );
        assert.deepEqual(json.pruned, [
          {
            entry: 1,
            destination: `${registry.host}/${dst}`,
            removed: [],
            protected: [],
            stopped: 'the source tags could not be listed: nothing pruned',
          },
        ]);
        assert.ok(
          run.stderr.includes(`warning: prune of ${registry.host}/${dst} (entry 1): the source tags could not be listed: nothing pruned`),
          run.stderr,
        );
      });
    }

    for (const [what, link] of [
      ['a Link back to a page already read', '</v2/src/live/tags/list?last=3.0&n=1>; rel="next"'],
      ['a Link that is not a URL', '<http://[broken/v2/src/live/tags/list?last=3.0>; rel="next"'],
    ] as const) {
      it(`${what} fails the list instead of ending it (the command line)`, async () => {
        // A front of the real registry whose tag list always says 3.0 and points at a next page.
        const hostile: HostileRegistry = await startHostileRegistry({ upstream: registry.url });
        try {
          hostile.forward('src/live', (x) => {
            if (!x.rest.startsWith('tags/list')) return false;
            x.req.resume();
            x.res.writeHead(200, { 'content-type': 'application/json', link }).end(JSON.stringify({ name: 'src/live', tags: ['3.0'] }));
            return true;
          });
          const dst = `mirror/live-${what.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
          for (const tag of ['2.9', '3.0', '3.1']) await pushImageOverHttp(image, registry.url, dst, tag);
          const before = await tagsOf(dst);
          const home = await mkdtemp(join(work, 'home-'));
          const run = await runCli(['sync', '--prune', '--json', `${hostile.host}/src/live`, `${registry.host}/${dst}`], { home });
          assert.equal(run.code, 1, run.stderr);
          assert.deepEqual(await tagsOf(dst), before, 'no tag removed: 2.9 and 3.1 are not taken as deleted');
          const lists = hostile.requests().filter((r) => r.path.includes('/tags/list'));
          assert.ok(lists.length <= 2, `${lists.length} pages read`);
          const json = JSON.parse(run.stdout) as { images: Array<{ status: string; error?: string }>; pruned: PrunedRecord[] };
          assert.deepEqual(
            json.images.map((i) => i.status),
            ['failed'],
          );
          assert.match(json.images[0].error ?? '', /the next page (is one it sent before|\(Link: .*\) is not a URL)/);
          assert.equal(json.pruned[0].stopped, 'the source tags could not be listed: nothing pruned');
        } finally {
          await hostile.stop();
        }
      });
    }

    it('an empty answer ({"tags": null}) is an empty source: nothing pruned, and a warning (the command line)', async () => {
      const dst = 'mirror/live-null';
      for (const tag of ['2.9', '3.0', '3.1']) await pushImageOverHttp(image, registry.url, dst, tag);
      const before = await tagsOf(dst);
      front.reset();
      front.addFault({
        method: 'GET',
        path: /\/v2\/src\/live\/tags\/list/,
        times: Infinity,
        fault: { kind: 'status', status: 200, body: '{"name":"src/live","tags":null}' },
      });
      const home = await mkdtemp(join(work, 'home-'));
      const run = await runCli(['sync', '--prune', '--json', `${front.host}/src/live`, `${registry.host}/${dst}`], { home });
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(await tagsOf(dst), before);
      const stopped = 'the source lists no tags: nothing is pruned, lest an empty answer empty the mirror';
      assert.deepEqual(JSON.parse(run.stdout), {
        images: [],
        pruned: [{ entry: 1, destination: `${registry.host}/${dst}`, removed: [], protected: [], kept: 3, stopped }],
      });
      assert.ok(run.stderr.includes(`warning: entry 1, ${front.host}/src/live: the source lists no tags: nothing to copy`), run.stderr);
      assert.ok(run.stderr.includes(`warning: prune of ${registry.host}/${dst} (entry 1): ${stopped}`), run.stderr);
    });

    it('a paged list is read to its end: prune removes only what the source deleted (the command line)', async () => {
      const dst = 'mirror/live-paged';
      for (const tag of ['2.9', '3.0', '3.1']) await pushImageOverHttp(image, registry.url, dst, tag);
      pagedFront.reset();
      paging.reset();
      const home = await mkdtemp(join(work, 'home-'));
      const run = await runCli(['sync', '--prune', '--json', `${pagedFront.host}/src/live`, `${registry.host}/${dst}`], { home });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(paging.pages().length, 2, `three tags in pages of two: ${paging.pages().join(' ')}`);
      assert.deepEqual(await tagsOf(dst), ['3.0', '3.1', '3.2'], '3.2, on the last page, is copied; only 2.9 goes');
      const json = JSON.parse(run.stdout) as { images: Array<{ status: string }>; pruned: PrunedRecord[] };
      assert.deepEqual(json.pruned, [{ entry: 1, destination: `${registry.host}/${dst}`, removed: ['2.9'], protected: [], kept: 3 }]);
    });
  });
});
