import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { digestOf } from '../../src/oci/digest.js';
import {
  BLOB_CACHE_FORMAT_VERSION,
  defaultCacheFile,
  FileBlobInfoCache,
  type FileBlobInfoCacheOptions,
} from '../../src/blob-cache/file-cache.js';

const A = digestOf('layer a');
const B = digestOf('layer b');
const HOUR = 60 * 60 * 1000;

/** A cache whose clock advances one millisecond per call unless moved by hand. */
function cacheWithClock(options: FileBlobInfoCacheOptions = {}) {
  const clock = { t: 1_700_000_000_000 };
  const warnings: string[] = [];
  const cache = new FileBlobInfoCache({
    now: () => clock.t++,
    warn: (m) => warnings.push(m),
    ...options,
  });
  return { cache, clock, warnings };
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'blob-cache-unit-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileBlobInfoCache: recording and candidates', () => {
  it('returns the repositories of a blob on a registry, newest first', () => {
    const { cache } = cacheWithClock();
    cache.record({ registry: 'r.example', repository: 'one' }, A);
    cache.record({ registry: 'r.example', repository: 'two' }, A);
    cache.record({ registry: 'r.example', repository: 'three' }, A);
    cache.record({ registry: 'other.example', repository: 'four' }, A);
    cache.record({ registry: 'r.example', repository: 'five' }, B);
    assert.deepEqual(cache.candidates('r.example', A, 10), ['three', 'two', 'one']);
    assert.deepEqual(cache.candidates('other.example', A, 10), ['four']);
    assert.deepEqual(cache.candidates('r.example', B, 10), ['five']);
    assert.deepEqual(cache.candidates('nowhere.example', A, 10), []);
  });

  it('moves a repository seen again to the front', () => {
    const { cache } = cacheWithClock();
    cache.record({ registry: 'r.example', repository: 'one' }, A);
    cache.record({ registry: 'r.example', repository: 'two' }, A);
    cache.record({ registry: 'r.example', repository: 'one' }, A);
    assert.deepEqual(cache.candidates('r.example', A, 10), ['one', 'two']);
    assert.equal(cache.size, 2);
  });

  it('returns at most `limit` candidates, and none for a limit below one', () => {
    const { cache } = cacheWithClock();
    for (let i = 0; i < 8; i++) cache.record({ registry: 'r.example', repository: `repo${i}` }, A);
    assert.deepEqual(cache.candidates('r.example', A, 5), ['repo7', 'repo6', 'repo5', 'repo4', 'repo3']);
    assert.deepEqual(cache.candidates('r.example', A, 1), ['repo7']);
    assert.deepEqual(cache.candidates('r.example', A, 0), []);
    assert.deepEqual(cache.candidates('r.example', A, -3), []);
    assert.deepEqual(cache.candidates('r.example', A, Number.NaN), []);
  });

  it('treats registry host names case-insensitively', () => {
    const { cache } = cacheWithClock();
    cache.record({ registry: 'GHCR.io', repository: 'org/app' }, A);
    assert.deepEqual(cache.candidates('ghcr.io', A, 5), ['org/app']);
  });

  it('never throws on nonsense input', () => {
    const { cache } = cacheWithClock();
    assert.doesNotThrow(() => cache.record(undefined as never, A));
    assert.doesNotThrow(() => cache.record({ registry: '', repository: 'x' }, A));
    assert.doesNotThrow(() => cache.record({ registry: 'r', repository: 'x' }, undefined as never));
    assert.doesNotThrow(() => cache.candidates(undefined as never, undefined as never, 5));
    assert.equal(cache.size, 0);
    assert.equal(cache.changed, false);
  });
});

describe('FileBlobInfoCache: bounded size', () => {
  it('evicts the least recently seen entries when over the bound', () => {
    const { cache } = cacheWithClock({ maxEntries: 3 });
    cache.record({ registry: 'r', repository: 'one' }, A);
    cache.record({ registry: 'r', repository: 'two' }, A);
    cache.record({ registry: 'r', repository: 'three' }, B);
    cache.record({ registry: 'r', repository: 'one' }, A); // seen again: now the newest
    cache.record({ registry: 'r', repository: 'four' }, B); // over the bound: 'two' goes
    assert.equal(cache.size, 3);
    assert.deepEqual(cache.candidates('r', A, 10), ['one']);
    assert.deepEqual(cache.candidates('r', B, 10), ['four', 'three']);
  });

  it('keeps the newest entries of a file larger than the bound', async () => {
    const path = join(dir, 'bounded.json');
    const { cache: big } = cacheWithClock();
    for (let i = 0; i < 10; i++) big.record({ registry: 'r', repository: `repo${i}` }, A);
    assert.equal(await big.save(path), true);
    const { cache: small } = cacheWithClock({ maxEntries: 4 });
    assert.equal(await small.load(path), 10);
    assert.equal(small.size, 4);
    assert.deepEqual(small.candidates('r', A, 10), ['repo9', 'repo8', 'repo7', 'repo6']);
  });
});

