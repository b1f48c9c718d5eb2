// The test tooling itself, against the real registry and skopeo: if these fail, nothing else can be trusted.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createGunzip } from 'node:zlib';
import { sha } from '../support/blobs.js';
import {
  blobPath,
  makeImageLayout,
  pushImageOverHttp,
  pushLayoutWithSkopeo,
  REF_NAME_ANNOTATION,
  type ImageLayout,
} from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { skopeoCopy, skopeoInspectRaw, skopeoPullAllBlobs } from '../support/skopeo.js';
import { startTokenServer, type TokenServer } from '../support/token-server.js';
import { MANIFEST_ACCEPT } from '../../src/oci/media-types.js';

const temps: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
after(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

async function fileDigest(path: string, gunzip = false): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  const source = createReadStream(path);
  for await (const chunk of gunzip ? source.pipe(createGunzip()) : source) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/** Reads the claims of a JWT without verifying it (the registry does that). */
function jwtClaims(token: string): { access: Array<{ type: string; name: string; actions: string[] }> } & Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

const twoPlatforms = {
  tag: 'v1',
  sharedLayers: { base: { size: 3 * 1024 * 1024 + 7, seed: 'base' } },
  platforms: [
    { architecture: 'amd64', layers: ['base', { size: 1000, seed: 'amd64-app' }] },
    { architecture: 'arm64', variant: 'v8', layers: ['base', { size: 20_000, seed: 'arm64-app' }] },
  ],
};

describe('OCI layout images', () => {
  let image: ImageLayout;
  before(async () => {
    image = await makeImageLayout(await tempDir('oci-copy-images-'), twoPlatforms);
  });

  it('writes every blob under its own digest and size', async () => {
    assert.equal(image.blobs.length, 1 + 2 * 2 + 2 + 1); // shared layer, 2 own layers + 2 configs, 2 manifests, index
    const files = await readdir(join(image.dir, 'blobs', 'sha256'));
    assert.deepEqual(files.sort(), image.blobs.map((b) => b.digest.slice('sha256:'.length)).sort());
    for (const blob of image.blobs) {
      const actual = await fileDigest(blobPath(image.dir, blob.digest));
      assert.deepEqual(actual, { digest: blob.digest, size: blob.size });
    }
    assert.equal(image.blobs.at(-1)!.digest, image.root.digest, 'the root comes last');
  });

  it('writes a layout whose index.json tags the root', async () => {
    const layout = JSON.parse(await readFile(join(image.dir, 'oci-layout'), 'utf8'));
    assert.equal(layout.imageLayoutVersion, '1.0.0');
    const index = JSON.parse(await readFile(join(image.dir, 'index.json'), 'utf8'));
    assert.equal(index.manifests.length, 1);
    assert.equal(index.manifests[0].digest, image.root.digest);
    assert.equal(index.manifests[0].annotations[REF_NAME_ANNOTATION], 'v1');
    const root = JSON.parse(await readFile(blobPath(image.dir, image.root.digest), 'utf8'));
    assert.deepEqual(
      root.manifests.map((m: { platform: unknown }) => m.platform),
      [
        { architecture: 'amd64', os: 'linux' },
        { architecture: 'arm64', os: 'linux', variant: 'v8' },
      ],
    );
  });

  it('shares the named layer and records the uncompressed digests in each config', async () => {
    const [amd, arm] = image.manifests;
    assert.equal(amd.layers[0].digest, arm.layers[0].digest);
    assert.notEqual(amd.layers[1].digest, arm.layers[1].digest);
    for (const m of image.manifests) {
      const config = JSON.parse(await readFile(blobPath(image.dir, m.config.digest), 'utf8'));
      assert.deepEqual(config.rootfs.diff_ids, m.diffIds);
      for (const [i, layer] of m.layers.entries()) {
        const tar = await fileDigest(blobPath(image.dir, layer.digest), true);
        assert.equal(tar.digest, m.diffIds[i]);
      }
    }
    // one file of the asked size, padded to 512-byte blocks, plus the header and two end blocks
    const tar = await fileDigest(blobPath(image.dir, amd.layers[0].digest), true);
    assert.equal(tar.size, 512 + Math.ceil((3 * 1024 * 1024 + 7) / 512) * 512 + 1024);
  });

  it('gives the same digests for the same seeds and different ones without seeds', async () => {
    const again = await makeImageLayout(await tempDir('oci-copy-images-'), twoPlatforms);
    assert.deepEqual(again.root, image.root);
    const a = await makeImageLayout(await tempDir('oci-copy-images-'), { platforms: [{ architecture: 'amd64', layers: [{ size: 100 }] }] });
    const b = await makeImageLayout(await tempDir('oci-copy-images-'), { platforms: [{ architecture: 'amd64', layers: [{ size: 100 }] }] });
    assert.notEqual(a.manifests[0].layers[0].digest, b.manifests[0].layers[0].digest);
    assert.equal(a.root.mediaType, 'application/vnd.oci.image.manifest.v1+json', 'one platform: the manifest is the root');
    assert.equal(a.index, undefined);
  });

  it('adds a second tag to an existing layout', async () => {
    const dir = await tempDir('oci-copy-images-');
    const first = await makeImageLayout(dir, { tag: 'one', platforms: [{ architecture: 'amd64', layers: [{ size: 10 }] }] });
    const second = await makeImageLayout(dir, { tag: 'two', platforms: [{ architecture: 'amd64', layers: [{ size: 10 }] }] });
    const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
    assert.deepEqual(
      index.manifests.map((m: { digest: string; annotations: Record<string, string> }) => [m.annotations[REF_NAME_ANNOTATION], m.digest]),
      [
        ['one', first.root.digest],
        ['two', second.root.digest],
      ],
    );
  });
});

describe('registry and skopeo', () => {
  let registry: TestRegistry;
  let image: ImageLayout;
  before(async () => {
    registry = await startRegistry();
    image = await makeImageLayout(await tempDir('oci-copy-images-'), twoPlatforms);
  });
  after(async () => {
    await registry?.stop();
  });

  it('answers the API version check and logs the request', async () => {
    const res = await fetch(`${registry.url}/v2/`);
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    await waitFor(() => registry.requests().some((r) => r.method === 'GET' && r.path === '/v2/' && r.status === 200));
  });

  it('receives a layout pushed by skopeo with every digest unchanged', async () => {
    await registry.resetRequests();
    await pushLayoutWithSkopeo(image.dir, 'v1', `${registry.host}/seeded/app`);
    const raw = await skopeoInspectRaw(`${registry.host}/seeded/app:v1`);
    assert.equal(sha(raw), image.root.digest);
    for (const m of image.manifests) {
      const res = await fetch(`${registry.url}/v2/seeded/app/manifests/${m.descriptor.digest}`, {
        headers: { Accept: MANIFEST_ACCEPT },
      });
      assert.equal(res.status, 200);
      assert.equal(sha(Buffer.from(await res.arrayBuffer())), m.descriptor.digest);
      for (const blob of [m.config, ...m.layers]) {
        const head = await fetch(`${registry.url}/v2/seeded/app/blobs/${blob.digest}`, { method: 'HEAD' });
        assert.equal(head.status, 200, blob.digest);
        assert.equal(Number(head.headers.get('content-length')), blob.size);
      }
    }
    await waitFor(() => registry.requests().some((r) => r.method === 'PUT' && r.path.startsWith('/v2/seeded/app/manifests/v1')));
  });

  it('pushes under another tag and lets skopeo pull every blob back', async () => {
    await pushLayoutWithSkopeo(image.dir, 'v1', `docker://${registry.host}/seeded/other:renamed`);
    const pulled = await skopeoPullAllBlobs(`${registry.host}/seeded/other:renamed`);
    temps.push(pulled);
    const index = JSON.parse(await readFile(join(pulled, 'index.json'), 'utf8'));
    assert.equal(index.manifests[0].digest, image.root.digest);
    const files = await readdir(join(pulled, 'blobs', 'sha256'));
    assert.deepEqual(files.sort(), image.blobs.map((b) => b.digest.slice('sha256:'.length)).sort());
  });

  it('seeds Docker schema 2 images over HTTP, which skopeo cannot take from a layout', async () => {
    const docker = await makeImageLayout(await tempDir('oci-copy-images-'), { ...twoPlatforms, format: 'docker' });
    assert.equal(docker.root.mediaType, 'application/vnd.docker.distribution.manifest.list.v2+json');
    await assert.rejects(pushLayoutWithSkopeo(docker.dir, 'v1', `${registry.host}/seeded/docker`), /no descriptor found/);
    await pushImageOverHttp(docker, registry.url, 'seeded/docker', 'v1');
    assert.equal(sha(await skopeoInspectRaw(`${registry.host}/seeded/docker:v1`)), docker.root.digest);
    const pulled = await skopeoPullAllBlobs(`${registry.host}/seeded/docker:v1`);
    temps.push(pulled);
    const layers = docker.manifests.flatMap((m) => m.layers.map((l) => l.digest.slice('sha256:'.length)));
    const files = await readdir(join(pulled, 'blobs', 'sha256'));
    for (const hex of layers) assert.ok(files.includes(hex), `layer ${hex} pulled unchanged`);
  });

  it("fails with skopeo's message when the source is missing", async () => {
    await assert.rejects(
      skopeoCopy(`${registry.host}/seeded/absent:v1`, `${registry.host}/seeded/copy:v1`),
      /skopeo copy .* exited with 1: .*(manifest unknown|not found)/i,
    );
  });
});

describe('token auth', () => {
  let tokens: TokenServer;
  let registry: TestRegistry;
  let image: ImageLayout;
  before(async () => {
    tokens = await startTokenServer({
      users: {
        alice: { password: 'alice-secret', access: (repo) => (/^(team|public)\//.test(repo) ? ['pull', 'push'] : ['pull']) },
        bob: { password: 'bob-secret', access: () => ['pull'] },
      },
      anonymous: (repo) => (repo.startsWith('public/') ? ['pull'] : []),
    });
    registry = await startRegistry({ authYaml: tokens.authYaml });
    image = await makeImageLayout(await tempDir('oci-copy-images-'), twoPlatforms);
  });
  after(async () => {
    await registry?.stop();
    await tokens?.stop();
  });

  it('challenges for a bearer token from the server', async () => {
    const res = await fetch(`${registry.url}/v2/team/app/manifests/v1`, { headers: { Accept: MANIFEST_ACCEPT } });
    await res.arrayBuffer();
    assert.equal(res.status, 401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /^Bearer /);
    assert.ok(challenge.includes(`realm="${tokens.realm}"`), challenge);
    assert.ok(challenge.includes(`service="${tokens.service}"`), challenge);
    assert.ok(challenge.includes('scope="repository:team/app:pull"'), challenge);
  });

  it('lets a user with push rights push, and skopeo read it back', async () => {
    tokens.resetRequests();
    await pushLayoutWithSkopeo(image.dir, 'v1', `${registry.host}/team/app`, { destCreds: 'alice:alice-secret' });
    const seen = tokens.requests();
    assert.ok(seen.length > 0);
    assert.ok(
      seen.every((r) => r.status === 200 && r.user === 'alice' && r.grant === 'basic'),
      JSON.stringify(seen),
    );
    assert.ok(
      seen.some((r) => r.scopes.includes('repository:team/app:pull,push')),
      JSON.stringify(seen),
    );
    const raw = await skopeoInspectRaw(`${registry.host}/team/app:v1`, { creds: 'bob:bob-secret' });
    assert.equal(sha(raw), image.root.digest);
  });

  it('refuses a push without rights, without credentials and with a wrong password', async () => {
    await assert.rejects(
      pushLayoutWithSkopeo(image.dir, 'v1', `${registry.host}/team/bob`, { destCreds: 'bob:bob-secret' }),
      /unauthorized|authentication required|denied/i,
    );
    await assert.rejects(
      pushLayoutWithSkopeo(image.dir, 'v1', `${registry.host}/public/app`),
      /unauthorized|authentication required|denied|401/i,
    );
    await assert.rejects(
      pushLayoutWithSkopeo(image.dir, 'v1', `${registry.host}/team/app2`, { destCreds: 'alice:wrong' }),
      /401|unauthorized|authentication required|invalid username\/password/i,
    );
    const refused = tokens.requests().filter((r) => r.status === 401);
    assert.ok(
      refused.some((r) => r.user === 'alice' && r.grant === 'basic'),
      'the wrong password reached the server',
    );
  });

  it('grants the intersection of several scopes asked in one request', async () => {
    const url = new URL(tokens.realm);
    url.searchParams.set('service', tokens.service);
    url.searchParams.append('scope', 'repository:team/app:pull,push repository:other/app:pull,push');
    url.searchParams.append('scope', 'repository:public/app:pull');
    const auth = `Basic ${Buffer.from('alice:alice-secret').toString('base64')}`;
    const res = await fetch(url, { headers: { Authorization: auth } });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.token, body.access_token);
    assert.equal(body.expires_in, 300);
    assert.ok(!Number.isNaN(Date.parse(String(body.issued_at))));
    const claims = jwtClaims(String(body.token));
    assert.equal(claims.iss, tokens.issuer);
    assert.equal(claims.aud, tokens.service);
    assert.equal(claims.sub, 'alice');
    assert.deepEqual(claims.access, [
      { type: 'repository', name: 'team/app', actions: ['pull', 'push'] },
      { type: 'repository', name: 'other/app', actions: ['pull'] },
      { type: 'repository', name: 'public/app', actions: ['pull'] },
    ]);
    const last = tokens.requests().at(-1)!;
    assert.deepEqual(last.scopes, ['repository:team/app:pull,push', 'repository:other/app:pull,push', 'repository:public/app:pull']);
  });

  it('serves anonymous pulls only where the policy allows', async () => {
    await pushLayoutWithSkopeo(image.dir, 'v1', `${registry.host}/public/app`, { destCreds: 'alice:alice-secret' });
    tokens.resetRequests();
    assert.equal(sha(await skopeoInspectRaw(`${registry.host}/public/app:v1`)), image.root.digest);
    assert.ok(tokens.requests().some((r) => r.grant === 'anonymous' && r.status === 200));
    await assert.rejects(skopeoInspectRaw(`${registry.host}/team/app:v1`), /401|unauthorized|authentication required/i);
    const anon = await fetch(`${tokens.realm}?service=${tokens.service}&scope=repository:public/app:pull,push`);
    const claims = jwtClaims(String(((await anon.json()) as { token: string }).token));
    assert.deepEqual(claims.access, [{ type: 'repository', name: 'public/app', actions: ['pull'] }]);
  });

  it('issues tokens for OAuth2 password and refresh-token grants that the registry accepts', async () => {
    const form = new URLSearchParams({
      grant_type: 'password',
      username: 'bob',
      password: 'bob-secret',
      service: tokens.service,
      scope: 'repository:team/app:pull',
      client_id: 'oci-copy-tests',
      access_type: 'offline',
    });
    const res = await fetch(tokens.realm, { method: 'POST', body: form });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { access_token: string; refresh_token: string };
    assert.ok(body.refresh_token);
    const manifest = await fetch(`${registry.url}/v2/team/app/manifests/v1`, {
      headers: { Accept: MANIFEST_ACCEPT, Authorization: `Bearer ${body.access_token}` },
    });
    assert.equal(manifest.status, 200);
    assert.equal(sha(Buffer.from(await manifest.arrayBuffer())), image.root.digest);

    const refreshed = await fetch(tokens.realm, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: body.refresh_token,
        service: tokens.service,
        scope: 'repository:team/app:pull,push',
      }),
    });
    assert.equal(refreshed.status, 200);
    const claims = jwtClaims(((await refreshed.json()) as { access_token: string }).access_token);
    assert.equal(claims.sub, 'bob');
    assert.deepEqual(claims.access, [{ type: 'repository', name: 'team/app', actions: ['pull'] }]);

    const wrong = await fetch(tokens.realm, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', username: 'bob', password: 'nope', service: tokens.service }),
    });
    assert.equal(wrong.status, 401);
    await wrong.arrayBuffer();
  });

  it('grants one token over two repositories, as a cross-repository mount needs', async () => {
    const layer = image.manifests[0].layers[0].digest;
    const tokenFor = async (scopes: string[]) => {
      const url = new URL(tokens.realm);
      url.searchParams.set('service', tokens.service);
      for (const s of scopes) url.searchParams.append('scope', s);
      const res = await fetch(url, { headers: { Authorization: `Basic ${Buffer.from('alice:alice-secret').toString('base64')}` } });
      return ((await res.json()) as { token: string }).token;
    };
    const mount = async (token: string) => {
      const res = await fetch(`${registry.url}/v2/team/mounted/blobs/uploads/?mount=${layer}&from=team/app`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
      });
      await res.arrayBuffer();
      return res;
    };
    const withoutFrom = await mount(await tokenFor(['repository:team/mounted:pull,push']));
    assert.equal(withoutFrom.status, 401);
    assert.match(withoutFrom.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
    const both = await mount(await tokenFor(['repository:team/mounted:pull,push', 'repository:team/app:pull']));
    assert.equal(both.status, 201);
    assert.equal(both.headers.get('docker-content-digest'), layer);
  });

  it('the registry rejects a token without the needed action', async () => {
    const url = `${tokens.realm}?service=${tokens.service}&scope=repository:team/app:pull`;
    const res = await fetch(url, { headers: { Authorization: `Basic ${Buffer.from('bob:bob-secret').toString('base64')}` } });
    const { token } = (await res.json()) as { token: string };
    const upload = await fetch(`${registry.url}/v2/team/app/blobs/uploads/`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
    });
    await upload.arrayBuffer();
    assert.equal(upload.status, 401);
    assert.match(upload.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
  });
});

