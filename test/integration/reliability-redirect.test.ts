// Blob downloads redirected to "object storage" on another origin, end to end through `copy` with
// basic auth: the storage server gets the bytes' URL and nothing that identifies the user.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { copy } from '../../src/api/copy.js';
import { parseReference } from '../../src/oci/reference.js';
import { openDestination, openSource } from '../../src/targets/open-target.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { makeImageLayout, pushLayoutWithSkopeo, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { skopeoPullAllBlobs } from '../support/skopeo.js';

const USER = 'redirect-user';
const PASSWORD = 'redirect-pw-7f3a';

describe('a blob download redirected to another origin', () => {
  let registry: TestRegistry;
  let proxy: FaultProxy;
  let storage: Server;
  let storageHost: string;
  const storageSeen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  let work: string;
  let image: ImageLayout;

  before(async () => {
    registry = await startRegistry({ htpasswd: { user: USER, password: PASSWORD } });
    proxy = await startFaultProxy(registry.url);
    // "Object storage": serves a blob named in its URL, fetched from the registry with its own key.
    const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    storage = createServer(async (req, res) => {
      storageSeen.push({ url: req.url!, headers: req.headers });
      const m = /^\/bucket\/(sha256:[0-9a-f]{64})\?sig=/.exec(req.url!);
      if (!m) return void res.writeHead(404).end();
      const up = await fetch(`${registry.url}/v2/src/app/blobs/${m[1]}`, { headers: { authorization: basic } });
      res.writeHead(up.status, { 'content-length': up.headers.get('content-length') ?? undefined });
      Readable.fromWeb(up.body as never).pipe(res);
    });
    await new Promise<void>((r) => storage.listen(0, '127.0.0.1', r));
    storageHost = `127.0.0.1:${(storage.address() as AddressInfo).port}`;
    work = await mkdtemp(join(tmpdir(), 'oci-copy-redirect-'));
    image = await makeImageLayout(join(work, 'seed'), {
      tag: 'v1',
      platforms: [
        { os: 'linux', architecture: 'amd64', layers: [{ size: 20_000 }] },
        { os: 'linux', architecture: 'arm64', layers: [{ size: 10_000 }] },
      ],
    });
    await pushLayoutWithSkopeo(image.dir, 'v1', `${registry.host}/src/app`, { destCreds: `${USER}:${PASSWORD}` });
  });

  after(async () => {
    await proxy?.stop();
    storage?.closeAllConnections();
    await new Promise((r) => storage?.close(r));
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('sends no Authorization or Cookie there, and the copy lands verified', async () => {
    proxy.addFault({
      method: 'GET',
      path: /^\/v2\/src\/app\/blobs\/sha256:/,
      times: Infinity,
      fault: { kind: 'redirect', status: 307, location: (path) => `http://${storageHost}/bucket/${path.split('/').pop()}?sig=signed` },
    });
    const srcRef = parseReference(`${proxy.host}/src/app:v1`);
    const dstRef = parseReference(`${proxy.host}/dst/app:v1`);
    const credentials = { username: USER, password: PASSWORD };
    const src = await openSource(srcRef, { credentials });
    const dst = await openDestination(dstRef, { credentials });
    try {
      const root = await copy(src, srcRef, dst, dstRef, { mount: false });
      assert.equal(root.digest, image.root.digest);
    } finally {
      await Promise.all([src.close('success'), dst.close('success')]);
    }

    const layers = image.blobs.filter((b) => b.mediaType.includes('layer') || b.mediaType.includes('config'));
    assert.equal(storageSeen.length, layers.length, 'every blob came from storage');
    for (const seen of storageSeen) {
      assert.equal(seen.headers.authorization, undefined, `no Authorization on ${seen.url}`);
      assert.equal(seen.headers.cookie, undefined, `no Cookie on ${seen.url}`);
      assert.equal(seen.headers['proxy-authorization'], undefined);
    }
    // The registry itself was sent the credentials: the check above could have failed.
    const redirected = proxy.requests().filter((r) => r.fault === 'redirect');
    assert.ok(redirected.length >= layers.length);
    assert.ok(redirected.every((r) => String(r.headers.authorization).startsWith('Basic ')));

    const pulled = await skopeoPullAllBlobs(`docker://${registry.host}/dst/app:v1`, { creds: `${USER}:${PASSWORD}` });
    await rm(pulled, { recursive: true, force: true });
  });
});