describe('FileBlobInfoCache: changed', () => {
  it('is set by a new location and cleared by a save', async () => {
    const { cache } = cacheWithClock();
    assert.equal(cache.changed, false);
    cache.record({ registry: 'r', repository: 'one' }, A);
    assert.equal(cache.changed, true);
    assert.equal(await cache.save(join(dir, 'changed.json')), true);
    assert.equal(cache.changed, false);
  });

  it('is not set by a location seen again soon, but is once its sighting is old', async () => {
    const path = join(dir, 'refresh.json');
    const { cache, clock } = cacheWithClock({ refreshAfterMs: 24 * HOUR });
    cache.record({ registry: 'r', repository: 'one' }, A);
    await cache.save(path);
    clock.t += HOUR;
    cache.record({ registry: 'r', repository: 'one' }, A);
    assert.equal(cache.changed, false);
    clock.t += 25 * HOUR;
    cache.record({ registry: 'r', repository: 'one' }, A);
    assert.equal(cache.changed, true);
  });

  it('is not set by loading a file', async () => {
    const path = join(dir, 'load-unchanged.json');
    const { cache: first } = cacheWithClock();
    first.record({ registry: 'r', repository: 'one' }, A);
    await first.save(path);
    const { cache: second } = cacheWithClock();
    assert.equal(await second.load(path), 1);
    assert.equal(second.changed, false);
  });
});

describe('FileBlobInfoCache: file format', () => {
  it('round-trips through a compact, versioned JSON file', async () => {
    const path = join(dir, 'nested', 'deeper', 'round-trip.json');
    const { cache: first } = cacheWithClock();
    first.record({ registry: 'r.example', repository: 'one' }, A);
    first.record({ registry: 'r.example', repository: 'two' }, A);
    first.record({ registry: 'q.example', repository: 'three' }, B);
    assert.equal(await first.save(path), true);

    const text = await readFile(path, 'utf8');
    assert.ok(!text.includes('\n'), 'compact: one line');
    const parsed = JSON.parse(text) as { version: number; entries: unknown[][] };
    assert.equal(parsed.version, BLOB_CACHE_FORMAT_VERSION);
    assert.equal(parsed.entries.length, 3);
    assert.deepEqual(parsed.entries[0].slice(0, 3), ['r.example', 'one', A]);
    assert.equal(typeof parsed.entries[0][3], 'number');

    const { cache: second, warnings } = cacheWithClock();
    assert.equal(await second.load(path), 3);
    assert.deepEqual(second.candidates('r.example', A, 5), ['two', 'one']);
    assert.deepEqual(second.candidates('q.example', B, 5), ['three']);
    assert.deepEqual(warnings, []);
  });

  it('merges a loaded file with what was recorded, keeping the newer sighting', async () => {
    const path = join(dir, 'merge.json');
    const { cache: old, clock: oldClock } = cacheWithClock();
    oldClock.t = 1000;
    old.record({ registry: 'r', repository: 'one' }, A);
    old.record({ registry: 'r', repository: 'two' }, A);
    await old.save(path);
    const { cache } = cacheWithClock();
    cache.record({ registry: 'r', repository: 'one' }, A); // at 1.7e12: newer than the file's
    assert.equal(await cache.load(path), 2);
    assert.deepEqual(cache.candidates('r', A, 5), ['one', 'two']);
    assert.equal(cache.changed, true);
  });

  it('treats a missing file as an empty cache without a warning', async () => {
    const { cache, warnings } = cacheWithClock();
    assert.equal(await cache.load(join(dir, 'does-not-exist.json')), 0);
    assert.equal(cache.size, 0);
    assert.deepEqual(warnings, []);
  });

  const broken: [string, string, RegExp][] = [
    ['corrupt JSON', '{"version":1,"entries":[["r","one"', /is not valid JSON/],
    ['a JSON array', '[1,2,3]', /is not a blob-info cache file/],
    ['another format version', '{"version":2,"entries":[["r","one","sha256:x",1]]}', /format version 2/],
    ['no version', '{"entries":[]}', /format version undefined/],
    ['no entries list', '{"version":1,"entries":{}}', /has no entries list/],
    ['binary garbage', '\u0000\u0001\u0002\u00ff', /is not valid JSON/],
  ];
  for (const [name, content, message] of broken) {
    it(`treats ${name} as an empty cache and warns`, async () => {
      const path = join(dir, `broken-${name.replace(/\W+/g, '-')}.json`);
      await writeFile(path, content);
      const { cache, warnings } = cacheWithClock();
      cache.record({ registry: 'r', repository: 'kept' }, A);
      assert.equal(await cache.load(path), 0);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], message);
      assert.match(warnings[0], /starting with an empty cache/);
      assert.ok(warnings[0].includes(path), 'names the file');
      assert.deepEqual(cache.candidates('r', A, 5), ['kept'], 'what was recorded stays');
    });
  }

  it('skips malformed entries, keeps the rest, and warns once', async () => {
    const path = join(dir, 'partly-bad.json');
    const good = ['r', 'one', A, 5];
    await writeFile(
      path,
      JSON.stringify({ version: 1, entries: [good, ['r', 'two'], ['r', 3, A, 1], 'x', ['r', 'four', A, 'soon'], null] }),
    );
    const { cache, warnings } = cacheWithClock();
    assert.equal(await cache.load(path), 1);
    assert.deepEqual(cache.candidates('r', A, 5), ['one']);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /ignored 5 malformed entries/);
  });

  it('warns when reading a directory instead of a file', async () => {
    const { cache, warnings } = cacheWithClock();
    assert.equal(await cache.load(dir), 0);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /could not be read/);
  });

  it('saves atomically: the old file stays whole until the new one replaces it, no temporary files remain', async () => {
    const sub = join(dir, 'atomic');
    const path = join(sub, 'blob-info.json');
    const { cache } = cacheWithClock();
    cache.record({ registry: 'r', repository: 'one' }, A);
    assert.equal(await cache.save(path), true);
    const before = await readFile(path, 'utf8');
    cache.record({ registry: 'r', repository: 'two' }, A);
    assert.equal(await cache.save(path), true);
    const afterText = await readFile(path, 'utf8');
    assert.notEqual(afterText, before);
    assert.deepEqual(await readdir(sub), ['blob-info.json']);
  });

  it('returns false and warns when it cannot save, leaving `changed` set', async () => {
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, 'not a directory');
    const { cache, warnings } = cacheWithClock();
    cache.record({ registry: 'r', repository: 'one' }, A);
    assert.equal(await cache.save(join(blocker, 'blob-info.json')), false);
    assert.equal(cache.changed, true);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /could not be saved/);
  });
});

