import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatLock, parseLock, readLock, writeLock, type LockEntry } from '../../src/lock/lock-file.js';
import { LockIndex } from '../../src/lock/match.js';
import { parseReference } from '../../src/oci/reference.js';
import { expectedDigest, type PlanItem } from '../../src/plan/plan.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const C = `sha256:${'c'.repeat(64)}`;

const entries: LockEntry[] = [
  { source: 'src.example/team/tool:2.0', destination: 'dst.example/mirror/team/tool:2.0', digest: B },
  { source: 'src.example/team/tool:1.0', destination: 'dst.example/mirror/team/tool:1.0', digest: A },
  { source: 'src.example/team/app:1', destination: 'dst.example/app:1', digest: C, sourceDigest: A },
];

function item(source: string, destination: string): PlanItem {
  return { entry: 1, source: parseReference(source), destination: parseReference(destination) };
}

describe('lock file', () => {
  it('writes one entry a line, sorted by source then destination, the same bytes for the same entries in any order', () => {
    const text = formatLock(entries);
    assert.equal(
      text,
      [
        '{"version":1,"images":[',
        `{"source":"src.example/team/app:1","destination":"dst.example/app:1","digest":"${C}","sourceDigest":"${A}"},`,
        `{"source":"src.example/team/tool:1.0","destination":"dst.example/mirror/team/tool:1.0","digest":"${A}"},`,
        `{"source":"src.example/team/tool:2.0","destination":"dst.example/mirror/team/tool:2.0","digest":"${B}"}`,
        ']}',
        '',
      ].join('\n'),
    );
    assert.equal(formatLock([...entries].reverse()), text);
    assert.equal(formatLock([]), '{"version":1,"images":[\n]}\n');
    const lock = parseLock(text, 'mirror.lock.json');
    assert.deepEqual(
      lock.entries.map((e) => [e.line, e.source, e.digest, e.sourceDigest]),
      [
        [2, 'src.example/team/app:1', C, A],
        [3, 'src.example/team/tool:1.0', A, undefined],
        [4, 'src.example/team/tool:2.0', B, undefined],
      ],
    );
  });

  it('writes atomically: the file whole, no temporary file left beside it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oci-copy-lock-'));
    try {
      const path = join(dir, 'mirror.lock.json');
      await writeFile(path, 'old');
      await writeLock(path, entries);
      assert.equal(await readFile(path, 'utf8'), formatLock(entries));
      assert.deepEqual(await readdir(dir), ['mirror.lock.json']);
      await writeLock(join(dir, 'new', 'folder', 'x.json'), entries);
      assert.equal(await readFile(join(dir, 'new', 'folder', 'x.json'), 'utf8'), formatLock(entries));
      await assert.rejects(writeLock(join(dir, 'mirror.lock.json', 'x.json'), entries), /EEXIST|ENOTDIR/);
      assert.deepEqual((await readdir(dir)).sort(), ['mirror.lock.json', 'new']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the file and the line of each fault, in one line', async () => {
    const good = `{"source":"src.example/a:1","destination":"dst.example/a:1","digest":"${A}"}`;
    const cases: Array<[string, RegExp]> = [
      [
        '{"version":1,"images":[\n{"source": oops}\n]}',
        /^lock file m\.json line 2 is not JSON \(.*\): fix it, or delete it and run once without locked/,
      ],
      ['[]', /^lock file m\.json is not a lock: expected \{"version":1,"images":\[…\]\}/],
      ['{"version":2,"images":[]}', /^lock file m\.json has version 2: this oci-copy reads version 1/],
      [
        `{"version":1,"images":[\n${good},\n{"source":"src.example/a:2","destination":"dst.example/a:2","digest":"sha512:${'d'.repeat(128)}"}\n]}`,
        /^lock file m\.json line 3 \(entry 2\): "digest" is "sha512:d{128}", not sha256:<64 lower-case hex digits>/,
      ],
      [
        `{"version":1,"images":[\n{"source":"src.example/a:2","destination":"dst.example/a:2","digest":"md5:${'d'.repeat(32)}"}\n]}`,
        /^lock file m\.json line 2 \(entry 1\): "digest" is "md5:d{32}", not sha256/,
      ],
      [
        `{"version":1,"images":[\n${good},\n${good.replace('a:1"', 'a:3"').replace(A, A.toUpperCase().replace('SHA256', 'sha256'))}\n]}`,
        /^lock file m\.json line 3 \(entry 2\): "digest" is "sha256:A{64}", not sha256/,
      ],
      [
        `{"version":1,"images":[\n${good},\n\n{"source":"src.example/a:2","digest":"${A}"}\n]}`,
        /^lock file m\.json line 4 \(entry 2\) has no "destination": each entry needs source, destination and digest$/,
      ],
      [
        `{"version":1,"images":[\n${good},\n${good}\n]}`,
        /^lock file m\.json line 3 \(entry 2\) repeats entry 1 \(the same source and destination\): keep one$/,
      ],
      [`{"version":1,"images":[\n"x"\n]}`, /^lock file m\.json line 2 \(entry 1\) is not an object/],
      [
        `{"version":1,"images":[\n${good.replace('}', ',"tag":"x"}')}\n]}`,
        /^lock file m\.json line 2 \(entry 1\) has an unknown field "tag"/,
      ],
      [
        `{"version":1,"images":[\n${good.replace('dst.example/a:1', 'dst.example/A B')}\n]}`,
        /^lock file m\.json line 2 \(entry 1\): "destination" "dst\.example\/A B" contains white space/,
      ],
    ];
    for (const [text, expected] of cases) {
      assert.throws(
        () => parseLock(text, 'm.json'),
        (err: Error) => {
          assert.match(err.message, expected);
          assert.doesNotMatch(err.message, /\n/);
          return err.name === 'InputError';
        },
        text,
      );
    }
    // Laid out by hand, the lines are still the reader's.
    const pretty = `{\n  "images": [\n    {\n      "source": "src.example/a:1",\n      "destination": "dst.example/a:1",\n      "digest": "${A}"\n    },\n    {\n      "source": "src.example/a:2",\n      "digest": "x"\n    }\n  ],\n  "version": 1\n}\n`;
    assert.throws(() => parseLock(pretty, 'm.json'), /^InputError: lock file m\.json line 8 \(entry 2\) has no "destination"/);
    // A byte order mark an editor wrote is no fault.
    assert.equal(parseLock(`\ufeff${formatLock(entries)}`, 'm.json').entries.length, 3);
    await assert.rejects(
      readLock('/nonexistent/m.json', 'm.json'),
      /^InputError: lock file m\.json does not exist: run once without locked to write it$/,
    );
  });

  it('finds the entry of each planned item by what its references mean', () => {
    const lock = parseLock(
      formatLock([
        { source: 'src.example/team/tool:1.0', destination: 'dst.example/mirror/team/tool:1.0', digest: A },
        { source: 'src.example/team/app:latest', destination: 'dst.example/app:latest', digest: B },
        { source: 'src.example/team/app:1,1.2', destination: 'dst.example/app:stable', digest: B },
        { source: `src.example/team/app@${C}`, destination: `dst.example/pinned@${C}`, digest: C },
      ]),
      'm.json',
    );
    const index = new LockIndex(lock);
    const found = (source: string, destination: string) => index.find(item(source, destination))?.line;
    assert.equal(found('src.example/team/tool:1.0', 'dst.example/mirror/team/tool:1.0'), 5);
    // A destination without tags takes the source's; a registry source without a tag is latest.
    assert.equal(found('src.example/team/tool:1.0', 'dst.example/mirror/team/tool'), 5);
    assert.equal(found('src.example/team/app', 'dst.example/app'), 3);
    assert.equal(found('src.example/team/app:1,1.2', 'dst.example/app:stable'), 2);
    assert.equal(found(`src.example/team/app@${C}`, 'dst.example/pinned'), 4);
    // Another tag, another repository, another destination tag: not locked.
    assert.equal(found('src.example/team/tool:1.1', 'dst.example/mirror/team/tool:1.1'), undefined);
    assert.equal(found('src.example/other/tool:1.0', 'dst.example/mirror/team/tool:1.0'), undefined);
    assert.equal(found('src.example/team/tool:1.0', 'dst.example/mirror/team/tool:1'), undefined);
    assert.equal(found('src.example/team/app:1', 'dst.example/app:stable'), undefined);
  });

  it('gives the digest a locked item expects, and none for one no lock pins', () => {
    const plain = item('src.example/a:1', 'dst.example/a:1');
    assert.equal(expectedDigest(plain), undefined);
    assert.equal(expectedDigest({ ...plain, locked: { digest: A, file: 'm.json', line: 2 } }), A);
  });
});
