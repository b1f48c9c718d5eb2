// The bundled action on networks as they are: a private CA given with ca-file, verification off
// with a warning, a proxy from the step's environment (the proxy agent is a chunk of the bundle),
// and every request in the debug log when step debug logging is on.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeCertificates, type TestCertificates } from '../support/certificates.js';
import { makeImageLayout, type ImageLayout } from '../support/images.js';
import { startRecordingProxy, type RecordingProxy } from '../support/recording-proxy.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { runAction } from '../support/run-action.js';

const USER = 'action-user';
const PASSWORD = 'pw-Action-61d2c0de';

describe('the bundled action on private CAs, proxies and debug logs', () => {
  let work: string;
  let certs: TestCertificates;
  let tlsRegistry: TestRegistry;
  let registry: TestRegistry;
  let proxy: RecordingProxy;
  let image: ImageLayout;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-network-action-'));
    certs = await makeCertificates(work, ['127.0.0.1']);
    [tlsRegistry, registry, image, proxy] = await Promise.all([
      startRegistry({ tls: { certificate: certs.certificate, key: certs.key } }),
      startRegistry({ htpasswd: { user: USER, password: PASSWORD } }),
      makeImageLayout(join(work, 'image'), { tag: 'v1', platforms: [{ architecture: 'amd64', layers: [{ size: 20_000 }] }] }),
      startRecordingProxy({ names: { 'registry.test': '127.0.0.1' } }),
    ]);
  });

  after(async () => {
    await Promise.all([tlsRegistry?.stop(), registry?.stop(), proxy?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  const errors = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('::error::'));

  it('trusts a private CA given with ca-file', async () => {
    const run = await runAction({
      source: `oci:${image.dir}:v1`,
      destination: `${tlsRegistry.host}/ca/app:v1`,
      'ca-file': certs.caPath,
      'blob-cache': 'false',
    });
    assert.equal(run.code, 0, run.stdout);
    assert.equal(run.outputs.digest, image.root.digest);
  });

  it('refuses the registry without it, naming both inputs', async () => {
    const run = await runAction({
      source: `oci:${image.dir}:v1`,
      destination: `${tlsRegistry.host}/refused/app:v1`,
      'blob-cache': 'false',
    });
    assert.equal(run.code, 1);
    const [error, ...more] = errors(run.stdout);
    assert.deepEqual(more, []);
    assert.match(
      error,
      /the certificate of 127\.0\.0\.1:\d+ is not trusted \(issued by an unknown CA, UNABLE_TO_VERIFY_LEAF_SIGNATURE\): trust the CA that signed it \(set ca-file: FILE\), or set tls-verify: false to skip verification$/,
    );
  });

  it('with tls-verify: false, copies and warns that nothing is checked', async () => {
    const run = await runAction({
      source: `oci:${image.dir}:v1`,
      destination: `${tlsRegistry.host}/unverified/app:v1`,
      'tls-verify': 'false',
      'blob-cache': 'false',
    });
    assert.equal(run.code, 0, run.stdout);
    const warnings = run.stdout.split('\n').filter((l) => l.startsWith('::warning::'));
    assert.deepEqual(warnings, [
      "::warning::TLS verification is off (tls-verify: false): no registry's certificate is checked, so anyone between here and a registry can read and change what is copied",
    ]);
  });

  it('names a ca-file that holds no certificate before any connection', async () => {
    const run = await runAction({ source: `oci:${image.dir}:v1`, destination: `${tlsRegistry.host}/x/app:v1`, 'ca-file': certs.key });
    assert.equal(run.code, 1);
    assert.match(errors(run.stdout)[0], /^::error::input "ca-file" .*server\.key holds no PEM certificate/);
  });

  it('goes through the proxy of the step environment, and logs every request with ACTIONS_STEP_DEBUG', async () => {
    proxy.reset();
    const port = registry.host.split(':')[1];
    const run = await runAction(
      {
        source: `oci:${image.dir}:v1`,
        destination: `registry.test:${port}/proxied/app:v1`,
        'plain-http': 'true',
        username: USER,
        password: PASSWORD,
        'blob-cache': 'false',
      },
      { HTTP_PROXY: proxy.url, ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' },
    );
    assert.equal(run.code, 0, run.stdout);
    assert.deepEqual([...new Set(proxy.calls().map((c) => `${c.method} ${c.target}`))], [`CONNECT registry.test:${port}`]);
    const debug = run.stdout.split('\n').filter((l) => l.startsWith('::debug::'));
    assert.ok(
      debug.some((l) => l.startsWith(`::debug::PUT http://registry.test:${port}/v2/proxied/app/manifests/v1 (Basic REDACTED) → 201 in `)),
      debug.join('\n'),
    );
    assert.ok(!run.stdout.includes(Buffer.from(`${USER}:${PASSWORD}`).toString('base64')));
  });
});
