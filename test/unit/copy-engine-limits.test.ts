// The engine's own bounds and checks on a source's graph: one digest is one node, descriptors are
// checked as manifests are parsed, and no source can make a graph deeper, larger or longer in
// referrers than the limits, however it builds it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { copy } from '../../src/api/copy.js';
import { MAX_GRAPH_DEPTH, MAX_GRAPH_NODES, MAX_REFERRER_GENERATIONS } from '../../src/copy/limits.js';
import type { Descriptor } from '../../src/oci/descriptor.js';
import { MediaType } from '../../src/oci/media-types.js';
import { MemoryTarget } from '../../src/targets/memory.js';
import { addBlob, addImage, addJson } from '../support/memory-images.js';

const index = (manifests: unknown[]) => ({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests });

function source(): MemoryTarget {
  return new MemoryTarget('src');
}

async function copyTag(src: MemoryTarget, dst = new MemoryTarget('dst')) {
  return { dst, result: copy(src, { tags: ['t'] }, dst, { tags: ['t'] }, { referrers: true }) };
}

describe('one digest, one node', () => {
  it('an index listing a manifest first as a blob, then as a manifest, is refused naming both', async () => {
    const src = source();
    const image = addImage(src, [addBlob(src, MediaType.OciLayerGzip, 100)]);
    src.tagged.set('t', addJson(src, MediaType.OciIndex, index([{ ...image, mediaType: 'application/octet-stream' }, image])));
    const { dst, result } = await copyTag(src);
    await assert.rejects(result, (err: Error) => {
      assert.match(
        err.message,
        new RegExp(
          `lists ${image.digest} two ways: as a blob \\(application/octet-stream\\) of ${image.size} bytes in index sha256:[0-9a-f]{64}, and as a manifest \\(${MediaType.OciManifest.replace(/[.+]/g, '\\$&')}\\) of ${image.size} bytes in index`,
        ),
      );
      return true;
    });
    assert.equal(dst.tagged.size, 0, 'nothing tagged');
  });

  it('the same digest with two sizes is refused', async () => {
    const src = source();
    const layer = addBlob(src, MediaType.OciLayerGzip, 100);
    src.tagged.set('t', addImage(src, [layer, { ...layer, size: 99 }]));
    const { dst, result } = await copyTag(src);
    await assert.rejects(
      result,
      /two ways: as a blob .* of 100 bytes in manifest sha256:[0-9a-f]+, and as a blob .* of 99 bytes in manifest/,
    );
    assert.equal(dst.tagged.size, 0);
  });

  it('the same digest as an index and as a manifest is refused', async () => {
    const src = source();
    const inner = addJson(src, MediaType.OciIndex, index([addImage(src, [])]));
    src.tagged.set('t', addJson(src, MediaType.OciIndex, index([inner, { ...inner, mediaType: MediaType.OciManifest }])));
    await assert.rejects((await copyTag(src)).result, /two ways: as an index .* and as a manifest/);
  });

  it('one blob under two media types of one kind (a config reused as a layer) is one node, copied once', async () => {
    const src = source();
    const empty = addBlob(src, MediaType.OciEmpty, Buffer.from('{}'));
    src.tagged.set(
      't',
      addJson(src, MediaType.OciManifest, {
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        config: empty,
        layers: [{ ...empty, mediaType: 'application/vnd.example.layer' }],
      }),
    );
    const { dst, result } = await copyTag(src);
    await result;
    assert.equal(dst.calls.push, 2, 'the blob and the manifest');
  });
});

