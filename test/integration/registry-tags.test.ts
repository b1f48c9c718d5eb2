// Tag lists from a real registry, read whole and through a front that pages them as GHCR and
// Docker Hub do, with relative and absolute `Link` headers.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NotFoundError } from '../../src/oci/errors.js';
import { openRegistryRepository } from '../../src/targets/registry/index.js';
import { makeImageLayout, pushLayoutWithSkopeo } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { addTags, startTagPagingProxy, type TagPagingProxy } from '../support/tag-pages.js';

describe('tag lists', () => {
  let registry: TestRegistry;
  let paging: TagPagingProxy;
  let absolute: TagPagingProxy;
  let work: string;
  let rootDigest: string;
  const tags = Array.from({ length: 23 }, (_, i) => `1.${i}.0`);

  before(async () => {
    registry = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'oci-copy-tags-'));
    const image = await makeImageLayout(join(work, 'img'), {
      tag: 'v1',
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 1000 }] }],
    });
    await pushLayoutWithSkopeo(image.dir, 'v1', `${registry.host}/lib/app`);
    rootDigest = image.root.digest;
    await addTags(registry.url, 'lib/app', 'v1', tags);
    paging = await startTagPagingProxy(registry.url, 5);
    absolute = await startTagPagingProxy(registry.url, 10, { absoluteLinks: true });
  });
  after(async () => {
    await paging?.stop();
    await absolute?.stop();
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const list = async (host: string, repo = 'lib/app') => {
    const r = openRegistryRepository({ transport: 'registry', registry: host, repository: repo, tags: [] });
    try {
      return await r.tags();
    } finally {
      await r.close('success');
    }
  };

  it('reads every tag of a registry that answers at once', async () => {
    assert.deepEqual((await list(registry.host)).sort(), [...tags, 'v1'].sort());
  });

  it('follows relative Link pages to the end', async () => {
    paging.reset();
    assert.deepEqual(await list(paging.host), [...tags, 'v1'].sort());
    assert.equal(paging.pages().length, 5, `24 tags in pages of 5: ${paging.pages().join(' ')}`);
    assert.match(paging.pages()[1], /[?&]last=/);
  });

  it('follows absolute Link pages on the same origin', async () => {
    absolute.reset();
    assert.equal((await list(absolute.host)).length, 24);
    assert.equal(absolute.pages().length, 3);
  });

  const open = (host: string) => openRegistryRepository({ transport: 'registry', registry: host, repository: 'lib/app', tags: [] });

  it('reads what a tag names with a HEAD alone', async () => {
    const r = open(registry.host);
    await registry.resetRequests();
    try {
      assert.equal((await r.readTag('1.3.0'))?.digest, rootDigest);
      assert.equal(await r.readTag('no-such-tag'), undefined);
    } finally {
      await r.close('success');
    }
    const seen = (await registry.settledRequests()).map((q) => `${q.method} ${q.path}`);
    assert.deepEqual(seen, ['HEAD /v2/lib/app/manifests/1.3.0', 'HEAD /v2/lib/app/manifests/no-such-tag']);
  });

  it('asks with a GET when the HEAD answer has no digest', async () => {
    const bare = await startTagPagingProxy(registry.url, 100, { noDigestOnHead: true });
    const r = open(bare.host);
    await registry.resetRequests();
    try {
      assert.equal((await r.readTag('v1'))?.digest, rootDigest);
    } finally {
      await r.close('success');
      await bare.stop();
    }
    const seen = (await registry.settledRequests()).map((q) => q.method);
    assert.deepEqual(seen, ['HEAD', 'GET']);
  });

  it('says which repository is missing', async () => {
    await assert.rejects(
      list(registry.host, 'no/such'),
      (err: Error) => err instanceof NotFoundError && /repository 127\.0\.0\.1:[0-9]+\/no\/such not found/.test(err.message),
    );
  });
});