describe('defaultCacheFile', () => {
  it('uses XDG_CACHE_HOME when it is absolute', () => {
    assert.equal(
      defaultCacheFile({ XDG_CACHE_HOME: '/var/cache/me' }, 'linux', '/home/me'),
      join('/var/cache/me', 'oci-copy', 'blob-info.json'),
    );
  });
  it('falls back to ~/.cache, ignoring a relative XDG_CACHE_HOME', () => {
    assert.equal(defaultCacheFile({}, 'linux', '/home/me'), join('/home/me', '.cache', 'oci-copy', 'blob-info.json'));
    assert.equal(
      defaultCacheFile({ XDG_CACHE_HOME: 'relative' }, 'darwin', '/Users/me'),
      join('/Users/me', '.cache', 'oci-copy', 'blob-info.json'),
    );
  });
  it('uses LOCALAPPDATA on Windows', () => {
    assert.equal(
      defaultCacheFile({ LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' }, 'win32', 'C:\\Users\\me'),
      join('C:\\Users\\me\\AppData\\Local', 'oci-copy', 'blob-info.json'),
    );
  });
});

describe('FileBlobInfoCache: two processes saving to one file', () => {
  it('keeps what both learnt', async () => {
    const path = join(dir, 'shared', 'blob-info.json');
    const { cache: first } = cacheWithClock();
    const { cache: second } = cacheWithClock();
    await first.load(path);
    await second.load(path);
    first.record({ registry: 'r', repository: 'one' }, A);
    second.record({ registry: 'r', repository: 'two' }, B);
    assert.equal(await first.save(path), true);
    assert.equal(await second.save(path), true);
    const { cache: third, warnings } = cacheWithClock();
    assert.equal(await third.load(path), 2);
    assert.deepEqual(third.candidates('r', A, 5), ['one']);
    assert.deepEqual(third.candidates('r', B, 5), ['two']);
    assert.deepEqual(warnings, []);
  });

  it('replaces a corrupt file without a warning on save', async () => {
    const path = join(dir, 'replace-corrupt.json');
    await writeFile(path, 'garbage');
    const { cache, warnings } = cacheWithClock();
    cache.record({ registry: 'r', repository: 'one' }, A);
    assert.equal(await cache.save(path), true);
    assert.equal(JSON.parse(await readFile(path, 'utf8')).entries.length, 1);
    assert.deepEqual(warnings, []);
  });
});
