// Many images in one step, run as the runner runs the bundled action, between real registries: two
// repositories whose images share a base layer, re-runs that move nothing, moved and new tags,
// filters, paged tag lists, shards, and a missing repository among good ones.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeImageLayout, pushImageOverHttp, type ImageLayout } from '../support/images.js';
import { startRegistry, type RegistryRequest, type TestRegistry } from '../support/registry.js';
import { runAction } from '../support/run-action.js';
import { addTags, startTagPagingProxy, type TagPagingProxy } from '../support/tag-pages.js';

interface ImageOutput {
  source: string;
  destination: string;
  digest?: string;
  status: string;
  error?: string;
}

const ACCEPT = 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json';
const BASE = { size: 150_000, seed: 'shared-base-layer' };

describe('sync: many images in one step', () => {
  let src: TestRegistry;
  let dst: TestRegistry;
  let paging: TagPagingProxy;
  let work: string;
  /** repository → tag → image */
  const images = new Map<string, Map<string, ImageLayout>>();

  async function seed(repo: string, tag: string, unique: string): Promise<ImageLayout> {
    const image = await makeImageLayout(join(work, `${repo.replace('/', '-')}-${tag}-${unique}`), {
      tag,
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [BASE, { size: 5_000, seed: `${repo}:${unique}` }] }],
    });
    await pushImageOverHttp(image, src.url, repo, tag);
    if (!images.has(repo)) images.set(repo, new Map());
    images.get(repo)!.set(tag, image);
    return image;
  }

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-sync-'));
    [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
    for (const tag of ['1.0.0', '1.1.0', '1.2.0-rc1', '2.0.0']) await seed('lib/base', tag, tag);
    for (const tag of ['3.18', '3.19', '3.20', 'edge']) await seed('lib/tool', tag, tag);
    paging = await startTagPagingProxy(src.url, 2);
  });

  after(async () => {
    await paging?.stop();
    await Promise.all([src?.stop(), dst?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  const both = (prefix: string) =>
    [
      `- source: ${src.host}/lib/base`,
      `  destination: ${dst.host}/${prefix}/`,
      `- source: ${src.host}/lib/tool`,
      `  destination: ${dst.host}/${prefix}-tools/tool`,
    ].join('\n');

  const dstDigest = async (repo: string, tag: string) => {
    const res = await fetch(`${dst.url}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers: { accept: ACCEPT } });
    return res.status === 200 ? res.headers.get('docker-content-digest') : undefined;
  };
  const outputs = (run: { outputs: Record<string, string> }) => JSON.parse(run.outputs.images) as ImageOutput[];
  const reads = (log: RegistryRequest[]) => log.filter((r) => r.method === 'GET' && /\/(manifests|blobs)\//.test(r.path));
  const writes = (log: RegistryRequest[]) => log.filter((r) => !['GET', 'HEAD'].includes(r.method));

  it('copies two repositories in one step, the shared layer uploaded once and mounted elsewhere', async () => {
    await dst.resetRequests();
    const run = await runAction({ images: both('m1'), 'blob-cache': 'false' });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const out = outputs(run);
    assert.equal(out.length, 8);
    assert.ok(
      out.every((o) => o.status === 'copied'),
      JSON.stringify(out),
    );
    for (const [repo, destRepo] of [
      ['lib/base', 'm1/lib/base'],
      ['lib/tool', 'm1-tools/tool'],
    ]) {
      for (const [tag, image] of images.get(repo)!) {
        assert.equal(await dstDigest(destRepo, tag), image.root.digest, `${destRepo}:${tag}`);
        assert.ok(
          out.some(
            (o) =>
              o.destination === `${dst.host}/${destRepo}:${tag}` &&
              o.source === `${src.host}/${repo}:${tag}` &&
              o.digest === image.root.digest,
          ),
        );
      }
    }
    const base = images.get('lib/base')!.get('1.0.0')!.manifests[0].layers[0].digest;
    const log = await dst.settledRequests();
    const uploads = log.filter((r) => r.method === 'PUT' && r.path.includes(`digest=${encodeURIComponent(base)}`));
    assert.equal(uploads.length, 1, `the shared layer went up once: ${log.map((u) => `${u.method} ${u.path} ${u.status}`).join('\n')}`);
    const mounts = log.filter((r) => r.method === 'POST' && r.path.includes(`mount=${encodeURIComponent(base)}`) && r.status === 201);
    assert.equal(mounts.length, 1, 'and was mounted into the other repository');
    assert.match(run.summary, /### Sync: 8 images/);
    assert.match(run.summary, /\*\*8 copied\*\* · 0 unchanged · 0 failed/);
    assert.equal(run.stdout.split('\n').filter((l) => l.startsWith('::group::Copied ')).length, 8, 'one log group per image copied');
  });

  it('a re-run moves nothing and reads nothing but HEADs and tag lists', async () => {
    await src.resetRequests();
    await dst.resetRequests();
    const run = await runAction({ images: both('m1'), 'blob-cache': 'false' });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.ok(
      outputs(run).every((o) => o.status === 'unchanged'),
      run.outputs.images,
    );
    const [srcLog, dstLog] = [await src.settledRequests(), await dst.settledRequests()];
    assert.deepEqual(reads(srcLog), [], 'no GET of a manifest or blob on the source');
    assert.deepEqual(reads(dstLog), [], 'nor on the destination');
    assert.deepEqual([...writes(srcLog), ...writes(dstLog)], []);
    assert.equal(srcLog.filter((r) => r.method === 'HEAD').length, 8);
    assert.equal(run.stdout.split('\n').filter((l) => l.startsWith('Unchanged ')).length, 8, 'one line per unchanged image');
    assert.match(run.summary, /\*\*0 copied\*\* · 8 unchanged/);
  });

  it('a third run copies only the moved tag and the new one', async () => {
    const moved = await seed('lib/tool', 'edge', 'edge-2');
    const added = await seed('lib/base', '2.1.0', '2.1.0');
    {
      const before = await dstDigest('m1-tools/tool', 'edge');
      await dst.resetRequests();
      const run = await runAction({ images: both('m1'), 'blob-cache': 'false' });
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, new RegExp(`tag edge moved from ${before} to ${moved.root.digest}`));
      // The comparison's HEAD is what the tag named: the copy does not read it a second time.
      const tagReads = (await dst.settledRequests()).filter((r) => r.method === 'HEAD' && r.path.endsWith('/m1-tools/tool/manifests/edge'));
      assert.equal(tagReads.length, 1, tagReads.map((r) => r.path).join('\n'));
      const copied = outputs(run).filter((o) => o.status === 'copied');
      assert.deepEqual(copied.map((o) => o.destination).sort(), [`${dst.host}/m1-tools/tool:edge`, `${dst.host}/m1/lib/base:2.1.0`].sort());
      assert.equal(outputs(run).filter((o) => o.status === 'unchanged').length, 7);
      assert.equal(await dstDigest('m1-tools/tool', 'edge'), moved.root.digest);
      assert.equal(await dstDigest('m1/lib/base', '2.1.0'), added.root.digest);
    }
  });

  it('filters tags by regex, exclusion, semver and latest, alone and together (dry run: HEADs only)', async () => {
    const run = async (fields: string[]) => {
      const list = [`- source: ${src.host}/lib/tool`, `  destination: ${dst.host}/filtered/tool`, ...fields.map((f) => `  ${f}`)].join(
        '\n',
      );
      const r = await runAction({ images: list, 'dry-run': 'true', 'blob-cache': 'false' });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.ok(outputs(r).every((o) => o.status === 'copy'));
      return outputs(r).map((o) => o.destination.split(':').pop());
    };
    await dst.resetRequests();
    assert.deepEqual(await run(["tags: ['3\\.1[0-9]', edge]"]), ['3.19', '3.18', 'edge']);
    assert.deepEqual(await run(["exclude-tags: ['3\\..*']"]), ['edge']);
    assert.deepEqual(await run(["semver: '>=3.19'"]), ['3.20', '3.19']);
    assert.deepEqual(await run(['latest: 1']), ['3.20']);
    assert.deepEqual(await run(["tags: ['3\\..*']", "exclude-tags: ['3\\.20']", 'latest: 1']), ['3.19']);
    assert.deepEqual(writes(await dst.settledRequests()), [], 'a dry run writes nothing');
  });

  it('follows a registry that pages its tag lists', async () => {
    paging.reset();
    const list = [`- source: ${paging.host}/lib/base`, `  destination: ${dst.host}/paged/`].join('\n');
    const run = await runAction({ images: list, 'dry-run': 'true', 'blob-cache': 'false' });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(outputs(run).length, images.get('lib/base')!.size);
    assert.ok(paging.pages().length >= 3, `pages: ${paging.pages().join(' ')}`);
  });

  it('says in the summary how many pulls a registry reported left, and counts no HEAD as one', async () => {
    const limited = await startTagPagingProxy(src.url, 100, { rateLimit: { limit: 100, remaining: 80, windowSeconds: 21600 } });
    try {
      const list = [`- source: ${limited.host}/lib/tool`, `  destination: ${dst.host}/limited/tool`].join('\n');
      const first = await runAction({ images: list, 'blob-cache': 'false' });
      assert.equal(first.code, 0, first.stdout + first.stderr);
      // Four images, each root read once by a GET: four pulls.
      assert.match(
        first.summary,
        new RegExp(`<sub>Pull limits at the end: <code>${limited.host}</code>: 76 of 100 pulls left per 6 h\\.</sub>`),
      );
      const again = await runAction({ images: list, 'blob-cache': 'false' });
      assert.match(again.summary, /76 of 100 pulls left per 6 h/, 'a re-run costs no pull');
    } finally {
      await limited.stop();
    }
  });

  it('fail-fast stops starting images after the first failure', async () => {
    const list = [`- source: ${src.host}/lib/missing`, `  destination: ${dst.host}/ff/`, both('ff')].join('\n');
    const run = await runAction({ images: list, 'fail-fast': 'true', concurrency: '1', 'blob-cache': 'false' });
    assert.equal(run.code, 1);
    const statuses = outputs(run).map((o) => o.status);
    assert.deepEqual(statuses, ['failed', ...statuses.slice(1).map(() => 'skipped')]);
    assert.match(run.stdout, /::error::1 of \d+ images failed \(\d+ not attempted: fail-fast\): /);
  });

  it('N shards cover the list exactly once', async () => {
    const seen = new Map<string, number>();
    for (const shard of ['1/3', '2/3', '3/3']) {
      const run = await runAction({ images: both('sharded'), shard, 'blob-cache': 'false' });
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, new RegExp(`shard ${shard} takes \\d+`));
      for (const o of outputs(run)) seen.set(o.destination, (seen.get(o.destination) ?? 0) + 1);
    }
    assert.equal(seen.size, 9);
    assert.ok(
      [...seen.values()].every((n) => n === 1),
      JSON.stringify([...seen]),
    );
  });

  it('a missing repository among good ones: the others copy, the step fails naming it', async () => {
    const list = [both('partial'), `- source: ${src.host}/lib/missing`, `  destination: ${dst.host}/partial/`].join('\n');
    const file = join(work, 'mirror.yml');
    await writeFile(file, list);
    const run = await runAction({ 'images-file': file, 'blob-cache': 'false' });
    assert.equal(run.code, 1);
    const out = outputs(run);
    assert.equal(out.filter((o) => o.status === 'copied').length, 9);
    const failed = out.filter((o) => o.status === 'failed');
    assert.equal(failed.length, 1);
    assert.match(failed[0].error!, /repository 127\.0\.0\.1:\d+\/lib\/missing not found/);
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    assert.equal(errors.length, 1, run.stdout);
    assert.match(
      errors[0],
      /^::error::1 of 10 images failed: 127\.0\.0\.1:\d+\/lib\/missing => 127\.0\.0\.1:\d+\/partial\/lib\/missing: repository .* not found$/,
    );
    // The failures come first, in their own table, with their error.
    assert.match(
      run.summary,
      /#### Failed \(1\)\n\n\| source \| destination \| error \|\n\|---\|---\|---\|\n\| <code>127\.0\.0\.1:\d+\/lib\/missing<\/code> \| .* \| repository .* not found \|/,
    );
    assert.ok(run.summary.indexOf('#### Failed') < run.summary.indexOf('| copied |'));
  });

  it('refuses source and images together, and reports a bad list before any request', async () => {
    await src.resetRequests();
    const both1 = await runAction({ source: `${src.host}/lib/base:1.0.0`, destination: `${dst.host}/x/y:1`, images: both('x') });
    assert.equal(both1.code, 1);
    assert.match(
      both1.stdout,
      /::error::input "source" and input "images" are both given: use source and destination for one image, or images \/ images-file for many, not both/,
    );
    const bad = await runAction({ images: `- source: ${src.host}/lib/base\n  destination: ${dst.host}/x/\n  latest: -1\n` });
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /::error::input "images": entry 1 \(line 1\), field "latest" is "-1": use a positive whole number/);
    assert.deepEqual(await src.settledRequests(), []);
  });

  it('a one-image step whose destination holds the root reads no manifest on either side', async () => {
    await addTags(src.url, 'lib/base', '1.0.0', ['stable']);
    const first = await runAction({
      source: `${src.host}/lib/base:stable`,
      destination: `${dst.host}/one/base:stable`,
      'blob-cache': 'false',
    });
    assert.equal(first.code, 0, first.stdout);
    await src.resetRequests();
    await dst.resetRequests();
    const again = await runAction({
      source: `${src.host}/lib/base:stable`,
      destination: `${dst.host}/one/base:stable`,
      'blob-cache': 'false',
    });
    assert.equal(again.code, 0, again.stdout);
    assert.equal(again.outputs.digest, images.get('lib/base')!.get('1.0.0')!.root.digest);
    assert.deepEqual(reads(await src.settledRequests()), []);
    assert.deepEqual(reads(await dst.settledRequests()), []);
    assert.deepEqual(
      JSON.parse(again.outputs.images).map((o: ImageOutput) => o.status),
      ['unchanged'],
    );
    assert.match(again.summary, /### Unchanged: /);
  });
});
