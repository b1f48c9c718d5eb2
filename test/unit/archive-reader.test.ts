import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { copy } from '../../src/api/copy.js';
import { VerifyingStream } from '../../src/oci/digest.js';
import { ContentError, NotFoundError } from '../../src/oci/errors.js';
import { openArchiveStream, type OciArchiveReader } from '../../src/targets/archive/reader.js';
import { openLayout } from '../../src/targets/layout/layout.js';
import { readAll, sha } from '../support/blobs.js';
import { archiveOpener, blobName, image, tarOf, type TarEntry } from '../support/tar-entries.js';

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'archive-reader-test-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

const openBoth = archiveOpener(() => work);

describe('archive reader: well-formed archives', () => {
  it('reads an archive whose index.json comes last, from a file and from a pipe', async () => {
    const img = image(['v1']);
    const tar = await tarOf([
      { name: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' },
      ...img.blobs,
      { name: 'index.json', body: img.index },
    ]);
    const a = await openBoth(tar, 'last');
    for (const open of [a.file, a.pipe]) {
      const r = await open();
      assert.deepEqual(await r.tags(), ['v1']);
      assert.equal((await r.resolve('v1')).digest, img.root.digest);
      assert.equal((await r.resolve(undefined)).digest, img.root.digest);
      assert.deepEqual(await readAll(await r.fetch({ ...img.root })), img.manifest);
      const layer = { mediaType: 'x', digest: sha(img.layer), size: img.layer.length };
      assert.deepEqual(await readAll(await r.fetch(layer)), img.layer);
      assert.equal(await r.exists(layer), true);
      assert.equal(await r.exists({ ...layer, digest: sha('other') }), false);
      await r.close('success');
    }
    assert.deepEqual(await readdir(a.spool), [], 'the spool directory is removed at close');
  });

  it('accepts ./ prefixes and directory entries, and ignores manifest.json, repositories and unknown files', async () => {
    const img = image(['v1']);
    const tar = await tarOf([
      { name: './', type: 'directory' },
      { name: './index.json', body: img.index },
      { name: './blobs/', type: 'directory' },
      { name: './blobs/sha256/', type: 'directory' },
      ...img.blobs.map((b) => ({ ...b, name: `./${b.name}` })),
      { name: 'manifest.json', body: '[]' },
      { name: 'repositories', body: '{}' },
      { name: 'README.txt', body: 'hello' },
    ]);
    const a = await openBoth(tar, 'prefixes');
    for (const open of [a.file, a.pipe]) {
      const r = await open();
      assert.equal((await r.resolve('v1')).digest, img.root.digest);
      assert.equal(r.blobs().length, 3);
      await r.close('success');
    }
  });

  it('reads entries behind pax extended headers at the right offsets', async () => {
    const img = image(['v1']);
    const tar = await tarOf([
      ...img.blobs.map((b) => ({ ...b, pax: { mtime: '1700000000.5', 'SCHILY.xattr.user.note': 'x'.repeat(300) } })),
      { name: 'index.json', body: img.index },
    ]);
    const a = await openBoth(tar, 'pax');
    const r = await a.file();
    const layer = { mediaType: 'x', digest: sha(img.layer), size: img.layer.length };
    assert.deepEqual(await readAll(await r.fetch(layer)), img.layer);
    assert.deepEqual(await readAll(await r.fetch(img.root)), img.manifest);
    await r.close('success');
  });

  it('resolves a child manifest by digest even when index.json does not list it', async () => {
    const img = image(['v1']);
    const tar = await tarOf([...img.blobs, { name: 'index.json', body: JSON.stringify({ schemaVersion: 2, manifests: [] }) }]);
    const a = await openBoth(tar, 'sniff');
    const r = await a.file();
    const d = await r.resolve(img.root.digest);
    assert.equal(d.mediaType, 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(d.size, img.root.size);
    await r.close('success');
  });
});

describe('archive reader: hostile and broken archives', () => {
  const cases: Array<{ name: string; entries: () => TarEntry[]; error: RegExp }> = [
    { name: 'a ../ traversal entry', entries: () => [{ name: '../evil', body: 'x' }], error: /"\.\.\/evil".*refusing/ },
    { name: 'a nested traversal entry', entries: () => [{ name: 'blobs/../../evil', body: 'x' }], error: /"blobs\/\.\.\/\.\.\/evil"/ },
    { name: 'an absolute path', entries: () => [{ name: '/tmp/evil', body: 'x' }], error: /absolute path "\/tmp\/evil"/ },
    {
      name: 'a symlink to an absolute path',
      entries: () => [{ name: 'blobs/sha256/link', type: 'symlink', linkname: '/etc/passwd' }],
      error: /link entry "blobs\/sha256\/link" -> "\/etc\/passwd"/,
    },
    {
      name: 'a hard link to an entry the archive lacks',
      entries: () => [{ name: 'index.json', type: 'link', linkname: 'oci-layout' }],
      error: /link entry "index.json"/,
    },
    { name: 'a device entry', entries: () => [{ name: 'dev', type: 'character-device' }], error: /character-device entry "dev"/ },
    { name: 'a fifo entry', entries: () => [{ name: 'pipe', type: 'fifo' }], error: /fifo entry "pipe"/ },
    {
      name: 'a malformed blob name',
      entries: () => [{ name: 'blobs/sha256/zz', body: 'x' }],
      error: /"blobs\/sha256\/zz".*not named blobs/,
    },
    {
      name: 'no index.json',
      entries: () => [{ name: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' }, ...image(['v1']).blobs],
      error: /has no index\.json/,
    },
    {
      name: 'an unknown layout version',
      entries: () => [
        { name: 'oci-layout', body: '{"imageLayoutVersion":"2.0.0"}' },
        { name: 'index.json', body: image(['v1']).index },
      ],
      error: /layout version "2\.0\.0"/,
    },
  ];

  for (const c of cases) {
    it(`refuses ${c.name}, from a file and from a pipe, writing nothing`, async () => {
      const img = image(['v1']);
      // The hostile entry comes after a good blob, so refusing it must also discard what was spooled.
      const tar = await tarOf([img.blobs[0], ...c.entries(), { name: 'trailer', body: 'x' }]);
      const a = await openBoth(tar, c.name.replace(/\W+/g, '-'));
      for (const open of [a.file, a.pipe]) {
        await assert.rejects(open(), (err: Error) => {
          assert.ok(err instanceof ContentError, `${err.name}: ${err.message}`);
          assert.match(err.message, c.error);
          assert.doesNotMatch(err.message, /\n/);
          return true;
        });
      }
      assert.deepEqual(await readdir(a.spool), [], 'nothing is left in the spool space');
      assert.deepEqual((await readdir(a.dir)).sort(), ['a.tar', 'spool'], 'nothing is written beside the archive');
      assert.deepEqual((await readdir(work)).includes('evil'), false);
    });
  }

  it('refuses a truncated archive with a clear error', async () => {
    const img = image(['v1']);
    const tar = await tarOf([...img.blobs, { name: 'index.json', body: img.index }]);
    const cut = tar.subarray(0, 512 + 700);
    const a = await openBoth(cut, 'truncated');
    for (const open of [a.file, a.pipe]) {
      await assert.rejects(
        open(),
        (err: Error) => err instanceof ContentError && /truncated/.test(err.message) && /\[oci-archive\]/.test(err.message),
      );
    }
    assert.deepEqual(await readdir(a.spool), []);
  });

  it('refuses a gzip-compressed archive with advice', async () => {
    const { gzipSync } = await import('node:zlib');
    const a = await openBoth(gzipSync(await tarOf([{ name: 'index.json', body: '{}' }])), 'gzip');
    await assert.rejects(a.file(), /gzip-compressed: decompress it first/);
  });

  it('catches a tampered blob: at spool time from a pipe, at verification from a file, and tags nothing', async () => {
    const img = image(['v1']);
    const tampered = Buffer.from(img.layer);
    tampered[10] ^= 0xff;
    const tar = await tarOf([{ ...img.blobs[0], body: tampered }, ...img.blobs.slice(1), { name: 'index.json', body: img.index }]);
    const a = await openBoth(tar, 'tampered');
    await assert.rejects(
      a.pipe(),
      (err: Error) =>
        err instanceof ContentError && err.message.includes(`"${img.blobs[0].name}" does not hold the blob its name promises`),
    );
    assert.deepEqual(await readdir(a.spool), []);

    const r = await a.file();
    const layer = { mediaType: 'x', digest: sha(img.layer), size: img.layer.length };
    await assert.rejects(
      pipeline(await r.fetch(layer), new VerifyingStream(layer), async function* (src) {
        for await (const _ of src) yield;
      }),
      /digest mismatch/,
    );

    // A layout that was there before: a failed copy keeps it, with nothing new in it.
    await (await openLayout(join(a.dir, 'dst'), { create: true })).close('success');
    const dst = await openLayout(join(a.dir, 'dst'), { create: true });
    await assert.rejects(copy(r, { tags: ['v1'] }, dst, { tags: ['v1'] }), /digest mismatch/);
    await dst.close('failure');
    await r.close('failure');
    assert.deepEqual(await dst.tags(), [], 'a failed import tags nothing');
    const index = JSON.parse(await readFile(join(a.dir, 'dst', 'index.json'), 'utf8'));
    assert.deepEqual(index.manifests, []);
    assert.deepEqual(await readdir(join(a.dir, 'dst', 'blobs', 'sha256')).then((l) => l.filter((n) => n.startsWith('.'))), []);
  });

  it('names the digest of a blob missing from the archive', async () => {
    const img = image(['v1']);
    const tar = await tarOf([img.blobs[1], img.blobs[2], { name: 'index.json', body: img.index }]);
    const a = await openBoth(tar, 'missing');
    for (const open of [a.file, a.pipe]) {
      const r = await open();
      const dstDir = join(a.dir, `dst-${open === a.file ? 'f' : 'p'}`);
      await (await openLayout(dstDir, { create: true })).close('success');
      const dst = await openLayout(dstDir, { create: true });
      await assert.rejects(copy(r, { tags: [] }, dst, { tags: ['v1'] }), (err: Error) =>
        err.message.includes(`blob ${sha(img.layer)} is missing from`),
      );
      await dst.close('failure');
      await r.close('failure');
      assert.deepEqual(await dst.tags(), []);
    }
  });

  it('says which tags there are when the tag asked for is not there', async () => {
    const img = image(['v1', 'v2']);
    const tar = await tarOf([...img.blobs, { name: 'index.json', body: img.index }]);
    const a = await openBoth(tar, 'notag');
    const r = await a.file();
    await assert.rejects(
      r.resolve('v3'),
      (err: Error) => err instanceof NotFoundError && /tag "v3" is not in .*: its tags are v1, v2/.test(err.message),
    );
    await r.close('success');
  });

  it('lists the tags when several images are there and none is named', async () => {
    const one = image(['a'], 'one');
    const two = image(['b', 'c'], 'two');
    const index = JSON.stringify({
      schemaVersion: 2,
      manifests: [...JSON.parse(one.index).manifests, ...JSON.parse(two.index).manifests],
    });
    const tar = await tarOf([...one.blobs, ...two.blobs, { name: 'index.json', body: index }]);
    const a = await openBoth(tar, 'several');
    for (const open of [a.file, a.pipe]) {
      const r = await open();
      await assert.rejects(
        r.resolve(undefined),
        (err: Error) =>
          err instanceof NotFoundError && /holds 2 images and no tag was given: name one of its tags \(a, b, c\)/.test(err.message),
      );
      assert.equal((await r.resolve('c')).digest, two.root.digest);
      await r.close('success');
    }
  });
});

describe('archive reader: docker save archives', () => {
  /** A legacy `docker save` layout: `<id>/layer.tar`, `<id>.json`, `manifest.json`, no index.json. */
  function legacy() {
    const layer1 = Buffer.from('first layer tar bytes'.repeat(50));
    const layer2 = Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('pretend gzip'.repeat(20))]);
    const config = Buffer.from(
      JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha(layer1), sha(layer2)] } }),
    );
    const id = sha(config).slice(7);
    const l1 = 'a'.repeat(64);
    const l2 = 'b'.repeat(64);
    const list = [
      { Config: `${id}.json`, RepoTags: ['example.com/team/app:1.2', 'app:latest'], Layers: [`${l1}/layer.tar`, `${l2}/layer.tar`] },
    ];
    const entries: TarEntry[] = [
      { name: `${l1}/`, type: 'directory' },
      { name: `${l1}/VERSION`, body: '1.0' },
      { name: `${l1}/json`, body: '{}' },
      { name: `${l1}/layer.tar`, body: layer1 },
      { name: `${l2}/layer.tar`, body: layer2 },
      { name: `${id}.json`, body: config },
      { name: 'manifest.json', body: JSON.stringify(list) },
      { name: 'repositories', body: '{}' },
    ];
    return { layer1, layer2, config, entries };
  }

  it('converts it to an OCI image with its tags, digests computed from the entries', async () => {
    const l = legacy();
    const a = await openBoth(await tarOf(l.entries), 'legacy');
    for (const open of [a.file, a.pipe]) {
      const r: OciArchiveReader = await open();
      assert.deepEqual(await r.tags(), ['1.2', 'latest']);
      const root = await r.resolve('1.2');
      assert.equal(root.annotations?.['io.containerd.image.name'], 'example.com/team/app:1.2');
      assert.equal((await r.resolve('latest')).digest, root.digest);
      const manifest = JSON.parse((await readAll(await r.fetch(root))).toString());
      assert.equal(sha(JSON.stringify(manifest)), root.digest);
      assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
      assert.deepEqual(manifest.config, {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha(l.config),
        size: l.config.length,
      });
      assert.deepEqual(manifest.layers, [
        { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha(l.layer1), size: l.layer1.length },
        { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(l.layer2), size: l.layer2.length },
      ]);

      // The whole image imports into a layout and reads back byte for byte.
      const dir = join(a.dir, `dst-${open === a.file ? 'f' : 'p'}`);
      const dst = await openLayout(dir, { create: true });
      await copy(r, { tags: ['latest'] }, dst, { tags: [] });
      await dst.close('success');
      await r.close('success');
      assert.deepEqual(await dst.tags(), ['latest']);
      assert.deepEqual(await readFile(join(dir, 'blobs', 'sha256', sha(l.layer2).slice(7))), l.layer2);
    }
  });

  it('names a layer file that manifest.json lists but the archive lacks', async () => {
    const l = legacy();
    const a = await openBoth(await tarOf(l.entries.filter((e) => !e.name.startsWith('b'))), 'legacy-missing');
    await assert.rejects(
      a.file(),
      (err: Error) => err instanceof NotFoundError && err.message.includes(`"${'b'.repeat(64)}/layer.tar", which is not in the archive`),
    );
  });

  it('reads a Docker 25 archive (OCI layout beside manifest.json) through its index.json', async () => {
    const img = image(['ignored']);
    const index = JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          ...img.root,
          annotations: { 'io.containerd.image.name': 'docker.io/library/app:3.1', 'org.opencontainers.image.ref.name': '3.1' },
        },
      ],
    });
    const list = JSON.stringify([{ Config: blobName(sha(img.config)), RepoTags: ['app:3.1'], Layers: [blobName(sha(img.layer))] }]);
    const tar = await tarOf([
      ...img.blobs,
      { name: 'index.json', body: index },
      { name: 'manifest.json', body: list },
      { name: 'oci-layout', body: '{"imageLayoutVersion": "1.0.0"}' },
    ]);
    const a = await openBoth(tar, 'docker25');
    const r = await a.file();
    assert.equal((await r.resolve('3.1')).digest, img.root.digest);
    await r.close('success');
  });
});

