import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FLAG_VOICE } from '../../src/cli/voice.js';
import { parseCommonInputs } from '../../src/action/inputs.js';
import { InputError } from '../../src/oci/errors.js';
import { entryFromValues, parseSyncEntries } from '../../src/plan/entries.js';
import { parseReference } from '../../src/oci/reference.js';
import type { PlanItem } from '../../src/plan/plan.js';
import {
  attachmentSubject,
  digestsNeeded,
  inFilterScope,
  planPrune,
  readPruneDigests,
  writtenByOthers,
  type PruneInput,
} from '../../src/plan/prune.js';
import { tagGlob, wholeTagRegex, type TagFilter } from '../../src/plan/tag-filter.js';

const D = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const HEX = (n: number) => D(n).slice('sha256:'.length);
const ALL: TagFilter = { include: [], exclude: [] };

function input(dest: Record<string, string | undefined>, source: string[], extra: Partial<PruneInput> = {}): PruneInput {
  return { filter: ALL, sourceTags: source, destinationTags: new Map(Object.entries(dest)), ...extra };
}

describe('prune planning', () => {
  it('removes tags the source no longer has, and keeps the rest', () => {
    const plan = planPrune(input({ '1.0': D(1), '1.1': D(2), '1.2': D(3) }, ['1.1', '1.2', '1.3']));
    assert.deepEqual(plan.remove, [{ tag: '1.0', digest: D(1), why: 'gone from the source' }]);
  });

  it("never removes tags outside the entry's filters", () => {
    const filter: TagFilter = { include: [wholeTagRegex('1\\..*')], exclude: [wholeTagRegex('.*-rc')] };
    const plan = planPrune(input({ '1.0': D(1), '1.1-rc': D(2), '2.0': D(3), latest: D(4), '1.5': D(5) }, ['1.5'], { filter }));
    assert.deepEqual(
      plan.remove.map((r) => r.tag),
      ['1.0'],
    );
  });

  it('reads semver and latest as scopes: a version tag the source still has stays', () => {
    assert.ok(inFilterScope('3.19', { ...ALL, semver: '>=3.18' }));
    assert.ok(!inFilterScope('3.17', { ...ALL, semver: '>=3.18' }));
    assert.ok(!inFilterScope('edge', { ...ALL, latest: 2 }));
    assert.ok(inFilterScope('1.0', { ...ALL, latest: 2 }));
    const plan = planPrune(
      input({ '1.0': D(1), '1.1': D(2), '1.2': D(3), edge: D(4) }, ['1.1', '1.2', '1.3'], { filter: { ...ALL, latest: 2 } }),
    );
    assert.deepEqual(
      plan.remove.map((r) => r.tag),
      ['1.0'],
      '1.1 fell out of the latest two but the source has it; edge is not a version',
    );
  });

  it('keeps protected tags and tags other entries write, and says which', () => {
    const plan = planPrune(
      input({ 'nightly-1': D(1), 'nightly-2': D(2), old: D(3), other: D(4) }, ['x'], {
        protect: [wholeTagRegex('nightly-.*')],
        alsoKeep: ['other'],
      }),
    );
    assert.deepEqual(
      plan.remove.map((r) => r.tag),
      ['old'],
    );
    assert.deepEqual(plan.protected, ['nightly-1', 'nightly-2', 'other']);
  });

  it('says which kept tags share the digest of a removed one', () => {
    const plan = planPrune(input({ old: D(1), stable: D(1), new: D(2) }, ['stable', 'new']));
    assert.deepEqual(plan.remove, [{ tag: 'old', digest: D(1), why: 'gone from the source', sharedWith: ['stable'] }]);
  });

  it('removes attachments with their image, and only when no kept tag names the image', () => {
    const dest = {
      old: D(1),
      shared: D(2),
      keep: D(2),
      stays: D(3),
      [`sha256-${HEX(1)}.sig`]: D(7),
      [`sha256-${HEX(1)}`]: D(8),
      [`sha256-${HEX(2)}.sig`]: D(9),
      [`sha256-${HEX(3)}.att`]: D(6),
      [`sha256-${HEX(5)}.sig`]: D(5),
    };
    const plan = planPrune(input(dest, ['keep', 'stays']));
    assert.deepEqual(
      plan.remove.map((r) => `${r.tag} ${r.why}`),
      [
        'old gone from the source',
        'shared gone from the source',
        `sha256-${HEX(1)} attachment of a removed image`,
        `sha256-${HEX(1)}.sig attachment of a removed image`,
      ],
    );
    assert.equal(plan.remove[2].subject, D(1));
    assert.deepEqual(plan.remove[1].sharedWith, ['keep']);
  });

  it('keeps attachments of a removed image while some kept tag names an unknown digest', () => {
    const dest = { old: D(1), other: undefined, [`sha256-${HEX(1)}.sig`]: D(7) };
    const plan = planPrune(input(dest, ['other']));
    assert.deepEqual(
      plan.remove.map((r) => r.tag),
      ['old'],
    );
    assert.deepEqual(plan.attachmentsKept, [`sha256-${HEX(1)}.sig`]);
  });

  it('never treats a protected attachment as removable', () => {
    const sig = `sha256-${HEX(1)}.sig`;
    const plan = planPrune(input({ old: D(1), [sig]: D(7) }, ['x'], { protect: [wholeTagRegex('sha256-.*')] }));
    assert.deepEqual(
      plan.remove.map((r) => r.tag),
      ['old'],
    );
  });

  it('prunes nothing when the source lists no tags', () => {
    const plan = planPrune(input({ a: D(1) }, []));
    assert.deepEqual(plan.remove, []);
    assert.match(plan.skipped ?? '', /the source lists no tags/);
  });

  it('prunes nothing when the source lists only attachment tags: a source whose images were deleted is empty', () => {
    const dest: Record<string, string | undefined> = { '1.0': D(1), '1.1': D(2), latest: D(2), [`sha256-${HEX(1)}.sig`]: D(7) };
    for (const left of [
      [`sha256-${HEX(1)}.sig`],
      [`sha256-${HEX(1)}.sig`, `sha256-${HEX(2)}.att`, `sha256-${HEX(2)}.sbom`, `sha256-${HEX(3)}`],
    ]) {
      const plan = planPrune(input(dest, left));
      assert.deepEqual(plan.remove, [], left.join(' '));
      assert.equal(
        plan.skipped,
        `the source lists no image tags, only ${left.length} attachment ${left.length === 1 ? 'tag' : 'tags'} (${[...left].sort().slice(0, 3).join(', ')}${left.length > 3 ? ', and 1 more' : ''}): nothing is pruned, lest an empty answer empty the mirror`,
      );
      assert.deepEqual(digestsNeeded(input(dest, left)), [], 'no HEAD for a prune that will not run');
    }
    // One image tag is enough for a source to count: the rest goes as usual, 1.0's signature with it.
    assert.deepEqual(
      planPrune(input(dest, [`sha256-${HEX(1)}.sig`, '1.1'])).remove.map((r) => r.tag),
      ['1.0', 'latest', `sha256-${HEX(1)}.sig`],
    );
  });

  it('asks only for the digests that change the plan', async () => {
    const sig = `sha256-${HEX(1)}.sig`;
    // No attachment tags: no digest matters.
    assert.deepEqual(digestsNeeded(input({ old: undefined, keep: undefined }, ['keep'])), []);
    const dest: Record<string, string | undefined> = { old: undefined, keep: undefined, also: undefined, [sig]: undefined };
    assert.deepEqual(digestsNeeded(input(dest, ['keep', 'also'])), ['old']);
    const truth: Record<string, string> = { old: D(1), keep: D(2), also: D(3) };
    const read: string[] = [];
    const filled = await readPruneDigests(input(dest, ['keep', 'also']), async (tag) => {
      read.push(tag);
      return truth[tag];
    });
    assert.deepEqual(read, ['old', 'also', 'keep']);
    assert.deepEqual(
      planPrune(filled).remove.map((r) => r.tag),
      ['old', sig],
    );
    // An attachment of an image that is not removed needs no kept digest.
    const read2: string[] = [];
    await readPruneDigests(input({ old: undefined, keep: undefined, [`sha256-${HEX(9)}.sig`]: undefined }, ['keep']), async (tag) => {
      read2.push(tag);
      return truth[tag];
    });
    assert.deepEqual(read2, ['old']);
    // Past the read budget, attachments stay.
    const capped = await readPruneDigests(input(dest, ['keep', 'also']), async (tag) => truth[tag], { maxReads: 2 });
    assert.deepEqual(planPrune(capped).attachmentsKept, [sig]);
  });

  it('names the tags other entries write to the same repository', () => {
    const ref = (text: string) => parseReference(text, 'ref');
    const items: PlanItem[] = [
      { entry: 1, source: ref('docker.io/library/alpine:1'), destination: ref('mirror.example.com/alpine:1') },
      { entry: 2, source: ref('ghcr.io/acme/alpine:edge'), destination: ref('mirror.example.com/alpine:edge') },
      { entry: 3, source: ref('ghcr.io/acme/alpine:x'), destination: ref('mirror.example.com/other:x') },
      { entry: 4, source: ref('ghcr.io/acme/alpine:y'), destination: ref('mirror.example.com/alpine') },
    ];
    assert.deepEqual(writtenByOthers(items, 1, ref('mirror.example.com/alpine')), ['edge', 'y']);
  });

  it('reads attachment subjects', () => {
    assert.equal(attachmentSubject(`sha256-${HEX(4)}.att`), D(4));
    assert.equal(attachmentSubject(`sha256-${HEX(4)}`), D(4));
    assert.equal(attachmentSubject('v1.sig'), undefined);
  });
});

