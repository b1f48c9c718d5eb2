// Registries behind an HTTP proxy: a name only the proxy resolves is reached through it (CONNECT
// tunnels, token realms too), NO_PROXY and loopback go around it, and neither the registry's
// credentials nor the proxy's password reach anything they should not.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyRefs } from '../support/copy-refs.js';
import { makeImageLayout, type ImageLayout } from '../support/images.js';
import { startRecordingProxy, type RecordingProxy } from '../support/recording-proxy.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { skopeoInspectRaw } from '../support/skopeo.js';
import { startTokenServer, type TokenServer } from '../support/token-server.js';

const USER = 'proxied-user';
const PASSWORD = 'pw-Proxied-7d1c0e55';
const PROXY_USER = 'proxy-user';
const PROXY_PASSWORD = 'pw-Proxy-4b9a21f3';

describe('registries behind an HTTP proxy', () => {
  let work: string;
  let registry: TestRegistry;
  let tokens: TokenServer;
  let tokenRegistry: TestRegistry;
  let proxy: RecordingProxy;
  let lockedProxy: RecordingProxy;
  let image: ImageLayout;
  let port: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-proxy-'));
    tokens = await startTokenServer({ users: { [USER]: { password: PASSWORD, access: () => ['pull', 'push'] } } });
    const tokenPort = new URL(tokens.realm).port;
    [registry, tokenRegistry, image] = await Promise.all([
      startRegistry({ htpasswd: { user: USER, password: PASSWORD } }),
      // The registry sends clients to a realm on a name only the proxy knows.
      startRegistry({ authYaml: tokens.authYaml.replace(`127.0.0.1:${tokenPort}`, `auth.test:${tokenPort}`) }),
      makeImageLayout(join(work, 'image'), {
        tag: 'v1',
        platforms: [{ architecture: 'amd64', layers: [{ size: 40_000 }, { size: 10_000 }] }],
      }),
    ]);
    const names = { 'registry.test': '127.0.0.1', 'auth.test': '127.0.0.1' };
    [proxy, lockedProxy] = await Promise.all([
      startRecordingProxy({ names }),
      startRecordingProxy({ names, credentials: { user: PROXY_USER, password: PROXY_PASSWORD } }),
    ]);
    port = registry.host.split(':')[1];
  });

  after(async () => {
    await Promise.all([registry?.stop(), tokenRegistry?.stop(), tokens?.stop(), proxy?.stop(), lockedProxy?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('copies to a name only the proxy resolves, through CONNECT tunnels, with the credentials inside them', async () => {
    proxy.reset();
    const env = { HTTP_PROXY: proxy.url };
    const { root } = await copyRefs(`oci:${image.dir}:v1`, `registry.test:${port}/proxied/app:v1`, {
      destination: { env, plainHttp: true, credentials: { username: USER, password: PASSWORD } },
    });
    assert.equal(root.digest, image.root.digest);
    const raw = await skopeoInspectRaw(`docker://${registry.host}/proxied/app:v1`, { creds: `${USER}:${PASSWORD}` });
    assert.equal(JSON.parse(raw).config.digest, image.manifests[0].config.digest);
    const calls = proxy.calls();
    assert.ok(calls.length > 0);
    assert.deepEqual([...new Set(calls.map((c) => `${c.method} ${c.target} ${c.status}`))], [`CONNECT registry.test:${port} 200`]);
    for (const call of calls) {
      assert.equal(call.headers.authorization, undefined, 'the registry credentials never reach the proxy');
      assert.ok(!JSON.stringify(call.headers).includes(Buffer.from(`${USER}:${PASSWORD}`).toString('base64')));
    }
  });

  it('fetches tokens from a realm through the same proxy', async () => {
    proxy.reset();
    tokens.resetRequests();
    const tokenPort = new URL(tokens.realm).port;
    const env = { HTTP_PROXY: proxy.url };
    const registryPort = tokenRegistry.host.split(':')[1];
    await copyRefs(`oci:${image.dir}:v1`, `registry.test:${registryPort}/tokens/app:v1`, {
      destination: { env, plainHttp: true, credentials: { username: USER, password: PASSWORD } },
    });
    const targets = new Set(proxy.calls().map((c) => `${c.method} ${c.target}`));
    assert.deepEqual([...targets].sort(), [`CONNECT auth.test:${tokenPort}`, `CONNECT registry.test:${registryPort}`]);
    assert.ok(
      tokens.requests().some((r) => r.user === USER && r.status === 200),
      'the token server issued a token',
    );
  });

  it('gives the proxy its own credentials from the URL, and tells them as a secret', async () => {
    lockedProxy.reset();
    const secrets: string[] = [];
    const proxyUrl = new URL(lockedProxy.url);
    proxyUrl.username = PROXY_USER;
    proxyUrl.password = PROXY_PASSWORD;
    const env = { HTTP_PROXY: proxyUrl.href };
    await copyRefs(`oci:${image.dir}:v1`, `registry.test:${port}/locked/app:v1`, {
      destination: { env, plainHttp: true, credentials: { username: USER, password: PASSWORD }, onSecret: (s) => secrets.push(s) },
    });
    assert.ok(secrets.includes(PROXY_PASSWORD));
    const expected = `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')}`;
    assert.ok(lockedProxy.calls().every((c) => c.headers['proxy-authorization'] === expected && c.status === 200));
  });

  it('names the proxy and the variable when the proxy wants credentials', async () => {
    const env = { https_proxy: lockedProxy.url };
    const started = Date.now();
    await assert.rejects(copyRefs(`oci:${image.dir}:v1`, `registry.test:${port}/denied/app:v1`, { destination: { env } }), (err: Error) => {
      assert.match(
        err.message,
        /the proxy http:\/\/127\.0\.0\.1:\d+ \(from https_proxy\) asks for credentials \(407 Proxy Authentication Required\): give them in https_proxy as http:\/\/USER:PASSWORD@127\.0\.0\.1:\d+/,
      );
      return true;
    });
    // Retrying would wait 0.25 + 0.5 + 1 + 2 s between its five tries.
    assert.ok(Date.now() - started < 2500, 'no retries');
  });

  it('goes around the proxy for NO_PROXY names, and for loopback always', async () => {
    proxy.reset();
    const env = { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: 'example.com,.test' };
    const started = Date.now();
    await assert.rejects(
      copyRefs(`oci:${image.dir}:v1`, `registry.test:${port}/bypass/app:v1`, { destination: { env, plainHttp: true } }),
      /cannot resolve registry\.test \(no such host\): check the registry's name/,
    );
    assert.ok(Date.now() - started < 2500, 'a name that does not resolve is not retried');
    await copyRefs(`oci:${image.dir}:v1`, `${registry.host}/loopback/app:v1`, {
      destination: { env: { HTTP_PROXY: proxy.url }, credentials: { username: USER, password: PASSWORD } },
    });
    assert.deepEqual(proxy.calls(), [], 'the proxy saw nothing');
  });
});
