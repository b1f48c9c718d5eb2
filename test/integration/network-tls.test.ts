// A distribution registry serving HTTPS with a certificate from a CA made for the test: reached with
// the CA trusted, or with verification off; refused at once, with a sentence naming the cause and
// the fix, without them, under the wrong name, and when HTTP and HTTPS are mixed up.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sync } from '../../src/lib.js';
import { httpEventLine, type HttpEvent } from '../../src/targets/registry/network/observer.js';
import { readCaFile } from '../../src/targets/registry/network/tls.js';
import { makeCertificates, type TestCertificates } from '../support/certificates.js';
import { copyRefs } from '../support/copy-refs.js';
import { makeImageLayout, type ImageLayout } from '../support/images.js';
import { startRecordingProxy, type RecordingProxy } from '../support/recording-proxy.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { skopeoInspectRaw } from '../support/skopeo.js';

/** A copy that must fail, and how many tries it retried: a refusal at once retries none. */
async function refusal(work: (onHttp: (e: HttpEvent) => void) => Promise<unknown>): Promise<{ message: string; retries: number }> {
  let retries = 0;
  try {
    await work((e) => void (e.type === 'retry' && retries++));
  } catch (err) {
    return { message: (err as Error).message, retries };
  }
  assert.fail('the copy succeeded');
}

