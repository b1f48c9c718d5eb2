import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
// The Azure SDK @actions/cache uploads with (a dependency of it): here it drives the block path,
// which @actions/cache takes only for archives over 128 MiB.
import { BlockBlobClient } from '@azure/storage-blob';
import { startCacheService, type CacheService } from '../support/cache-service.js';

/* The cache-service emulator itself: the protocol details the @actions/cache tests do not reach. */

let service: CacheService;
before(async () => {
  service = await startCacheService();
});
after(async () => {
  await service?.stop();
});

async function twirp(method: string, body: unknown, token = service.token): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${service.url}twirp/github.actions.results.api.v1.CacheService/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Reserves, uploads `data` with one Put Blob, finalizes. */
async function saveEntry(key: string, version: string, data: Buffer): Promise<void> {
  const created = await twirp('CreateCacheEntry', { key, version });
  assert.equal(created.status, 200);
  const put = await fetch(String(created.body.signed_upload_url), {
    method: 'PUT',
    headers: { 'x-ms-blob-type': 'BlockBlob', 'content-type': 'application/octet-stream' },
    body: data,
  });
  assert.equal(put.status, 201);
  const fin = await twirp('FinalizeCacheEntryUpload', { key, version, size_bytes: String(data.length) });
  assert.deepEqual(fin.body.ok, true);
}

async function download(url: unknown): Promise<Buffer> {
  const res = await fetch(String(url));
  assert.equal(res.status, 200);
  return Buffer.from(await res.arrayBuffer());
}

describe('cache service emulator', () => {
  it('accepts a block upload from the Azure SDK and serves the committed blob', async () => {
    const created = await twirp('CreateCacheEntry', { key: 'blocks-1', version: 'v1' });
    assert.equal(created.body.ok, true);
    const url = String(created.body.signed_upload_url);
    assert.equal(new URL(url).pathname.split('/').filter(Boolean).length, 3, '/account/container/blob');

    const data = randomBytes(10_000);
    service.resetRequests();
    await new BlockBlobClient(url).uploadData(data, { maxSingleShotSize: 1024, blockSize: 1024, concurrency: 3 });
    const ops = service.requests().map((q) => `${q.operation} ${q.status}`);
    assert.equal(ops.filter((o) => o === 'PutBlock 201').length, 10);
    assert.deepEqual(ops.slice(-1), ['PutBlockList 201']);

    const fin = await twirp('FinalizeCacheEntryUpload', { key: 'blocks-1', version: 'v1', size_bytes: '10000' });
    assert.equal(fin.body.ok, true);
    const found = await twirp('GetCacheEntryDownloadURL', { key: 'blocks-1', version: 'v1' });
    assert.equal(found.body.matched_key, 'blocks-1');
    const got = await download(found.body.signed_download_url);
    assert.equal(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(data).digest('hex'));
  });

  it('answers a second reservation of a key and version with 409 already_exists, as the service does', async () => {
    await saveEntry('immutable', 'v1', Buffer.from('first'));
    const again = await twirp('CreateCacheEntry', { key: 'immutable', version: 'v1' });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'already_exists');
    // Another version of the same key is another entry.
    const other = await twirp('CreateCacheEntry', { key: 'immutable', version: 'v2' });
    assert.equal(other.body.ok, true);
  });

  it('restores an exact key first, else the newest finalized entry whose key starts with a restore key', async () => {
    await saveEntry('pick-1', 'v1', Buffer.from('one'));
    await saveEntry('pick-2', 'v1', Buffer.from('two'));
    await saveEntry('pick-3', 'other-version', Buffer.from('three'));
    await twirp('CreateCacheEntry', { key: 'pick-4', version: 'v1' }); // never finalized

    const newest = await twirp('GetCacheEntryDownloadURL', { key: 'nothing', restore_keys: ['pick-'], version: 'v1' });
    assert.equal(newest.body.matched_key, 'pick-2');
    assert.equal((await download(newest.body.signed_download_url)).toString(), 'two');

    const exact = await twirp('GetCacheEntryDownloadURL', { key: 'pick-1', restore_keys: ['pick-'], version: 'v1' });
    assert.equal(exact.body.matched_key, 'pick-1');

    const miss = await twirp('GetCacheEntryDownloadURL', { key: 'nope-', restore_keys: ['none-'], version: 'v1' });
    assert.equal(miss.status, 200);
    assert.equal(miss.body.ok, false);
  });

  it('refuses a finalize whose size does not match the upload', async () => {
    await twirp('CreateCacheEntry', { key: 'sized', version: 'v1' });
    const fin = await twirp('FinalizeCacheEntryUpload', { key: 'sized', version: 'v1', size_bytes: '5' });
    assert.equal(fin.body.ok, false);
  });

  it('checks the runtime token, the signatures, the blob type and a sent Content-MD5', async () => {
    const unauth = await twirp('CreateCacheEntry', { key: 'k', version: 'v' }, 'wrong');
    assert.equal(unauth.status, 401);
    assert.equal(unauth.body.code, 'unauthenticated');

    const created = await twirp('CreateCacheEntry', { key: 'checks', version: 'v1' });
    const url = new URL(String(created.body.signed_upload_url));
    const badSig = new URL(url);
    badSig.searchParams.set('sig', 'forged');
    const forged = await fetch(badSig, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'x' });
    assert.equal(forged.status, 403);
    assert.equal(forged.headers.get('x-ms-error-code'), 'AuthenticationFailed');

    const noType = await fetch(url, { method: 'PUT', body: 'x' });
    assert.equal(noType.status, 400);
    assert.equal(noType.headers.get('x-ms-error-code'), 'MissingRequiredHeader');

    const wrongMd5 = await fetch(url, {
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob', 'content-md5': createHash('md5').update('y').digest('base64') },
      body: 'x',
    });
    assert.equal(wrongMd5.status, 400);
    assert.equal(wrongMd5.headers.get('x-ms-error-code'), 'Md5Mismatch');

    const ok = await fetch(url, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'x' });
    assert.equal(ok.status, 201);
    assert.equal(ok.headers.get('content-md5'), createHash('md5').update('x').digest('base64'));
    for (const h of ['etag', 'last-modified', 'x-ms-request-id', 'x-ms-version']) assert.ok(ok.headers.get(h), h);
  });
});