describe('immutable tag patterns', () => {
  it('are globs over whole tags', () => {
    const v = tagGlob('v*')!;
    assert.ok(v.test('v1.2.3') && v.test('v') && !v.test('1.2'));
    const one = tagGlob('1.?')!;
    assert.ok(one.test('1.2') && !one.test('1x2') && !one.test('1.23'));
    assert.ok(tagGlob('release-*-final')!.test('release-2024-final'));
  });

  it('refuse regular expressions', () => {
    for (const p of ['v[0-9]+', '^v.*$', 'a|b', 'v\\d', '(1|2)']) assert.equal(tagGlob(p), undefined, p);
  });
});

describe('sync list entries: prune, protect, immutable-tags', () => {
  const parse = (text: string) => parseSyncEntries(text, 'images-file mirror.yml');
  const rejects = (text: string, pattern: RegExp) =>
    assert.throws(
      () => parse(text),
      (err: Error) => {
        assert.ok(err instanceof InputError, `${err.name}: ${err.message}`);
        assert.match(err.message, pattern);
        return true;
      },
    );

  it('reads them', () => {
    const [e] = parse(
      [
        '- source: docker.io/library/alpine',
        '  destination: mirror.example.com/hub/',
        '  prune: true',
        "  protect: ['keep-.*', stable]",
        "  immutable-tags: ['v*', '3.*']",
      ].join('\n'),
    );
    assert.equal(e.prune, true);
    assert.equal(e.protect?.length, 2);
    assert.ok(e.protect![0].test('keep-me') && !e.protect![1].test('stable2'));
    assert.ok(e.immutableTags![1].test('3.19') && !e.immutableTags![1].test('3x19'));
  });

  it('names the entry and the field at fault', () => {
    const base = '- source: docker.io/library/alpine\n  destination: mirror.example.com/hub/\n';
    rejects(`${base}  prune: maybe\n`, /^images-file mirror\.yml: entry 1 \(line 1\), field "prune" is "maybe": use true or false$/);
    rejects(
      `${base}  protect: old\n`,
      /^images-file mirror\.yml: entry 1 \(line 1\), field "protect" keeps tags from prune, but the entry does not prune: add prune: true, or drop protect$/,
    );
    rejects(`${base}  prune: true\n  protect: '(a'\n`, /field "protect": "\(a" is not a regular expression/);
    rejects(
      `${base}  immutable-tags: ['v*', 'v[0-9]+']\n`,
      /field "immutable-tags" \(item 2\) is "v\[0-9\]\+", not a tag pattern: immutable-tags are globs/,
    );
    rejects(
      '- source: ghcr.io/acme/app:1.2\n  destination: registry.example.com/acme/app\n  prune: true\n',
      /^images-file mirror\.yml: entry 1 \(line 1\) prunes but its source "ghcr\.io\/acme\/app:1\.2" names one image/,
    );
  });
});