describe('htpasswd auth', () => {
  let registry: TestRegistry;
  let image: ImageLayout;
  before(async () => {
    registry = await startRegistry({
      htpasswd: [
        { user: 'carol', password: 'carol-secret' },
        { user: 'dave', password: 'p@ss:w0rd' },
      ],
    });
    image = await makeImageLayout(await tempDir('oci-copy-images-'), {
      platforms: [{ architecture: 'amd64', layers: [{ size: 4096, seed: 'htpasswd' }] }],
    });
  });
  after(async () => {
    await registry?.stop();
  });

  it('asks for basic auth and accepts only the right password', async () => {
    const anon = await fetch(`${registry.url}/v2/`);
    await anon.arrayBuffer();
    assert.equal(anon.status, 401);
    assert.match(anon.headers.get('www-authenticate') ?? '', /^Basic realm=/);
    const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    for (const [user, password, status] of [
      ['carol', 'carol-secret', 200],
      ['dave', 'p@ss:w0rd', 200],
      ['carol', 'wrong', 401],
      ['eve', 'carol-secret', 401],
    ] as const) {
      const res = await fetch(`${registry.url}/v2/`, { headers: { Authorization: basic(user, password) } });
      await res.arrayBuffer();
      assert.equal(res.status, status, `${user}:${password}`);
    }
  });

  it('accepts a skopeo push with credentials and refuses one without', async () => {
    await pushLayoutWithSkopeo(image.dir, 'latest', `${registry.host}/private/app`, { destCreds: 'carol:carol-secret' });
    const raw = await skopeoInspectRaw(`${registry.host}/private/app:latest`, { creds: 'carol:carol-secret' });
    assert.equal(sha(raw), image.root.digest);
    await assert.rejects(
      pushLayoutWithSkopeo(image.dir, 'latest', `${registry.host}/private/other`),
      /401|unauthorized|authentication required/i,
    );
    await assert.rejects(skopeoInspectRaw(`${registry.host}/private/app:latest`), /401|unauthorized|authentication required/i);
  });

  it('takes an HTTP push with basic credentials', async () => {
    await assert.rejects(pushImageOverHttp(image, registry.url, 'private/http', 'v1'), /HTTP 401/);
    await pushImageOverHttp(image, registry.url, 'private/http', 'v1', { basicAuth: { user: 'dave', password: 'p@ss:w0rd' } });
    const raw = await skopeoInspectRaw(`${registry.host}/private/http:v1`, { creds: 'dave:p@ss:w0rd' });
    assert.equal(sha(raw), image.root.digest);
  });
});

/** The access log arrives asynchronously on the registry's stdout. */
async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('token expiry', () => {
  it('the registry refuses a token whose exp is more than its 60 s leeway in the past', async () => {
    const expired = await startTokenServer({ anonymous: () => ['pull'], signedLifetime: -70 });
    const registry = await startRegistry({ authYaml: expired.authYaml });
    try {
      const res = await fetch(`${expired.realm}?service=${expired.service}&scope=repository:any/repo:pull`);
      const body = (await res.json()) as { token: string; expires_in: number };
      assert.equal(body.expires_in, 300);
      const claims = jwtClaims(body.token);
      assert.ok(Number(claims.exp) < Date.now() / 1000 - 60);
      const tags = await fetch(`${registry.url}/v2/any/repo/tags/list`, { headers: { Authorization: `Bearer ${body.token}` } });
      await tags.arrayBuffer();
      assert.equal(tags.status, 401);
      assert.match(tags.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    } finally {
      await registry.stop();
      await expired.stop();
    }
  });
});
