import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { registryErrorDetail } from '../../src/targets/registry/errors.js';
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter, registryBaseUrl, type HttpResponse } from '../../src/targets/registry/http.js';
import { chunks, uploadLocation } from '../../src/targets/registry/upload.js';
import { nextPage } from '../../src/targets/registry/tags.js';

describe('backoff', () => {
  it('doubles from 250 ms with ±10 % jitter, clamped to 200 ms–3 s', () => {
    const table: Array<[number, number, number]> = [
      // attempt, random, expected
      [0, 0.5, 250],
      [0, 0, 225],
      [0, 1, 275],
      [1, 0.5, 500],
      [2, 0, 900],
      [3, 1, 2200],
      [4, 0.5, 3000],
      [10, 0, 3000],
    ];
    for (const [attempt, random, expected] of table) {
      assert.equal(
        backoffDelay(attempt, DEFAULT_RETRY, () => random),
        expected,
        `attempt ${attempt}, random ${random}`,
      );
    }
    assert.equal(
      backoffDelay(0, { ...DEFAULT_RETRY, baseDelayMs: 100 }, () => 0),
      200,
      'never below the floor',
    );
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter('0', now), 0);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });
});

describe('registry base URL', () => {
  it('speaks plain HTTP to loopback or when allowed, HTTPS otherwise', () => {
    assert.equal(registryBaseUrl('localhost:5000').href, 'http://localhost:5000/');
    assert.equal(registryBaseUrl('127.0.0.1:5000').href, 'http://127.0.0.1:5000/');
    assert.equal(registryBaseUrl('[::1]:5000').href, 'http://[::1]:5000/');
    assert.equal(registryBaseUrl('ghcr.io').href, 'https://ghcr.io/');
    assert.equal(registryBaseUrl('registry.internal:5000', true).href, 'http://registry.internal:5000/');
    assert.equal(registryBaseUrl('docker.io').href, 'https://registry-1.docker.io/');
  });
});

describe('upload Location', () => {
  const registry = new URL('https://r.example');
  const answer = (url: string, location?: string): HttpResponse => ({
    status: 202,
    headers: location ? { location } : {},
    body: Readable.from([]),
    url: new URL(url),
    tries: 1,
  });
  it('resolves a relative Location against the answer URL and keeps its query', () => {
    assert.equal(
      uploadLocation(answer('https://r.example/v2/a/blobs/uploads/', '/v2/a/blobs/uploads/123?_state=x'), 'op', registry).href,
      'https://r.example/v2/a/blobs/uploads/123?_state=x',
    );
    assert.equal(
      uploadLocation(answer('https://r.example/v2/a/blobs/uploads/', '123'), 'op', registry).href,
      'https://r.example/v2/a/blobs/uploads/123',
    );
  });
  it('refuses another host, a downgrade to http, and a missing Location', () => {
    assert.throws(() => uploadLocation(answer('https://r.example/v2/', 'https://evil.example/up'), 'op', registry), /another host/);
    assert.throws(() => uploadLocation(answer('https://r.example/v2/', 'http://r.example/up'), 'op', registry), /from https to http/);
    assert.throws(() => uploadLocation(answer('https://r.example/v2/'), 'op', registry), /without a Location/);
  });
  it('compares with the registry, not with the URL an answer came from after a redirect', () => {
    // The answer came from evil.example (the POST was redirected there); its own Location agrees with it.
    assert.throws(
      () => uploadLocation(answer('https://evil.example/v2/a/blobs/uploads/', '/v2/a/blobs/uploads/1'), 'op', registry),
      /another host \(evil\.example\)/,
    );
  });
});

describe('chunks', () => {
  it('cuts a stream into pieces of exactly the chunk size', async () => {
    const input = Readable.from([Buffer.alloc(3, 1), Buffer.alloc(10, 2), Buffer.alloc(1, 3)]);
    const sizes: number[] = [];
    const all: Buffer[] = [];
    for await (const c of chunks(input, 4)) {
      sizes.push(c.length);
      all.push(c);
    }
    assert.deepEqual(sizes, [4, 4, 4, 2]);
    assert.deepEqual(Buffer.concat(all), Buffer.concat([Buffer.alloc(3, 1), Buffer.alloc(10, 2), Buffer.alloc(1, 3)]));
  });
});

describe('registry error bodies', () => {
  it('keeps the first code and message, on one line', () => {
    assert.deepEqual(registryErrorDetail('{"errors":[{"code":"DIGEST_INVALID","message":"provided digest did\\nnot match"}]}'), {
      code: 'DIGEST_INVALID',
      text: 'DIGEST_INVALID: provided digest did not match',
    });
    assert.deepEqual(registryErrorDetail('404 page not found'), {});
    assert.deepEqual(registryErrorDetail('{"errors":[]}'), {});
  });
});

describe('tag list pages', () => {
  const base = new URL('https://r.example/v2/a/tags/list?n=100');
  it('finds rel="next" among the links and resolves it against the page', () => {
    assert.equal(nextPage('</v2/a/tags/list?last=b&n=100>; rel="next"', base)?.href, 'https://r.example/v2/a/tags/list?last=b&n=100');
    assert.equal(nextPage('<https://r.example/x>; rel="prev", <https://r.example/y?z=1>; rel=next', base)?.href, 'https://r.example/y?z=1');
    assert.equal(nextPage('<https://r.example/x>; rel="prev"', base), undefined);
    assert.equal(nextPage(undefined, base), undefined);
    // A next page that is no URL ends nothing: the list would be cut short.
    assert.throws(
      () => nextPage('<http://[oops/v2/a/tags/list?last=b>; rel="next"', base),
      /the next page \(Link: <http:\/\/\[oops.*>\) is not a URL; refusing/,
    );
  });
});