describe('prune and immutable tags from a command line', () => {
  const names = {
    entry: 'oci-copy sync',
    field: (name: string) => (name === 'source' ? 'SRC-REPO' : name === 'destination' ? 'DST-REPO' : `--${name}`),
  };

  it('take the same values the list takes, and speak of flags', () => {
    const e = entryFromValues(
      {
        source: 'docker.io/library/alpine',
        destination: 'mirror.example.com/alpine',
        prune: true,
        protect: ['keep-.*'],
        'immutable-tags': ['v*'],
      },
      names,
    );
    assert.equal(e.prune, true);
    assert.ok(e.protect![0].test('keep-1'));
    assert.ok(e.immutableTags![0].test('v3'));
    assert.throws(
      () =>
        entryFromValues(
          { source: 'docker.io/library/alpine', destination: 'mirror.example.com/alpine', 'immutable-tags': ['^v.*'] },
          names,
        ),
      /^InputError: --immutable-tags is "\^v\.\*", not a tag pattern/,
    );
    assert.throws(
      () => entryFromValues({ source: 'docker.io/library/alpine', destination: 'mirror.example.com/alpine', protect: ['x'] }, names),
      /^InputError: --protect keeps tags from prune/,
    );
  });
});

describe('step settings: min-pulls-left and requests-per-second', () => {
  const read = (values: Record<string, string>) => (name: string) => values[name] ?? '';

  it('are unset unless given', () => {
    const inputs = parseCommonInputs(read({}));
    assert.equal(inputs.minPullsLeft, undefined);
    assert.equal(inputs.requestsPerSecond, undefined);
    assert.ok(!('minPullsLeft' in inputs) && !('requestsPerSecond' in inputs));
  });

  it('take a whole number of pulls and a number of requests a second', () => {
    const inputs = parseCommonInputs(read({ 'min-pulls-left': '10', 'requests-per-second': '0.5' }));
    assert.equal(inputs.minPullsLeft, 10);
    assert.equal(inputs.requestsPerSecond, 0.5);
    assert.equal(parseCommonInputs(read({ 'min-pulls-left': '0' })).minPullsLeft, 0);
  });

  it('name the input, or the flag, at fault', () => {
    assert.throws(
      () => parseCommonInputs(read({ 'min-pulls-left': '-3' })),
      /^InputError: input "min-pulls-left" is "-3": use a whole number from 0 to 1000000$/,
    );
    assert.throws(
      () => parseCommonInputs(read({ 'requests-per-second': 'fast' })),
      /^InputError: input "requests-per-second" is "fast": use a number of requests a second from 0\.1 to 10,000/,
    );
    assert.throws(() => parseCommonInputs(read({ 'requests-per-second': '0' })), /input "requests-per-second" is "0"/);
    assert.throws(
      () => parseCommonInputs(read({ 'requests-per-second': '1e3' }), FLAG_VOICE),
      /^InputError: --requests-per-second is 1e3: /,
    );
  });
});
