import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { blobCacheFile, blobCacheSaveKey, describeBlobCache } from '../../src/action/blob-cache-store.js';

const RUN = { GITHUB_RUN_ID: '77', GITHUB_RUN_ATTEMPT: '2' };

describe('blobCacheSaveKey', () => {
  const cases: [string, string | undefined, string][] = [
    ['nothing restored', undefined, 'p-77-2'],
    ['an older run restored', 'p-76-1', 'p-77-2'],
    ['an earlier attempt restored', 'p-77-1', 'p-77-2'],
    ['this attempt restored', 'p-77-2', 'p-77-2-2'],
    ['this attempt restored, numbered', 'p-77-2-7', 'p-77-2-8'],
    ['a key that only looks alike', 'p-77-20', 'p-77-2'],
    ['a key with a non-number tail', 'p-77-2-x', 'p-77-2'],
  ];
  for (const [name, restored, expected] of cases) {
    it(`${name}: ${expected}`, () => assert.equal(blobCacheSaveKey('p', restored, RUN), expected));
  }
  it('defaults the attempt to 1', () => assert.equal(blobCacheSaveKey('p', undefined, { GITHUB_RUN_ID: '5' }), 'p-5-1'));
});

describe('blobCacheFile', () => {
  it('is a fixed path under RUNNER_TEMP', () => {
    assert.equal(blobCacheFile({ RUNNER_TEMP: '/runner/_temp' }), join('/runner/_temp', 'oci-copy-blob-cache', 'blob-info.json'));
  });
  it('falls back to the user cache directory outside a runner', () => {
    assert.equal(blobCacheFile({ XDG_CACHE_HOME: '/home/me/.xdg' }), join('/home/me/.xdg', 'oci-copy', 'blob-info.json'));
  });
});

describe('describeBlobCache', () => {
  it('says what was restored and saved', () => {
    assert.equal(
      describeBlobCache({ status: 'restored', key: 'p-1-1', entries: 3 }, { status: 'saved', key: 'p-2-1', entries: 4 }),
      'Blob-info cache: restored from p-1-1 (3 locations); saved as p-2-1 (4 locations).',
    );
    assert.equal(
      describeBlobCache({ status: 'missed', entries: 0 }, { status: 'unchanged' }),
      'Blob-info cache: nothing to restore; unchanged, not saved.',
    );
  });
  it('names a skip once', () => {
    const reason = 'the Actions cache service is not available to this job';
    assert.equal(
      describeBlobCache({ status: 'skipped', reason, entries: 0 }, { status: 'skipped', reason }),
      `Blob-info cache: not restored: ${reason}.`,
    );
  });
  it('is empty when nothing happened', () => assert.equal(describeBlobCache(undefined, undefined), ''));
});
