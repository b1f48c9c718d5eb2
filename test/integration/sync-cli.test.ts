// `oci-copy sync` as a user runs it: a list file, the one-repository form with its filters, shards,
// JSON for scripts, and errors in the words of the command line.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { makeImageLayout, pushImageOverHttp } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { startTagPagingProxy } from '../support/tag-pages.js';

interface Image {
  destination: string;
  status: string;
  error?: string;
}

describe('oci-copy sync', () => {
  let src: TestRegistry;
  let dst: TestRegistry;
  let work: string;
  let list: string;
  const home = () => join(work, 'home');

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-sync-cli-'));
    [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
    for (const tag of ['3.18', '3.19', '3.20', '3.20-rc1', 'edge']) {
      const image = await makeImageLayout(join(work, tag), {
        tag,
        platforms: [
          {
            os: 'linux',
            architecture: 'amd64',
            layers: [
              { size: 40_000, seed: 'base' },
              { size: 1000, seed: tag },
            ],
          },
        ],
      });
      await pushImageOverHttp(image, src.url, 'lib/alpine', tag);
    }
    list = join(work, 'mirror.yml');
    await writeFile(
      list,
      [
        `- source: ${src.host}/lib/alpine`,
        `  destination: ${dst.host}/hub/`,
        "  semver: '>=3.19'",
        `- source: ${src.host}/lib/missing`,
        `  destination: ${dst.host}/hub/`,
      ].join('\n'),
    );
  });
  after(async () => {
    await Promise.all([src?.stop(), dst?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('syncs a list, says what it did, and fails at the end naming the missing repository', async () => {
    const run = await runCli(['sync', list, '--json'], { home: home() });
    assert.equal(run.code, 1, run.stderr);
    const images = JSON.parse(run.stdout) as Image[];
    assert.deepEqual(
      images.map((i) => [i.destination.replace(dst.host, 'DST'), i.status]),
      [
        ['DST/hub/lib/alpine:3.20', 'copied'],
        ['DST/hub/lib/alpine:3.19', 'copied'],
        ['DST/hub/lib/missing', 'failed'],
      ],
    );
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines[0], '2 entries, 3 images');
    assert.match(lines.at(-2)!, /^2 of 3 images copied, 0 unchanged, 1 failed; [\d.]+ KiB copied, 0 B mounted; in /);
    assert.match(
      lines.at(-1)!,
      /^oci-copy: 1 of 3 images failed: 127\.0\.0\.1:\d+\/lib\/missing => 127\.0\.0\.1:\d+\/hub\/lib\/missing: repository .* not found$/,
    );
  });

  it('a second run finds everything unchanged, one line each', async () => {
    await src.resetRequests();
    const run = await runCli(['sync', list], { home: home() });
    assert.equal(run.code, 1);
    assert.equal(run.stderr.split('\n').filter((l) => l.startsWith('Unchanged ')).length, 2);
    assert.deepEqual(
      (await src.settledRequests()).filter((r) => r.method === 'GET' && /\/(manifests|blobs)\//.test(r.path)),
      [],
    );
  });

  it('takes one repository with filters on the command line', async () => {
    const run = await runCli(
      [
        'sync',
        `${src.host}/lib/alpine`,
        `${dst.host}/one/alpine`,
        '--tags',
        '3\\..*',
        '--exclude-tags',
        '3\\.18',
        '--semver',
        '>=3.20.0-0',
        '--latest',
        '2',
        '--dry-run',
        '--json',
      ],
      { home: home() },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      (JSON.parse(run.stdout) as Image[]).map((i) => [i.destination.split(':').pop(), i.status]),
      [
        ['3.20', 'copy'],
        ['3.20-rc1', 'copy'],
      ],
    );
    assert.match(run.stderr, /^Would copy 2 of 2 images; 0 unchanged, 0 failed; checked in /m);
  });

  it('two shards take every image once', async () => {
    const seen: string[] = [];
    for (const shard of ['1/2', '2/2']) {
      const run = await runCli(['sync', `${src.host}/lib/alpine`, `${dst.host}/sharded/alpine`, '--shard', shard, '--json'], {
        home: home(),
      });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, new RegExp(`^1 entry, 5 images, shard ${shard} takes \\d+$`, 'm'));
      seen.push(...(JSON.parse(run.stdout) as Image[]).map((i) => i.destination));
    }
    assert.equal(seen.length, 5);
    assert.equal(new Set(seen).size, 5);
  });

  it('says after the totals how many pulls a registry reported left, in its window, for a sync and a copy', async () => {
    const limited = await startTagPagingProxy(src.url, 100, { rateLimit: { limit: 100, remaining: 80, windowSeconds: 21600 } });
    try {
      const synced = await runCli(['sync', `${limited.host}/lib/alpine`, `${dst.host}/limited/alpine`, '--tags', '3\\.2.*'], {
        home: home(),
      });
      assert.equal(synced.code, 0, synced.stderr);
      // Two images, each root read once by a GET: two pulls.
      assert.equal(synced.stderr.trim().split('\n').at(-1), `${limited.host}: 78 of 100 pulls left per 6 h`);
      const copied = await runCli([`${limited.host}/lib/alpine:3.18`, `${dst.host}/limited/alpine:3.18`], { home: home() });
      assert.equal(copied.code, 0, copied.stderr);
      assert.equal(copied.stderr.trim().split('\n').at(-1), `${limited.host}: 77 of 100 pulls left per 6 h`);
    } finally {
      await limited.stop();
    }
  });

  for (const [what, args, message] of [
    ['no arguments', [], /^oci-copy: expected FILE, or SRC-REPO and DST-REPO, got 0 arguments: see oci-copy sync --help$/],
    [
      'a filter with a file',
      ['LIST', '--latest', '2'],
      /^oci-copy: --latest goes with SRC-REPO DST-REPO; in FILE, give latest: in the entry$/,
    ],
    ['a latest that is no count', ['SRC', 'DST', '--latest', '0'], /^oci-copy: --latest is "0": use a positive whole number/],
    [
      'a regex that does not compile',
      ['SRC', 'DST', '--tags', '3.('],
      /^oci-copy: --tags: "3\.\(" is not a regular expression \(Unterminated group\)$/,
    ],
    ['a bad semver range', ['SRC', 'DST', '--semver', 'newest'], /^oci-copy: --semver is "newest", not a semver range/],
    ['a shard out of range', ['LIST', '--shard', '3/2'], /^oci-copy: --shard is "3\/2": use K\/N/],
    ['a missing file', ['nope.yml'], /^oci-copy: FILE "nope\.yml" does not exist/],
    ['an unknown flag', ['LIST', '--tag', 'x'], /^oci-copy: --tag is not an option of oci-copy sync: did you mean --tags\?/],
  ] as Array<[string, string[], RegExp]>) {
    it(`refuses ${what} with one line and exit status 2`, async () => {
      const args2 = args.map((a) =>
        a === 'LIST' ? list : a === 'SRC' ? `${src.host}/lib/alpine` : a === 'DST' ? `${dst.host}/x/alpine` : a,
      );
      const run = await runCli(['sync', ...args2], { home: home(), cwd: work });
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
      assert.match(run.stderr.trim(), message);
    });
  }

  it('has help with the list format and examples', async () => {
    const run = await runCli(['sync', '--help'], { home: home() });
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^usage: oci-copy sync \[options\] FILE$/m);
    assert.match(run.stdout, /oci-copy sync --shard 2\/4 --json mirror\.yml/);
    assert.match(run.stdout, /--exclude-tags REGEX/);
  });
});