describe('registries that speak TLS', () => {
  let work: string;
  let certs: TestCertificates;
  let tlsRegistry: TestRegistry;
  let plainRegistry: TestRegistry;
  let proxy: RecordingProxy;
  let image: ImageLayout;
  let ca: string[];
  let tlsPort: string;
  let plainPort: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-tls-'));
    certs = await makeCertificates(work, ['127.0.0.1', 'registry.test']);
    [tlsRegistry, plainRegistry, image] = await Promise.all([
      startRegistry({ tls: { certificate: certs.certificate, key: certs.key } }),
      startRegistry(),
      makeImageLayout(join(work, 'image'), { tag: 'v1', platforms: [{ architecture: 'amd64', layers: [{ size: 30_000 }] }] }),
    ]);
    proxy = await startRecordingProxy({ names: { 'registry.test': '127.0.0.1' } });
    ca = await readCaFile(certs.caPath, 'ca-file');
    tlsPort = tlsRegistry.host.split(':')[1];
    plainPort = plainRegistry.host.split(':')[1];
  });

  after(async () => {
    await Promise.all([tlsRegistry?.stop(), plainRegistry?.stop(), proxy?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('trusts the registry with its CA given, speaking HTTPS to loopback once it answers as an HTTPS server', async () => {
    const events: HttpEvent[] = [];
    const { root } = await copyRefs(`oci:${image.dir}:v1`, `${tlsRegistry.host}/tls/app:v1`, {
      destination: { network: { ca }, onHttp: (e) => events.push(e) },
    });
    assert.equal(root.digest, image.root.digest);
    // One plain-HTTP request learns it; the client says so, and every later request is HTTPS.
    const notes = events.filter((e) => e.type === 'note').map(httpEventLine);
    assert.deepEqual(notes, [`${tlsRegistry.host} answered plain HTTP as an HTTPS server does: speaking HTTPS to it from here on`]);
    const plain = events.filter((e) => e.type === 'response' && e.url.protocol === 'http:');
    assert.equal(plain.length, 1);
    // skopeo reads it back over HTTPS (it skips verification for test registries).
    const raw = await skopeoInspectRaw(`docker://${tlsRegistry.host}/tls/app:v1`);
    assert.equal(JSON.parse(raw).config.digest, image.manifests[0].config.digest);
  });

  it('reaches it with verification off', async () => {
    const { root } = await copyRefs(`${tlsRegistry.host}/tls/app:v1`, `oci:${join(work, 'unverified')}:v1`, {
      source: { network: { tlsVerify: false } },
    });
    assert.equal(root.digest, image.root.digest);
  });

  it('refuses an untrusted certificate at once, naming ca-file and tls-verify', async () => {
    const { message, retries } = await refusal((onHttp) =>
      copyRefs(`${tlsRegistry.host}/tls/app:v1`, `oci:${join(work, 'refused')}:v1`, { source: { onHttp } }),
    );
    assert.match(
      message,
      new RegExp(
        `the certificate of 127\\.0\\.0\\.1:${tlsPort} is not trusted \\(issued by an unknown CA, UNABLE_TO_VERIFY_LEAF_SIGNATURE\\): trust the CA that signed it \\(set ca-file: FILE\\), or set tls-verify: false to skip verification$`,
      ),
    );
    assert.doesNotMatch(message, /tries/);
    assert.equal(retries, 0, 'refused without a retry');
  });

  it('gives each side of a sync its own trust, on one registry host too', async () => {
    // The source skips verification; the destination, on the same host, trusts nothing extra and
    // must not borrow the source's connections. With the CA given, it copies.
    const list = `- source: ${tlsRegistry.host}/tls/app:v1\n  destination: ${tlsRegistry.host}/tls/side/\n`;
    const refused = await sync(list, { source: { network: { tlsVerify: false } } });
    assert.deepEqual(
      refused.results.map((r) => r.status),
      ['failed'],
    );
    assert.match(refused.results[0].error!, /the certificate of 127\.0\.0\.1:[0-9]+ is not trusted/);
    const trusted = await sync(list, { source: { network: { tlsVerify: false } }, destination: { network: { ca } } });
    assert.deepEqual(
      trusted.results.map((r) => [r.status, r.root?.digest]),
      [['copied', image.root.digest]],
    );
  });

  it('refuses a certificate for other names', async () => {
    const { message, retries } = await refusal((onHttp) =>
      copyRefs(`localhost:${tlsPort}/tls/app:v1`, `oci:${join(work, 'wrong-name')}:v1`, { source: { network: { ca }, onHttp } }),
    );
    assert.match(
      message,
      new RegExp(
        `the certificate of localhost:${tlsPort} is not for localhost \\(it names IP Address:127\\.0\\.0\\.1, DNS:registry\\.test\\): use a name it lists`,
      ),
    );
    assert.equal(retries, 0, 'refused without a retry');
  });

  it('says plain HTTP was spoken to an HTTPS registry off loopback, at once', async () => {
    const env = { HTTP_PROXY: proxy.url };
    const { message, retries } = await refusal((onHttp) =>
      copyRefs(`registry.test:${tlsPort}/tls/app:v1`, `oci:${join(work, 'http-to-https')}:v1`, {
        source: { plainHttp: true, env, onHttp },
      }),
    );
    assert.match(message, new RegExp(`registry\\.test:${tlsPort} speaks HTTPS, not plain HTTP: remove plain-http`));
    assert.equal(retries, 0, 'refused without a retry');
  });

  it('says HTTPS was spoken to a plain-HTTP registry, at once', async () => {
    const env = { HTTPS_PROXY: proxy.url };
    const { message, retries } = await refusal((onHttp) =>
      copyRefs(`oci:${image.dir}:v1`, `registry.test:${plainPort}/plain/app:v1`, { destination: { env, onHttp } }),
    );
    assert.match(message, new RegExp(`registry\\.test:${plainPort} answered plain HTTP to HTTPS: set plain-http: true`));
    assert.doesNotMatch(message, /ssl3_get_record|wrong version number|tries/);
    assert.equal(retries, 0, 'refused without a retry');
  });

  it('names a CA file that is missing or holds no certificate', async () => {
    await assert.rejects(
      readCaFile(join(work, 'nope.pem'), 'ca-file'),
      /^InputError: ca-file .*nope\.pem cannot be read \(no such file\): give a file of PEM certificates$/,
    );
    await assert.rejects(readCaFile(certs.key, 'ca-file'), /ca-file .*server\.key holds no PEM certificate/);
  });
});