describe('archive reader: containerd exports', () => {
  it('finds a tag in a full image name, as older containerd wrote ref.name', async () => {
    const img = image([]);
    const index = JSON.stringify({
      schemaVersion: 2,
      manifests: [{ ...img.root, annotations: { 'org.opencontainers.image.ref.name': 'docker.io/library/busybox:1.36' } }],
    });
    const a = await openBoth(
      await tarOf([{ name: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' }, { name: 'index.json', body: index }, ...img.blobs]),
      'containerd',
    );
    const r = await a.file();
    assert.equal((await r.resolve('1.36')).digest, img.root.digest);
    await assert.rejects(r.resolve('1.37'), /its tags are docker\.io\/library\/busybox:1\.36/);
    await r.close('success');
  });

  it('refuses a tag that names two different images and says how to pick one', async () => {
    const one = image([], 'one');
    const two = image([], 'two');
    const index = JSON.stringify({
      schemaVersion: 2,
      manifests: [
        { ...one.root, annotations: { 'io.containerd.image.name': 'a/x:latest', 'org.opencontainers.image.ref.name': 'latest' } },
        { ...two.root, annotations: { 'io.containerd.image.name': 'b/y:latest', 'org.opencontainers.image.ref.name': 'latest' } },
      ],
    });
    const a = await openBoth(await tarOf([...one.blobs, ...two.blobs, { name: 'index.json', body: index }]), 'ambiguous');
    const r = await a.file();
    await assert.rejects(r.resolve('latest'), /tag "latest" names 2 images in .* \(a\/x:latest, b\/y:latest\): name one by digest/);
    assert.equal((await r.resolve(two.root.digest)).digest, two.root.digest);
    await r.close('success');
  });
});

describe('archive reader: a pipe is consumed once', () => {
  it('reads from a file stream as it would from stdin', async () => {
    const img = image(['v1']);
    const file = join(work, 'stdin.tar');
    await writeFile(file, await tarOf([...img.blobs, { name: 'index.json', body: img.index }]));
    const r = await openArchiveStream(createReadStream(file));
    assert.equal((await r.resolve('v1')).digest, img.root.digest);
    await r.close('success');
  });
});
