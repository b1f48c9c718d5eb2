import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { MediaType } from '../../src/oci/media-types.js';
import { HttpClient } from '../../src/targets/registry/http.js';
import { openRegistryRepository, type RegistryRepositoryOptions } from '../../src/targets/registry/repository.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { startTokenServer, type TokenServer } from '../support/token-server.js';
import { blob } from '../support/blobs.js';

async function pushImage(r: ReturnType<typeof openRegistryRepository>, seed: string) {
  const config = blob(`{"seed":"${seed}"}`, MediaType.OciConfig);
  const layer = blob(`layer ${seed}`);
  const manifest = blob(
    JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciManifest, config: config.desc, layers: [layer.desc] }),
    MediaType.OciManifest,
  );
  await r.push(config.desc, Readable.from([config.bytes]));
  await r.push(layer.desc, Readable.from([layer.bytes]));
  await r.push(manifest.desc, Readable.from([manifest.bytes]));
  await r.tag(manifest.desc, 'v1');
  return { config, layer, manifest };
}

describe('basic auth (htpasswd)', () => {
  let registry: TestRegistry;
  let http: HttpClient;
  before(async () => {
    registry = await startRegistry({ htpasswd: { user: 'carol', password: 'carol-secret' } });
    http = new HttpClient();
  });
  after(async () => {
    await http.close();
    await registry.stop();
  });
  const open = (repository: string, options: RegistryRepositoryOptions) =>
    openRegistryRepository({ transport: 'registry', registry: registry.host, repository, tags: [] }, { http, ...options });

  it('pushes and resolves with a user and password', async () => {
    const secrets: string[] = [];
    const r = open('basic/app', { username: 'carol', password: 'carol-secret', onSecret: (s) => secrets.push(s) });
    const { manifest } = await pushImage(r, 'basic');
    assert.deepEqual(await r.resolve('v1'), manifest.desc);
    assert.ok(secrets.includes('carol-secret'));
  });

  it('reads credentials from DOCKER_CONFIG', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oci-copy-docker-config-'));
    try {
      const auth = Buffer.from('carol:carol-secret').toString('base64');
      await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { [`http://${registry.host}`]: { auth } } }));
      const r = open('basic/app', { env: { DOCKER_CONFIG: dir } });
      assert.equal((await r.resolve('v1')).mediaType, MediaType.OciManifest);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails with one line naming the place, never the password', async () => {
    const r = open('basic/app', { username: 'carol', password: 'wrong-password-123' });
    await assert.rejects(r.resolve('v1'), (err: Error) => {
      assert.match(err.message, new RegExp(`resolving ${registry.host}/basic/app:v1: 401 Unauthorized`));
      assert.match(
        err.message,
        new RegExp(`: the credentials for ${registry.host} \\(from the given username and password\\) were refused`),
      );
      assert.ok(!err.message.includes('wrong-password-123'));
      assert.ok(!err.message.includes(Buffer.from('carol:wrong-password-123').toString('base64')));
      return true;
    });
    const anonymous = open('basic/app', { env: { DOCKER_CONFIG: '/nonexistent' } });
    await assert.rejects(
      anonymous.resolve('v1'),
      new RegExp(
        `401 Unauthorized .*: no credentials for ${registry.host}: looked in the given username and password \\(none given\\), /nonexistent/config\\.json \\(no such file\\)$`,
      ),
    );
  });
});

describe('bearer token auth', () => {
  let tokens: TokenServer;
  let registry: TestRegistry;
  let http: HttpClient;
  before(async () => {
    tokens = await startTokenServer({
      users: {
        alice: { password: 'alice-secret', access: (repo) => (repo.startsWith('team/') ? ['pull', 'push'] : []) },
      },
      anonymous: (repo) => (repo.startsWith('public/') ? ['pull'] : []),
      expiresIn: 2,
    });
    registry = await startRegistry({ authYaml: tokens.authYaml });
    http = new HttpClient();
  });
  after(async () => {
    await http.close();
    await registry?.stop();
    await tokens?.stop();
  });
  const open = (repository: string, options: RegistryRepositoryOptions = {}) =>
    openRegistryRepository(
      { transport: 'registry', registry: registry.host, repository, tags: [] },
      { http, username: 'alice', password: 'alice-secret', ...options },
    );

  it('gets a token per scope set, caches it, and renews it when it expires', async () => {
    const secrets: string[] = [];
    const r = open('team/src', { onSecret: (s) => secrets.push(s) });
    tokens.resetRequests();
    const { manifest } = await pushImage(r, 'token');
    const pushes = tokens.requests().filter((q) => q.scopes.includes('repository:team/src:pull,push'));
    assert.equal(pushes.length, 1, 'one token for every push of the image');
    assert.equal(pushes[0].grant, 'basic');
    tokens.resetRequests();
    assert.deepEqual(await r.resolve('v1'), manifest.desc);
    assert.deepEqual(await r.resolve('v1'), manifest.desc);
    assert.deepEqual(
      tokens.requests().map((q) => q.scopes),
      [['repository:team/src:pull']],
    );
    assert.ok(secrets.length >= 3, 'the password and each token are reported as secrets');
    await new Promise((res) => setTimeout(res, 2100));
    tokens.resetRequests();
    assert.deepEqual(await r.resolve('v1'), manifest.desc);
    assert.equal(tokens.requests().length, 1, 'an expired token is renewed');
  });

  it('mounts with one token for the destination push and the source pull', async () => {
    const src = open('team/src');
    const dst = open('team/dst');
    const { layer } = await pushImage(src, 'mount-src');
    tokens.resetRequests();
    assert.equal(await dst.mount(layer.desc, 'team/src'), 'mounted');
    assert.deepEqual(
      tokens.requests().map((q) => q.scopes.sort()),
      [['repository:team/dst:pull,push', 'repository:team/src:pull'].sort()],
    );
    assert.equal(await dst.exists(layer.desc), true);
  });

  it('treats a mount from a repository the token cannot read as refused', async () => {
    const dst = open('team/dst');
    const { layer } = { layer: blob('unreadable source') };
    assert.equal(await dst.mount(layer.desc, 'private/x', async () => Readable.from([layer.bytes])), 'refused');
    await dst.push(layer.desc, Readable.from([layer.bytes]));
    assert.equal(await dst.exists(layer.desc), true);
  });

  it('pulls anonymously where the policy allows', async () => {
    const anon = openRegistryRepository(
      { transport: 'registry', registry: registry.host, repository: 'public/app', tags: [] },
      { http, env: { DOCKER_CONFIG: '/nonexistent' } },
    );
    await assert.rejects(anon.resolve('v1'), /public\/app:v1 not found/);
  });

  it('exchanges an identity token from the Docker config for access tokens', async () => {
    const res = await fetch(`${tokens.realm}?service=${tokens.service}&offline_token=true&scope=repository:team/src:pull`, {
      headers: { authorization: `Basic ${Buffer.from('alice:alice-secret').toString('base64')}` },
    });
    const { refresh_token: refresh } = (await res.json()) as { refresh_token: string };
    assert.ok(refresh);
    const dir = await mkdtemp(join(tmpdir(), 'oci-copy-docker-config-'));
    try {
      await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { [registry.host]: { identitytoken: refresh } } }));
      const r = openRegistryRepository(
        { transport: 'registry', registry: registry.host, repository: 'team/src', tags: [] },
        { http, env: { DOCKER_CONFIG: dir } },
      );
      tokens.resetRequests();
      assert.equal((await r.resolve('v1')).mediaType, MediaType.OciManifest);
      assert.ok(tokens.requests().some((q) => q.grant === 'refresh_token' && q.status === 200));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