describe('descriptors checked when a manifest is parsed', () => {
  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    [
      'an upper-case digest',
      { digest: `sha256:${'AB'.repeat(32)}` },
      /layers\[0\] has a digest "sha256:AB.*" that is not sha256:<64 lower-case hex digits>/,
    ],
    ['an unknown algorithm', { digest: `md5:${'ab'.repeat(16)}` }, /uses the algorithm "md5", which is not sha256 or sha512/],
    ['a digest too short', { digest: 'sha256:abc' }, /is not sha256:<64 lower-case hex digits>/],
    ['a sha512 digest of 64 digits', { digest: `sha512:${'ab'.repeat(32)}` }, /is not sha512:<128 lower-case hex digits>/],
    ['a path in the digest', { digest: 'sha256:../../../../etc/passwd' }, /is not of the form <algorithm>:<encoded>/],
    ['a digest that is a number', { digest: 7 }, /has a digest "7" that is not a string/],
    ['a negative size', { size: -1 }, /has a size -1 that is not a whole number/],
    ['a size beyond 2^53', { size: 2 ** 60 }, /has a size 1152921504606847000 that is not a whole number/],
    ['a fractional size', { size: 1.5 }, /size 1.5 that is not a whole number/],
    ['a size in a string', { size: '100' }, /size "100" that is not a whole number/],
    ['no size', { size: undefined }, /lacks a size/],
    ['no media type', { mediaType: undefined }, /lacks a mediaType/],
    ['annotations that are not strings', { annotations: { a: 1 } }, /annotations that are not a map of strings/],
    ['a platform without os', { platform: { architecture: 'amd64' } }, /platform without os and architecture/],
  ];
  for (const [name, change, expected] of bad) {
    it(`${name} fails the copy before the destination is asked anything about it`, async () => {
      const src = source();
      const layer = addBlob(src, MediaType.OciLayerGzip, 10);
      const hostile = { ...layer, ...change };
      src.tagged.set(
        't',
        addJson(src, MediaType.OciManifest, {
          schemaVersion: 2,
          mediaType: MediaType.OciManifest,
          config: addJson(src, MediaType.OciConfig, {}),
          layers: [hostile],
        }),
      );
      const dst = new MemoryTarget('dst');
      await assert.rejects(copy(src, { tags: ['t'] }, dst, { tags: ['t'] }), (err: Error) => {
        assert.match(err.message, /^reading \[memory\] src: manifest sha256:[0-9a-f]{64} is malformed: /);
        assert.match(err.message, expected);
        return true;
      });
      assert.equal(dst.calls.push, 0, 'nothing pushed');
      assert.equal(dst.tagged.size, 0);
    });
  }
});

describe('limits no source can move', () => {
  it(`an index chain deeper than ${MAX_GRAPH_DEPTH} levels is refused, one at the limit is copied`, async () => {
    /** Layers `depth` levels below the root: an image (its layers one level down) under depth - 1 indexes. */
    const chain = (depth: number) => {
      const src = source();
      let top: Descriptor = addImage(src, [addBlob(src, MediaType.OciLayerGzip, 10)]);
      for (let i = 0; i < depth - 1; i++) top = addJson(src, MediaType.OciIndex, index([top]));
      src.tagged.set('t', top);
      return src;
    };
    await (await copyTag(chain(MAX_GRAPH_DEPTH))).result;
    const { dst, result } = await copyTag(chain(MAX_GRAPH_DEPTH + 1));
    await assert.rejects(
      result,
      new RegExp(`lists content more than ${MAX_GRAPH_DEPTH} levels below the root: refusing a graph that deep`),
    );
    assert.equal(dst.tagged.size, 0);
  });

  it(`a graph of more than ${MAX_GRAPH_NODES} nodes is refused before most of it is fetched`, async () => {
    const src = source();
    const config = addJson(src, MediaType.OciConfig, {});
    // Two manifests of half the limit each (one would be over the 4 MiB manifest limit). The layers
    // need not exist to be counted: the limit stops the walk first.
    const half = MAX_GRAPH_NODES / 2;
    const images = [0, 1].map((m) => {
      const layers = Array.from({ length: half }, (_, i) => ({
        mediaType: MediaType.OciLayerGzip,
        digest: `sha256:${(m * half + i).toString(16).padStart(64, '0')}`,
        size: 1,
      }));
      return addJson(src, MediaType.OciManifest, { schemaVersion: 2, mediaType: MediaType.OciManifest, config, layers });
    });
    src.tagged.set('t', addJson(src, MediaType.OciIndex, index(images)));
    const { dst, result } = await copyTag(src);
    await assert.rejects(
      result,
      new RegExp(`has more than ${MAX_GRAPH_NODES} nodes \\(manifest sha256:[0-9a-f]+ lists more\\): refusing a graph that large`),
    );
    assert.ok(src.calls.fetch < 100, `fetched ${src.calls.fetch}`);
    assert.equal(dst.tagged.size, 0);
  });

  it(`referrers more than ${MAX_REFERRER_GENERATIONS} generations deep are refused, and the image is not tagged`, async () => {
    const src = source();
    let subject = addImage(src, [addBlob(src, MediaType.OciLayerGzip, 10)]);
    src.tagged.set('t', subject);
    for (let i = 0; i <= MAX_REFERRER_GENERATIONS; i++) {
      subject = addJson(src, MediaType.OciManifest, {
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        artifactType: 'application/vnd.example.signature',
        config: addBlob(src, MediaType.OciEmpty, Buffer.from('{}')),
        layers: [],
        subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
      });
    }
    const { dst, result } = await copyTag(src);
    await assert.rejects(result, new RegExp(`referrers of referrers more than ${MAX_REFERRER_GENERATIONS} generations deep`));
    assert.equal(dst.tagged.size, 0);
  });
});
