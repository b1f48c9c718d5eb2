// Removing one tag from a real registry, the regctl way (a throwaway manifest pointed at by the tag,
// then deleted by digest): the manifest the tag named stays, and so does every other tag naming it.
// Registries that do not delete through the API refuse with one line, before any tag is touched.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copy } from '../../src/api/copy.js';
import { TagRemovalRefusedError } from '../../src/oci/errors.js';
import { openRegistryRepository, type RegistryRepository } from '../../src/targets/registry/index.js';
import { openLayout } from '../../src/targets/layout/layout.js';
import { isTagRemover } from '../../src/targets/target.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { makeImageLayout, pushImageOverHttp, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { addTags } from '../support/tag-pages.js';
import { startTokenServer, type TokenServer } from '../support/token-server.js';

const ACCEPT = 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json';

describe('removing a tag from a registry', () => {
  let registry: TestRegistry;
  let noDeletes: TestRegistry;
  let tokens: TokenServer;
  let withTokens: TestRegistry;
  let proxy: FaultProxy;
  let work: string;
  let shared: ImageLayout;
  let other: ImageLayout;

  const open = (host: string, repository = 'lib/app', options = {}): RegistryRepository =>
    openRegistryRepository({ transport: 'registry', registry: host, repository, tags: [] }, options);

  /** Pushes both images to `repo`: `shared` under a, b and c; `other` under o. */
  const seed = async (url: string, repo: string) => {
    await pushImageOverHttp(shared, url, repo, 'a');
    await pushImageOverHttp(other, url, repo, 'o');
    await addTags(url, repo, 'a', ['b', 'c']);
  };

  const tagsOf = async (url: string, repo: string) => {
    const res = await fetch(`${url}/v2/${repo}/tags/list`);
    return (((await res.json()) as { tags?: string[] }).tags ?? []).sort();
  };

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-untag-'));
    shared = await makeImageLayout(join(work, 'shared'), {
      tag: 'a',
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 3000 }] }],
    });
    other = await makeImageLayout(join(work, 'other'), {
      tag: 'o',
      platforms: [{ os: 'linux', architecture: 'arm64', layers: [{ size: 2000 }] }],
    });
    tokens = await startTokenServer({
      users: { alice: { password: 'alice-secret', access: () => ['pull', 'push'] } },
      anonymous: () => ['pull'],
    });
    [registry, noDeletes, withTokens] = await Promise.all([
      startRegistry(),
      startRegistry({ deletes: false }),
      startRegistry({ authYaml: tokens.authYaml }),
    ]);
    proxy = await startFaultProxy(registry.url);
  });
  after(async () => {
    await proxy?.stop();
    await Promise.all([registry?.stop(), noDeletes?.stop(), withTokens?.stop()]);
    await tokens?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('removes the tag alone: the manifest and the other tags naming it stay', async () => {
    await seed(registry.url, 'lib/app');
    const repo = open(registry.host);
    assert.ok(isTagRemover(repo));
    await registry.resetRequests();
    try {
      assert.equal(await repo.removeTag('a', { expected: shared.root.digest }), 'removed');
    } finally {
      await repo.close('success');
    }
    const seen = await registry.settledRequests();
    assert.deepEqual(await tagsOf(registry.url, 'lib/app'), ['b', 'c', 'o']);
    // The manifest is still there by digest, and b and c still name it.
    const byDigest = await fetch(`${registry.url}/v2/lib/app/manifests/${shared.root.digest}`, { headers: { accept: ACCEPT } });
    await byDigest.arrayBuffer();
    assert.equal(byDigest.status, 200);
    for (const tag of ['b', 'c']) {
      const head = await fetch(`${registry.url}/v2/lib/app/manifests/${tag}`, { method: 'HEAD', headers: { accept: ACCEPT } });
      assert.equal(head.headers.get('docker-content-digest'), shared.root.digest, `${tag} still names the shared manifest`);
    }
    // Its layer is still there too.
    const layer = shared.manifests[0].layers[0];
    assert.equal((await fetch(`${registry.url}/v2/lib/app/blobs/${layer.digest}`, { method: 'HEAD' })).status, 200);
    // No DELETE ever named the manifest's digest; one asked whether deletes work, one removed the throwaway.
    const deletes = seen.filter((r) => r.method === 'DELETE');
    assert.ok(
      deletes.every((r) => !r.path.includes(shared.root.digest)),
      deletes.map((r) => r.path).join(' '),
    );
    assert.deepEqual(
      deletes.map((r) => r.status),
      [404, 202],
    );
    const put = seen.filter((r) => r.method === 'PUT' && r.path.includes('/manifests/'));
    assert.deepEqual(
      put.map((r) => r.path),
      ['/v2/lib/app/manifests/a'],
    );
  });

  it('asks once per repository, and leaves absent and moved tags alone', async () => {
    await seed(registry.url, 'lib/twice');
    const repo = open(registry.host, 'lib/twice');
    try {
      assert.equal(await repo.removeTag('no-such-tag'), 'absent');
      assert.equal(await repo.removeTag('o', { expected: shared.root.digest }), 'moved');
      await registry.resetRequests();
      assert.equal(await repo.removeTag('a'), 'removed');
      assert.equal(await repo.removeTag('b'), 'removed');
    } finally {
      await repo.close('success');
    }
    const deletes = (await registry.settledRequests()).filter((r) => r.method === 'DELETE');
    assert.equal(deletes.length, 3, 'one question, then one DELETE per tag');
    assert.deepEqual(await tagsOf(registry.url, 'lib/twice'), ['c', 'o']);
    // The image both removed tags named is still whole: c still pulls it.
    const head = await fetch(`${registry.url}/v2/lib/twice/manifests/c`, { method: 'HEAD', headers: { accept: ACCEPT } });
    assert.equal(head.headers.get('docker-content-digest'), shared.root.digest);
  });

  it('refuses in one line when the registry does not delete, before touching the tag', async () => {
    await seed(noDeletes.url, 'lib/app');
    const repo = open(noDeletes.host);
    await noDeletes.resetRequests();
    try {
      await assert.rejects(repo.removeTag('a'), (err: Error) => {
        assert.ok(err instanceof TagRemovalRefusedError, `${err.name}: ${err.message}`);
        assert.equal(
          err.message,
          `registry ${noDeletes.host} does not allow deleting tags through the registry API (405 UNSUPPORTED): prune skipped`,
        );
        return true;
      });
      // Asked once: the refusal is remembered for the repository.
      await assert.rejects(repo.removeTag('b'), TagRemovalRefusedError);
    } finally {
      await repo.close('success');
    }
    const seen = await noDeletes.settledRequests();
    assert.equal(seen.filter((r) => r.method === 'DELETE').length, 1);
    assert.equal(seen.filter((r) => r.method === 'PUT').length, 0, 'no tag was touched');
    assert.deepEqual(await tagsOf(noDeletes.url, 'lib/app'), ['a', 'b', 'c', 'o']);
  });

  it('points the tag back when the throwaway cannot be deleted after all', async () => {
    await seed(registry.url, 'lib/back');
    // The question passes (the registry's own 404); the DELETE of the throwaway gets a 404 as ECR answers.
    proxy.reset();
    proxy.addFault({
      method: 'DELETE',
      path: /\/v2\/lib\/back\/manifests\//,
      nth: 2,
      fault: { kind: 'status', status: 404, body: '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}' },
    });
    const repo = open(proxy.host, 'lib/back');
    try {
      await assert.rejects(repo.removeTag('a'), (err: Error) => {
        assert.ok(err instanceof TagRemovalRefusedError, `${err.name}: ${err.message}`);
        assert.match(
          err.message,
          /^registry 127\.0\.0\.1:\d+ does not allow deleting tags through the registry API \(404 MANIFEST_UNKNOWN\): prune skipped$/,
        );
        return true;
      });
    } finally {
      await repo.close('success');
    }
    const head = await fetch(`${registry.url}/v2/lib/back/manifests/a`, { method: 'HEAD', headers: { accept: ACCEPT } });
    assert.equal(head.headers.get('docker-content-digest'), shared.root.digest, 'a names what it named before');
    assert.equal(proxy.fired().length, 1);
  });

  it('takes a DELETE whose answer was lost, and whose retry finds nothing, as done', async () => {
    await seed(registry.url, 'lib/lost');
    proxy.reset();
    // The registry deletes the throwaway; the answer never reaches the client, which asks again.
    proxy.addFault({ method: 'DELETE', path: /\/v2\/lib\/lost\/manifests\//, nth: 2, fault: { kind: 'reset-response', afterBytes: 0 } });
    const repo = open(proxy.host, 'lib/lost');
    try {
      assert.equal(await repo.removeTag('a'), 'removed');
    } finally {
      await repo.close('success');
    }
    assert.equal(proxy.fired().length, 1);
    assert.deepEqual(await tagsOf(registry.url, 'lib/lost'), ['b', 'c', 'o']);
  });

  it('names the credentials when a token without delete rights is refused', async () => {
    // alice may pull and push: the image goes in through the client itself, then the DELETE is refused.
    const repo = open(withTokens.host, 'team/app', { username: 'alice', password: 'alice-secret' });
    try {
      await copy(await openLayout(shared.dir), { tags: ['a'] }, repo, { tags: ['a'] });
      await assert.rejects(repo.removeTag('a'), (err: Error) => {
        assert.ok(err instanceof TagRemovalRefusedError, `${err.name}: ${err.message}`);
        assert.match(
          err.message,
          /^registry 127\.0\.0\.1:\d+ does not let these credentials delete in team\/app \(401 UNAUTHORIZED\): prune skipped; give credentials with the delete permission$/,
        );
        return true;
      });
      assert.equal((await repo.readTag('a'))?.digest, shared.root.digest, 'the tag was not touched');
    } finally {
      await repo.close('success');
    }
    const asked = tokens.requests().flatMap((r) => r.scopes);
    assert.ok(asked.includes('repository:team/app:delete'), `the DELETE asked for the delete scope: ${asked.join(' ')}`);
  });

  it('refuses on GHCR and Docker Hub without a request', async () => {
    for (const host of ['ghcr.io', 'docker.io']) {
      const repo = open(host, 'acme/app');
      try {
        await assert.rejects(repo.removeTag('old'), (err: Error) => {
          assert.ok(err instanceof TagRemovalRefusedError);
          assert.match(
            err.message,
            new RegExp(
              `^registry ${host.replace('.', '\\.')} does not allow deleting tags through the registry API \\((GHCR|Docker Hub) deletes .* API\\): prune skipped$`,
            ),
          );
          return true;
        });
      } finally {
        await repo.close('success');
      }
    }
  });
});

describe('removing a tag from a layout', () => {
  it('drops the tag from index.json and keeps the other tags and the blobs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oci-copy-untag-layout-'));
    try {
      const image = await makeImageLayout(dir, { tag: 'a', platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 500 }] }] });
      const layout = await openLayout(dir);
      await layout.tag(image.root, 'b');
      assert.equal(await layout.removeTag('a', { expected: `sha256:${'0'.repeat(64)}` }), 'moved');
      assert.equal(await layout.removeTag('a'), 'removed');
      assert.equal(await layout.removeTag('a'), 'absent');
      assert.deepEqual(await layout.tags(), ['b']);
      assert.equal((await layout.readTag('b'))?.digest, image.root.digest);
      assert.ok(await layout.exists(image.root));
      await layout.close('success');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
