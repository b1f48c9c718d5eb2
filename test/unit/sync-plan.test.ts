import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/oci/errors.js';
import { formatReference, type RegistryReference } from '../../src/oci/reference.js';
import { ENTRY_FIELDS, parseSyncEntries } from '../../src/plan/entries.js';
import { describeEmptySelection, emptySelections, expandEntries, itemKey, parseShard, shardItems } from '../../src/plan/plan.js';
import { selectTags, tagVersion, wholeTagRegex } from '../../src/plan/tag-filter.js';

const ORIGIN = 'images-file mirror.yml';

function rejects(text: string, pattern: RegExp): void {
  assert.throws(
    () => parseSyncEntries(text, ORIGIN),
    (err: Error) => {
      assert.ok(err instanceof InputError, `${err.name}: ${err.message}`);
      assert.match(err.message, pattern);
      assert.doesNotMatch(err.message, /\n/);
      return true;
    },
  );
}

describe('a sync list', () => {
  it('reads repository entries, image entries and prefixes', () => {
    const entries = parseSyncEntries(
      [
        '- source: docker.io/library/alpine',
        '  destination: mirror.example.com/hub/',
        "  tags: ['3\\.\\d+']",
        '  exclude-tags: .*-rc.*',
        '  semver: ">=3.18"',
        '  latest: 2',
        '  platform: linux/arm64',
        '  referrers: true',
        '- source: ghcr.io/acme/app:1.2',
        '  destination: registry.example.com/acme/app',
        '- source: oci-archive:bundle.tar:v1',
        '  destination: registry.example.com/acme/bundle:v1',
      ].join('\n'),
      ORIGIN,
    );
    assert.equal(entries.length, 3);
    const [a, b, c] = entries;
    assert.equal(a.wholeRepository, true);
    assert.deepEqual(a.destination, { kind: 'prefix', registry: 'mirror.example.com', path: 'hub' });
    assert.equal(a.filter.include.length, 1);
    assert.ok(a.filter.include[0].test('3.19') && !a.filter.include[0].test('3.19.1'), 'a regex matches the whole tag');
    assert.ok(a.filter.exclude[0].test('3.20-rc1'));
    assert.equal(a.filter.semver, '>=3.18');
    assert.equal(a.filter.latest, 2);
    assert.deepEqual(a.platform, { os: 'linux', architecture: 'arm64' });
    assert.equal(a.referrers, true);
    assert.equal(a.line, 1);
    assert.equal(b.wholeRepository, false);
    assert.equal(b.line, 9);
    assert.equal(c.source.transport, 'oci-archive');
  });

  it('names the place of a YAML error', () =>
    rejects('- source: a\n  destination: [b\n', /^images-file mirror\.yml is not valid YAML: line \d+, column \d+: /));
  it('takes no standard stream: the log is there', () => {
    rejects(
      '- source: oci-archive:-\n  destination: r.example.com/a/b:1\n',
      /^images-file mirror\.yml: entry 1 \(line 1\), field "source" is "oci-archive:-", standard input, which a list of images cannot stream through: give a file path$/,
    );
    rejects(
      '- source: r.example.com/a/b:1\n  destination: docker-archive:-\n',
      /field "destination" is "docker-archive:-", standard output, .*give a file path$/,
    );
  });
  it('wants a list', () => rejects('source: a\ndestination: b\n', /is not a YAML list/));
  it('wants entries', () => rejects('[]', /lists no entries/));
  it('names an unknown field, the field it was likely meant to be, and every field', () => {
    const every = ENTRY_FIELDS.join(', ');
    assert.match(every, /immutable-tags, verify-key, .*, sign, sign-key, .*sign-tsa-url, attest-verification$/);
    rejects(
      '- source: a\n  destination: b/\n  tag: x\n',
      new RegExp(`entry 1 \\(line 1\\) has an unknown field "tag": did you mean tags\\? the fields are ${every}$`),
    );
    rejects(
      '- source: a\n  destination: b/\n  exclude-tag: x\n',
      /has an unknown field "exclude-tag": did you mean exclude-tags\? the fields are source, /,
    );
    rejects(
      '- source: a\n  destination: b/\n  verify-identity: x\n',
      /has an unknown field "verify-identity": the fields are source, destination, /,
    );
  });
  it('wants a source and a destination', () => {
    rejects('- destination: b/\n', /entry 1 \(line 1\) has no source/);
    rejects('- source: alpine\n', /entry 1 \(line 1\) has no destination/);
  });
  it('quotes a regex that does not compile', () =>
    rejects(
      '- source: a\n  destination: b/\n  tags: ["ok", "3.("]\n',
      /entry 1 \(line 1\), field "tags" \(item 2\): "3\.\(" is not a regular expression/,
    ));
  it('refuses a semver range that is none', () =>
    rejects('- source: a\n  destination: b/\n  semver: "bigger than 3"\n', /field "semver" is "bigger than 3", not a semver range/));
  it('wants latest to be a positive whole number', () => {
    rejects('- source: a\n  destination: b/\n  latest: 0\n', /field "latest" is "0": use a positive whole number/);
    rejects('- source: a\n  destination: b/\n  latest: many\n', /field "latest" is "many"/);
  });
  it('refuses a prefix with a tag, and a repository destination with one', () => {
    rejects('- source: a\n  destination: mirror.example.com/hub:1/\n', /field "destination" is a prefix .* with a tag or digest/);
    rejects(
      '- source: alpine\n  destination: mirror.example.com/hub/alpine:3\n',
      /with a tag or digest, but the source is a whole repository/,
    );
  });
  it('refuses a prefix that makes a repository name longer than a registry takes, without repeating it', () => {
    const entry = (n: number) => `- source: ghcr.io/acme/${'s'.repeat(n)}\n  destination: mirror.example.com/${'p'.repeat(n)}/\n`;
    // p… + / + acme/ + s…: 130 + 1 + 5 + 130 characters.
    rejects(
      entry(130),
      /^images-file mirror\.yml: entry 1 \(line 1\), field "destination" has a repository name 266 characters long; a registry takes at most 255$/,
    );
    assert.throws(
      () => parseSyncEntries(entry(130), ORIGIN),
      (err: Error) => !err.message.includes('s'.repeat(40)) && !err.message.includes('p'.repeat(40)),
    );
    // 120 + 1 + 5 + 120 = 246: taken.
    assert.equal(parseSyncEntries(entry(120), ORIGIN).length, 1);
  });
  it('refuses tag filters on an image entry', () =>
    rejects(
      '- source: alpine:3.20\n  destination: m.example.com/a\n  latest: 2\n',
      /filters tags \(latest\) but its source "alpine:3\.20" names one image/,
    ));
  it('escapes outside text in its errors', () =>
    rejects('- source: a\n  destination: b/\n  tags: "\\e[31m("\n', /"\\x1b\[31m\(" is not a regular expression/));
  it('refuses two entries that write one tag', async () => {
    const entries = parseSyncEntries(
      '- source: a.example.com/x\n  destination: m.example.com/y\n- source: b.example.com/z\n  destination: m.example.com/y\n',
      ORIGIN,
    );
    await assert.rejects(
      expandEntries(entries, async () => ['1', '2']),
      /entries 1 and 2 both write m\.example\.com\/y:[12]: give each destination tag one source$/,
    );
  });
});

