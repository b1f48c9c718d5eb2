import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { proxyFor, proxyFromEnv, isLoopbackName } from '../../src/targets/registry/network/proxy.js';
import { redactedUrl, authScheme, httpEventLine } from '../../src/targets/registry/network/observer.js';

const via = (env: NodeJS.ProcessEnv, url: string) => {
  const settings = proxyFromEnv(env);
  return settings ? proxyFor(settings, new URL(url))?.url.host : undefined;
};

describe('proxy variables, read as the Go tools read them', () => {
  it('picks HTTPS_PROXY for https and HTTP_PROXY for http, upper case before lower', () => {
    const env = { HTTPS_PROXY: 'https-proxy:3128', https_proxy: 'lower:1', HTTP_PROXY: 'http://http-proxy:8080' };
    assert.equal(via(env, 'https://ghcr.io/v2/'), 'https-proxy:3128');
    assert.equal(via(env, 'http://registry.internal:5000/v2/'), 'http-proxy:8080');
    assert.equal(via({ https_proxy: 'lower:1' }, 'https://ghcr.io/'), 'lower:1');
    assert.equal(via({ HTTPS_PROXY: 'p:1' }, 'http://plain.example.com/'), undefined, 'http uses HTTP_PROXY only');
    assert.equal(proxyFromEnv({ HTTP_PROXY: '', NO_PROXY: 'x' }), undefined, 'no proxy variable, nothing to load');
  });

  it('never proxies loopback', () => {
    const env = { HTTPS_PROXY: 'p:1', HTTP_PROXY: 'p:1' };
    for (const url of [
      'http://127.0.0.1:5000/',
      'http://127.1.2.3/',
      'http://localhost:5000/',
      'https://[::1]:5000/',
      'http://app.localhost/',
      'http://[::ffff:127.0.0.1]/',
    ]) {
      assert.equal(via(env, url), undefined, url);
    }
    assert.equal(isLoopbackName('128.0.0.1'), false);
    assert.equal(isLoopbackName('[::ffff:10.0.0.1]'), false);
    assert.equal(isLoopbackName('localhost.example.com'), false);
    assert.equal(via(env, 'http://10.1.2.3/'), 'p:1');
  });

  it('matches NO_PROXY names, suffixes, ports, IP addresses and CIDR ranges', () => {
    const env = {
      HTTPS_PROXY: 'p:1',
      NO_PROXY: 'example.com, .internal, *.corp.test, reg.io:5000, 10.0.0.0/8, 192.168.1.7, [2001:db8::1], 2001:db8:1::/48',
    };
    const direct = [
      'https://example.com/',
      'https://a.b.example.com/',
      'https://x.internal/',
      'https://a.corp.test/',
      'https://reg.io:5000/',
      'https://10.200.3.4/',
      'https://192.168.1.7/',
      'https://[2001:db8::1]/',
      'https://[2001:db8:1:ffff::5]/',
    ];
    for (const url of direct) assert.equal(via(env, url), undefined, url);
    const proxied = [
      'https://notexample.com/',
      'https://internal/',
      'https://corp.test/',
      'https://reg.io/',
      'https://11.0.0.1/',
      'https://192.168.1.8/',
      'https://[2001:db8:2::1]/',
    ];
    for (const url of proxied) assert.equal(via(env, url), 'p:1', url);
    assert.equal(via({ HTTPS_PROXY: 'p:1', no_proxy: '*' }, 'https://ghcr.io/'), undefined);
  });

  it('refuses a proxy that is not a URL or of a scheme it cannot speak, naming the variable', () => {
    assert.throws(
      () => proxyFromEnv({ HTTPS_PROXY: 'http://[bad' }),
      /^InputError: environment variable HTTPS_PROXY is not a URL: use http:\/\/HOST:PORT/,
    );
    assert.throws(
      () => proxyFromEnv({ http_proxy: 'ftp://p:21' }),
      /environment variable http_proxy names a ftp: proxy: use an http:\/\/, https:\/\/ or socks5:\/\/ URL/,
    );
  });

  it('tells the proxy password as a secret', () => {
    const secrets: string[] = [];
    proxyFromEnv({ HTTPS_PROXY: 'http://me:p%40ss@proxy:3128' }, (s) => secrets.push(s));
    assert.deepEqual(secrets, ['p@ss']);
  });
});

describe('HTTP debug lines', () => {
  it('hide credentials: user info, secret-looking query values, the authorization value', () => {
    const url = new URL('https://u:pw@reg.example.com/v2/app/blobs/uploads/abc?_state=SECRET&digest=sha256:00&X-Amz-Signature=SIG');
    const shown = redactedUrl(url);
    assert.doesNotMatch(shown, /SECRET|SIG|pw|u:/);
    assert.match(shown, /digest=sha256%3A00|digest=sha256:00/);
    assert.equal(authScheme('Bearer eyJhbGciOi'), 'Bearer REDACTED');
    assert.equal(authScheme(undefined), undefined);
    const line = httpEventLine({ type: 'response', method: 'GET', url, status: 200, ms: 12, auth: 'Bearer REDACTED' });
    assert.match(
      line,
      /^GET https:\/\/reg\.example\.com\/v2\/app\/blobs\/uploads\/abc\?_state=REDACTED.* \(Bearer REDACTED\) → 200 in 12 ms$/,
    );
    const retry = httpEventLine({
      type: 'retry',
      method: 'PUT',
      url,
      attempt: 2,
      maxTries: 5,
      delayMs: 250,
      reason: '503 Service Unavailable',
    });
    assert.match(retry, /: 503 Service Unavailable, retrying \(2\/5\) in 250 ms$/);
  });
});
