import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { copy, copyToMany } from '../../src/api/copy.js';
import type { CopyEvent } from '../../src/copy/events.js';
import type { Descriptor } from '../../src/oci/descriptor.js';
import { ContentError, CopyError, NotFoundError } from '../../src/oci/errors.js';
import { MediaType } from '../../src/oci/media-types.js';
import { MemoryTarget } from '../../src/targets/memory.js';
import { addBlob, addImage, addJson, addMultiPlatformImage } from '../support/memory-images.js';

function collect(): { events: CopyEvent[]; onEvent: (e: CopyEvent) => void } {
  const events: CopyEvent[] = [];
  return { events, onEvent: (e) => events.push(e) };
}

function doneActions(events: CopyEvent[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of events) if (e.type === 'done') out.set(e.node.digest, e.action);
  return out;
}

describe('copy engine', () => {
  it('copies a multi-platform index, each shared node once, children before parents', async () => {
    const src = new MemoryTarget('src');
    const { index, shared } = addMultiPlatformImage(src, 'v1');
    const dst = new MemoryTarget('dst');
    const { events, onEvent } = collect();
    const root = await copy(src, { tags: ['v1'] }, dst, { tags: [] }, { onEvent });
    assert.equal(root.digest, index.digest);
    assert.equal(dst.blobs.size, src.blobs.size);
    for (const [digest, b] of src.blobs) assert.deepEqual(dst.blobs.get(digest)?.content, b.content);
    assert.equal((await dst.resolve('v1')).digest, index.digest, 'destination takes the source tag');
    const done = events.filter((e) => e.type === 'done').map((e) => e.node.digest);
    assert.equal(new Set(done).size, done.length, 'one done event per node');
    assert.equal(done.length, src.blobs.size);
    assert.equal(done.at(-1), index.digest, 'the root comes last');
    assert.equal(events.filter((e) => e.type === 'started' && e.node.digest === shared.digest).length, 1, 'shared layer moved once');
  });

  it('reports every node exists on a second copy and pushes nothing', async () => {
    const src = new MemoryTarget('src');
    addMultiPlatformImage(src, 'v1');
    const dst = new MemoryTarget('dst');
    await copy(src, { tags: ['v1'] }, dst, { tags: ['v1'] });
    const pushes = dst.calls.push;
    const { events, onEvent } = collect();
    await copy(src, { tags: ['v1'] }, dst, { tags: ['v1'] }, { onEvent });
    assert.equal(dst.calls.push, pushes);
    const actions = doneActions(events);
    assert.equal(actions.size, src.blobs.size);
    assert.ok([...actions.values()].every((a) => a === 'exists'));
  });

  it('keeps at most `concurrency` transfers in flight', async () => {
    const src = new MemoryTarget('src');
    const layers = Array.from({ length: 12 }, () => addBlob(src, MediaType.OciLayerGzip, 100));
    const m = addImage(src, layers);
    src.tagged.set('t', m);
    let inFlight = 0;
    let peak = 0;
    const dst = new MemoryTarget('dst');
    const push = dst.push.bind(dst);
    dst.push = async (desc, content) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      try {
        return await push(desc, content);
      } finally {
        inFlight--;
      }
    };
    await copy(src, { tags: ['t'] }, dst, { tags: [] }, { concurrency: 3 });
    assert.equal(peak, 3);
  });

  it('fails on tampered content, names the blob, and tags nothing', async () => {
    const src = new MemoryTarget('src');
    const layer = addBlob(src, MediaType.OciLayerGzip, 500);
    const m = addImage(src, [layer]);
    src.tagged.set('t', m);
    src.blobs.get(layer.digest)!.content[10] ^= 0xff;
    const dst = new MemoryTarget('dst');
    await assert.rejects(copy(src, { tags: ['t'] }, dst, { tags: ['t'] }), (err: unknown) => {
      assert.ok(err instanceof CopyError);
      assert.equal(err.side, 'source');
      assert.ok(err.cause instanceof ContentError);
      assert.match(err.message, new RegExp(`fetching blob ${layer.digest}.*digest mismatch`));
      return true;
    });
    assert.equal(dst.tagged.size, 0);
    assert.ok(!dst.blobs.has(layer.digest), 'the bad blob is not stored');
    assert.ok(!dst.blobs.has(m.digest), 'its manifest is not pushed');
  });

  it('refuses a manifest over 4 MiB', async () => {
    const src = new MemoryTarget('src');
    const big = addJson(src, MediaType.OciManifest, {
      schemaVersion: 2,
      config: { mediaType: 'x', digest: `sha256:${'0'.repeat(64)}`, size: 1 },
      layers: [],
      pad: 'x'.repeat(4 * 1024 * 1024),
    });
    src.tagged.set('t', big);
    await assert.rejects(copy(src, { tags: ['t'] }, new MemoryTarget(), { tags: [] }), /over the 4194304-byte limit/);
  });

  it('copies one platform of an index and tags that manifest', async () => {
    const src = new MemoryTarget('src');
    const { index } = addMultiPlatformImage(src, 'v1');
    const dst = new MemoryTarget('dst');
    const root = await copy(src, { tags: ['v1'] }, dst, { tags: ['arm'] }, { platform: { os: 'linux', architecture: 'arm64' } });
    assert.notEqual(root.digest, index.digest);
    assert.equal((await dst.resolve('arm')).digest, root.digest);
    assert.ok(!dst.blobs.has(index.digest));
    assert.equal(dst.blobs.size, 4, 'manifest, config, shared and arm layer only');
    await assert.rejects(
      copy(src, { tags: ['v1'] }, new MemoryTarget(), { tags: [] }, { platform: { os: 'linux', architecture: 's390x' } }),
      (err: unknown) => err instanceof NotFoundError && /linux\/amd64, linux\/arm64\/v8/.test(err.message),
    );
  });

  it('lets a successor function filter the graph', async () => {
    const src = new MemoryTarget('src');
    const { index } = addMultiPlatformImage(src, 'v1');
    const dst = new MemoryTarget('dst');
    const seen: string[] = [];
    await copy(
      src,
      { tags: ['v1'] },
      dst,
      { tags: [] },
      {
        dryRun: true,
        successors: (node, content) => {
          seen.push(node.digest);
          return content ? (JSON.parse(Buffer.from(content).toString()).manifests?.slice(0, 1) ?? []) : [];
        },
      },
    );
    assert.deepEqual(seen.slice(0, 1), [index.digest]);
    assert.equal(dst.blobs.size, 0, 'a dry run writes nothing');
  });

  it('tags several references and a digest-only destination with the digest', async () => {
    const src = new MemoryTarget('src');
    const { index } = addMultiPlatformImage(src, 'v1');
    const dst = new MemoryTarget('dst');
    await copy(src, { tags: ['v1'] }, dst, { tags: ['1.2.3', '1.2', 'latest'] });
    assert.deepEqual((await dst.tags()).sort(), ['1.2', '1.2.3', 'latest']);
    const byDigest = new MemoryTarget('d2');
    await copy(src, { tags: [], digest: index.digest }, byDigest, { tags: [] });
    assert.equal(byDigest.calls.tag, 1);
    await assert.rejects(
      copy(src, { tags: ['v1'] }, new MemoryTarget(), { tags: [], digest: `sha256:${'a'.repeat(64)}` }),
      /does not match the source/,
    );
  });

  it('retries a push whose failure the target marks retryable, with fresh content', async () => {
    const src = new MemoryTarget('src');
    const layer = addBlob(src, MediaType.OciLayerGzip, 1000);
    src.tagged.set('t', addImage(src, [layer]));
    const dst = new MemoryTarget('dst');
    const push = dst.push.bind(dst);
    let failures = 0;
    dst.push = async (desc: Descriptor, content: Readable) => {
      if (desc.digest === layer.digest && failures++ === 0) {
        content.destroy();
        throw Object.assign(new Error('connection reset'), { retryable: true });
      }
      return push(desc, content);
    };
    await copy(src, { tags: ['t'] }, dst, { tags: ['t'] });
    assert.equal(failures, 2);
    assert.ok(dst.blobs.has(layer.digest));
    assert.equal(src.calls.fetch, 4, 'manifest and config once, the layer twice');
  });

  it('pushes children again when the registry lost one, then the manifest once more', async () => {
    const src = new MemoryTarget('src');
    const layer = addBlob(src, MediaType.OciLayerGzip, 100);
    const m = addImage(src, [layer]);
    src.tagged.set('t', m);
    const dst = new MemoryTarget('dst');
    const push = dst.push.bind(dst);
    let lost = false;
    dst.push = async (desc: Descriptor, content: Readable) => {
      if (desc.digest === m.digest && !lost) {
        lost = true;
        dst.blobs.delete(layer.digest);
        for await (const _ of content);
        throw Object.assign(new Error('manifest blob unknown'), { code: 'MANIFEST_BLOB_UNKNOWN' });
      }
      return push(desc, content);
    };
    await copy(src, { tags: ['t'] }, dst, { tags: ['t'] });
    assert.ok(dst.blobs.has(layer.digest));
    assert.equal((await dst.resolve('t')).digest, m.digest);
  });

  it('names a tag that is not there', async () => {
    const src = new MemoryTarget('src');
    addMultiPlatformImage(src, 'v1');
    await assert.rejects(copy(src, { tags: ['nope'] }, new MemoryTarget(), { tags: [] }), /tag nope is not in \[memory\] src: it has v1/);
  });

  it('copies referrers of the copied manifests, and their referrers, only when asked', async () => {
    const src = new MemoryTarget('src');
    const { index } = addMultiPlatformImage(src, 'v1');
    const sbomBlob = addBlob(src, 'application/spdx+json', Buffer.from('{"spdx":true}'));
    const sbom = addJson(src, MediaType.OciManifest, {
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      artifactType: 'application/spdx+json',
      config: { mediaType: MediaType.OciEmpty, digest: addBlob(src, MediaType.OciEmpty, Buffer.from('{}')).digest, size: 2 },
      layers: [sbomBlob],
      subject: { mediaType: index.mediaType, digest: index.digest, size: index.size },
    });
    const sigBlob = addBlob(src, 'application/vnd.dev.cosign.simplesigning.v1+json', 64);
    const sig = addJson(src, MediaType.OciManifest, {
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      artifactType: 'application/vnd.dev.sig',
      config: { mediaType: MediaType.OciEmpty, digest: addBlob(src, MediaType.OciEmpty, Buffer.from('{}')).digest, size: 2 },
      layers: [sigBlob],
      subject: { mediaType: sbom.mediaType, digest: sbom.digest, size: sbom.size },
    });
    const without = new MemoryTarget('plain');
    await copy(src, { tags: ['v1'] }, without, { tags: [] });
    assert.ok(!without.blobs.has(sbom.digest));
    const dst = new MemoryTarget('dst');
    await copy(src, { tags: ['v1'] }, dst, { tags: [] }, { referrers: true });
    for (const d of [sbom, sig, sbomBlob, sigBlob]) assert.ok(dst.blobs.has(d.digest), `${d.digest} copied`);
    assert.deepEqual(
      (await dst.referrers(index)).map((r) => r.digest),
      [sbom.digest],
    );
  });

  it('copies one resolved root to several destinations, reading each manifest and blob from the source once', async () => {
    const src = new MemoryTarget('src');
    const { index } = addMultiPlatformImage(src, 'v1');
    const a = new MemoryTarget('a');
    const b = new MemoryTarget('b');
    const seen: Record<string, number> = { a: 0, b: 0 };
    const root = await copyToMany(src, { tags: ['v1'] }, [
      { target: a, ref: { tags: ['x'] }, onEvent: (e) => e.type === 'done' && seen.a++ },
      { target: b, ref: { tags: [] }, onEvent: (e) => e.type === 'done' && seen.b++ },
    ]);
    assert.equal(root.digest, index.digest);
    assert.equal((await a.resolve('x')).digest, index.digest);
    assert.equal((await b.resolve('v1')).digest, index.digest);
    assert.deepEqual(seen, { a: src.blobs.size, b: src.blobs.size });
    const manifests = [...src.blobs.values()].filter(
      (x) => x.desc.mediaType.includes('manifest') || x.desc.mediaType.includes('index'),
    ).length;
    const layersAndConfigs = src.blobs.size - manifests;
    assert.equal(src.calls.fetch, manifests + layersAndConfigs, 'each fetched once: the second destination reads the blobs from the first');
    assert.ok(a.calls.fetch >= layersAndConfigs, 'from the first destination');
  });
});