describe('tag filters', () => {
  const tags = [
    '3.18',
    '3.18.4',
    '3.19',
    '3.19.1',
    '3.20',
    '3.20.0-rc1',
    'v3.21.0',
    'edge',
    'latest',
    '2024.01.05',
    `sha256-${'a'.repeat(64)}`,
    `sha256-${'b'.repeat(64)}.sig`,
  ];
  const none = { include: [], exclude: [] };
  it('reads versions as [v]MAJOR[.MINOR[.PATCH]][-PRE], missing parts 0', () => {
    assert.equal(tagVersion('3.18')?.version, '3.18.0');
    assert.equal(tagVersion('v3.21.0')?.version, '3.21.0');
    assert.equal(tagVersion('3')?.version, '3.0.0');
    assert.equal(tagVersion('2024.01.05')?.version, '2024.1.5');
    assert.equal(tagVersion('3.20.0-rc1')?.version, '3.20.0-rc1');
    assert.equal(tagVersion('edge'), undefined);
    assert.equal(tagVersion('3.20-alpine')?.prerelease[0], 'alpine');
  });
  it('without filters takes every tag but the attachments, versions highest first', () => {
    assert.deepEqual(selectTags(tags, none), [
      '2024.01.05',
      'v3.21.0',
      '3.20',
      '3.20.0-rc1',
      '3.19.1',
      '3.19',
      '3.18.4',
      '3.18',
      'edge',
      'latest',
    ]);
  });
  it('selects by any of the regexes, whole tags only, then drops the excluded', () => {
    assert.deepEqual(selectTags(tags, { include: [wholeTagRegex('3\\.\\d+')], exclude: [] }), ['3.20', '3.19', '3.18']);
    assert.deepEqual(
      selectTags(tags, { include: [wholeTagRegex('3\\.1[89].*'), wholeTagRegex('edge')], exclude: [wholeTagRegex('3\\.18.*')] }),
      ['3.19.1', '3.19', 'edge'],
    );
  });
  it('takes a semver range over versions, pre-releases only when the range names one', () => {
    assert.deepEqual(selectTags(tags, { ...none, semver: '>=3.19 <4' }), ['v3.21.0', '3.20', '3.19.1', '3.19']);
    assert.deepEqual(selectTags(tags, { ...none, semver: '>=3.20.0-rc0 <3.21' }), ['3.20', '3.20.0-rc1']);
  });
  it('keeps the N highest versions after the other filters', () => {
    assert.deepEqual(selectTags(tags, { ...none, semver: '^3', latest: 2 }), ['v3.21.0', '3.20']);
    assert.deepEqual(selectTags(['1.2', '1.2.0', '1.1', 'x'], { ...none, latest: 1 }), ['1.2', '1.2.0']);
    assert.deepEqual(
      selectTags(tags, { include: [wholeTagRegex('3\\.1[89](\\.\\d+)?')], exclude: [wholeTagRegex('3\\.19\\.1')], latest: 2 }),
      ['3.19', '3.18.4'],
    );
  });
});

describe('expansion and shards', () => {
  const listing = new Map<string, string[]>([
    ['docker.io/library/alpine', ['3.19', '3.20', 'edge']],
    ['docker.io/library/busybox', ['1.36', '1.37']],
  ]);
  const list = async (ref: RegistryReference) => {
    const tags = listing.get(`${ref.registry}/${ref.repository}`);
    if (!tags) throw new Error(`repository ${ref.registry}/${ref.repository} not found`);
    return tags;
  };
  const text = [
    '- source: alpine',
    '  destination: mirror.example.com/hub/',
    '- source: busybox',
    '  destination: mirror.example.com/tools/busybox',
    '- source: docker.io/library/nginx',
    '  destination: mirror.example.com/hub/',
    `- source: ghcr.io/acme/app@sha256:${'c'.repeat(64)}`,
    '  destination: mirror.example.com/acme/',
  ].join('\n');

  it('one item per tag and destination; a listing that fails is one failed item', async () => {
    const items = await expandEntries(parseSyncEntries(text, ORIGIN), list);
    assert.deepEqual(
      items.map((i) => `${formatReference(i.source)} => ${formatReference(i.destination)}${i.failure ? ' !' : ''}`),
      [
        'docker.io/library/alpine:3.20 => mirror.example.com/hub/library/alpine:3.20',
        'docker.io/library/alpine:3.19 => mirror.example.com/hub/library/alpine:3.19',
        'docker.io/library/alpine:edge => mirror.example.com/hub/library/alpine:edge',
        'docker.io/library/busybox:1.37 => mirror.example.com/tools/busybox:1.37',
        'docker.io/library/busybox:1.36 => mirror.example.com/tools/busybox:1.36',
        'docker.io/library/nginx => mirror.example.com/hub/library/nginx !',
        `ghcr.io/acme/app@sha256:${'c'.repeat(64)} => mirror.example.com/acme/acme/app`,
      ],
    );
    assert.match(items[5].failure!, /repository docker\.io\/library\/nginx not found/);
  });

  it('N shards take every item exactly once, and adding a tag moves no other item', async () => {
    const items = await expandEntries(parseSyncEntries(text, ORIGIN), list);
    for (const n of [1, 2, 3, 5]) {
      const seen = new Map<string, number>();
      for (let k = 1; k <= n; k++)
        for (const i of shardItems(items, { index: k, count: n })) seen.set(itemKey(i), (seen.get(itemKey(i)) ?? 0) + 1);
      assert.equal(seen.size, items.length, `${n} shards cover all`);
      assert.ok(
        [...seen.values()].every((c) => c === 1),
        `${n} shards overlap nowhere`,
      );
    }
    const before = new Map(items.map((i) => [itemKey(i), [1, 2, 3].find((k) => shardItems([i], { index: k, count: 3 }).length)]));
    listing.set('docker.io/library/alpine', ['3.19', '3.20', 'edge', '3.21']);
    const more = await expandEntries(parseSyncEntries(text, ORIGIN), list);
    for (const i of more) {
      const was = before.get(itemKey(i));
      if (was) assert.equal(shardItems([i], { index: was, count: 3 }).length, 1, `${itemKey(i)} stays in shard ${was}`);
    }
  });

  it('names each entry that selected no tag, with its filters and a few of the tags it could have taken', async () => {
    const sig = `sha256-${'a'.repeat(64)}.sig`;
    const tags = new Map<string, string[]>([
      ['docker.io/library/alpine', ['3.18', '3.19', '3.20', '3.21', '3.22', '3.23', 'edge', sig]],
      ['docker.io/library/gone', [sig]],
      ['docker.io/library/empty', []],
      ['docker.io/library/busybox', ['1.36']],
    ]);
    const entries = parseSyncEntries(
      [
        '- source: alpine',
        '  destination: m.example.com/hub/',
        "  tags: ['4\\..*', 'v4']",
        "  semver: '>=4'",
        '- source: gone',
        '  destination: m.example.com/hub/',
        '- source: empty',
        '  destination: m.example.com/hub/',
        '- source: busybox',
        '  destination: m.example.com/hub/',
        '- source: missing',
        '  destination: m.example.com/hub/',
      ].join('\n'),
      ORIGIN,
    );
    const listed = new Map<number, readonly string[]>();
    const items = await expandEntries(
      entries,
      async (ref) => tags.get(`${ref.registry}/${ref.repository}`) ?? Promise.reject(new Error('not found')),
      {
        onSourceTags: (entry, t) => listed.set(entry.number, t),
      },
    );
    const empty = emptySelections(entries, listed, items);
    assert.deepEqual(
      empty.map(describeEmptySelection),
      [
        'entry 1 (line 1), docker.io/library/alpine: tags "4\\..*", "v4", semver ">=4" select none of its 7 tags (3.23, 3.22, 3.21, 3.20, 3.19, and 2 more): nothing to copy',
        `entry 2 (line 5), docker.io/library/gone: the source lists no image tags, only 1 attachment tag (${sig}), which go with their images: nothing to copy`,
        'entry 3 (line 7), docker.io/library/empty: the source lists no tags: nothing to copy',
      ],
      'busybox selected a tag; missing failed to list, which is its own failure',
    );
    const sigs = ['1', '2', '3', '4', '5'].map((c) => `sha256-${c.repeat(64)}.sig`);
    listed.set(2, sigs);
    const many = emptySelections(entries, listed, items).find((e) => e.entry === 2)!;
    assert.deepEqual([many.attachments, many.attachmentSample], [5, sigs.slice(0, 3)], 'the count, and the first three named');
    assert.match(
      describeEmptySelection(many),
      /only 5 attachment tags \(sha256-1+\.sig, sha256-2+\.sig, sha256-3+\.sig, and 2 more\), which go with their images: nothing to copy$/,
    );
    // A check against a lock reads the lock's tags, not the source's, and copies nothing.
    const locked = emptySelections(entries, listed, items, {
      tagsFrom: (entry) => (entry.number === 1 ? 'the lock mirror.lock' : undefined),
      checking: true,
    });
    assert.deepEqual(locked.map(describeEmptySelection).slice(0, 3), [
      'entry 1 (line 1), docker.io/library/alpine: tags "4\\..*", "v4", semver ">=4" select none of the 7 tags the lock mirror.lock holds for it (3.23, 3.22, 3.21, 3.20, 3.19, and 2 more): nothing to check',
      `entry 2 (line 5), docker.io/library/gone: the source lists no image tags, only 5 attachment tags (${sigs.slice(0, 3).join(', ')}, and 2 more), which go with their images: nothing to check`,
      'entry 3 (line 7), docker.io/library/empty: the source lists no tags: nothing to check',
    ]);
  });

  it('reads K/N', () => {
    assert.deepEqual(parseShard('2/4', 'input "shard"'), { index: 2, count: 4 });
    assert.equal(parseShard('', 'input "shard"'), undefined);
    for (const bad of ['0/4', '5/4', '2', 'a/b', '1/0', '1/300'])
      assert.throws(() => parseShard(bad, 'input "shard"'), /input "shard" is ".*": use K\/N/);
  });
});
