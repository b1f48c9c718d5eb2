// Links inside archives: what moby's `docker save` (before 25) and skopeo's docker-archive: write is
// read as the file it leads to, from a file (indexed) and from a pipe (spooled); every other link is
// refused, naming the entry, with nothing left behind.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ContentError } from '../../src/oci/errors.js';
import { readAll, sha } from '../support/blobs.js';
import { archiveOpener, blobName, tarOf, type TarEntry } from '../support/tar-entries.js';

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'archive-links-test-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});
const openBoth = archiveOpener(() => work);

const hex = (c: string) => c.repeat(64);
const BASE = Buffer.from('the shared base layer tar '.repeat(40));
const EXTRA = Buffer.from('the second image layer tar '.repeat(30));

function config(os: string, layers: Buffer[]) {
  return Buffer.from(JSON.stringify({ architecture: 'amd64', os, rootfs: { type: 'layers', diff_ids: layers.map((l) => sha(l)) } }));
}

/**
 * Two images in moby's legacy layout sharing their first layer: the second image's copy of it is a
 * symbolic link `../<first id>/layer.tar`. `linkFirst` puts the link before its target, as a file
 * system walk in name order does when the link's directory sorts first.
 */
function legacyPair(linkFirst: boolean) {
  const [linkId, targetId, extraId] = linkFirst ? [hex('1'), hex('9'), hex('5')] : [hex('9'), hex('1'), hex('5')];
  const a = config('linux', [BASE]);
  const b = config('linux', [BASE, EXTRA]);
  const target: TarEntry[] = [
    { name: `${targetId}/`, type: 'directory' },
    { name: `${targetId}/VERSION`, body: '1.0' },
    { name: `${targetId}/layer.tar`, body: BASE },
  ];
  const link: TarEntry[] = [
    { name: `${linkId}/`, type: 'directory' },
    { name: `${linkId}/layer.tar`, type: 'symlink', linkname: `../${targetId}/layer.tar` },
  ];
  const list = [
    { Config: `${sha(a).slice(7)}.json`, RepoTags: ['example.com/team/a:1'], Layers: [`${targetId}/layer.tar`] },
    { Config: `${sha(b).slice(7)}.json`, RepoTags: ['b:2'], Layers: [`${linkId}/layer.tar`, `${extraId}/layer.tar`] },
  ];
  const entries: TarEntry[] = [
    ...(linkFirst ? [...link, ...target] : [...target, ...link]),
    { name: `${extraId}/layer.tar`, body: EXTRA },
    { name: `${sha(a).slice(7)}.json`, body: a },
    { name: `${sha(b).slice(7)}.json`, body: b },
    { name: 'manifest.json', body: JSON.stringify(list) },
    { name: 'repositories', body: '{}' },
  ];
  return { a, b, entries };
}

describe('archive links: what docker save and skopeo write', () => {
  for (const linkFirst of [true, false]) {
    it(`reads a shared layer through a symbolic link ${linkFirst ? 'before' : 'after'} its target, from a file and a pipe`, async () => {
      const pair = legacyPair(linkFirst);
      const a = await openBoth(await tarOf(pair.entries), `legacy-${linkFirst}`);
      for (const open of [a.file, a.pipe]) {
        const r = await open();
        const b = JSON.parse((await readAll(await r.fetch(await r.resolve('docker.io/library/b:2')))).toString());
        assert.equal(b.config.digest, sha(pair.b));
        assert.deepEqual(
          b.layers.map((l: { digest: string }) => l.digest),
          [sha(BASE), sha(EXTRA)],
        );
        const layer = { mediaType: b.layers[0].mediaType, digest: sha(BASE), size: BASE.length };
        assert.deepEqual(await readAll(await r.fetch(layer)), BASE);
        const first = JSON.parse((await readAll(await r.fetch(await r.resolve('example.com/team/a:1')))).toString());
        assert.equal(first.config.digest, sha(pair.a));
        await r.close('success');
      }
      assert.deepEqual(await readdir(a.spool), []);
    });
  }

  it("reads skopeo's docker-archive: layout, <id>/layer.tar links to <digest>.tar entries that come later", async () => {
    const c = config('linux', [BASE]);
    const layerFile = `${sha(BASE).slice(7)}.tar`;
    const tar = await tarOf([
      { name: `${hex('7')}/layer.tar`, type: 'symlink', linkname: `../${layerFile}` },
      { name: `${hex('7')}/VERSION`, body: '1.0' },
      { name: layerFile, body: BASE },
      { name: `${sha(c).slice(7)}.json`, body: c },
      {
        name: 'manifest.json',
        body: JSON.stringify([{ Config: `${sha(c).slice(7)}.json`, RepoTags: ['app:1'], Layers: [`${hex('7')}/layer.tar`] }]),
      },
    ]);
    const a = await openBoth(tar, 'skopeo');
    for (const open of [a.file, a.pipe]) {
      const r = await open();
      const m = JSON.parse((await readAll(await r.fetch(await r.resolve('1')))).toString());
      assert.equal(m.layers[0].digest, sha(BASE));
      await r.close('success');
    }
  });

  it('reads a hard link to an entry before it, a blob linked to a file, and a short chain of links', async () => {
    const c = config('linux', [BASE]);
    const tar = await tarOf([
      { name: `${hex('2')}.tar`, body: BASE },
      { name: `${hex('3')}/layer.tar`, type: 'link', linkname: `${hex('2')}.tar` },
      { name: `${hex('4')}/layer.tar`, type: 'symlink', linkname: `../${hex('3')}/layer.tar` },
      { name: `${hex('6')}/layer.tar`, type: 'symlink', linkname: `../${hex('4')}/layer.tar` },
      { name: blobName(sha(c)), type: 'symlink', linkname: `../../${sha(c).slice(7)}.json` },
      { name: `${sha(c).slice(7)}.json`, body: c },
      // Files the import never reads may be hard-linked to each other, as any tar tool may write them.
      { name: 'repositories', body: '{}' },
      { name: `${hex('3')}/json`, type: 'link', linkname: 'repositories' },
      {
        name: 'manifest.json',
        body: JSON.stringify([{ Config: blobName(sha(c)), RepoTags: ['app:1'], Layers: [`${hex('6')}/layer.tar`] }]),
      },
    ]);
    const a = await openBoth(tar, 'hard-chain');
    for (const open of [a.file, a.pipe]) {
      const r = await open();
      const m = JSON.parse((await readAll(await r.fetch(await r.resolve('app:1')))).toString());
      assert.deepEqual([m.config.digest, m.layers[0].digest], [sha(c), sha(BASE)]);
      await r.close('success');
    }
  });
});

describe('archive links: everything else is refused, naming the entry', () => {
  const layerName = `${hex('a')}/layer.tar`;
  const chain = (n: number): TarEntry[] => [
    { name: `${hex('0')}.tar`, body: BASE },
    ...Array.from({ length: n }, (_, i) => ({
      name: `${hex(String(i + 1))}/layer.tar`,
      type: 'symlink' as const,
      linkname: i === 0 ? `../${hex('0')}.tar` : `../${hex(String(i))}/layer.tar`,
    })),
  ];
  const cases: Array<{ name: string; entries: TarEntry[]; error: RegExp }> = [
    {
      name: 'a link out of the archive',
      entries: [{ name: layerName, type: 'symlink', linkname: '../../etc/passwd' }],
      error: /link entry "a{64}\/layer\.tar" -> "\.\.\/\.\.\/etc\/passwd" that leaves the archive/,
    },
    {
      name: 'an absolute link',
      entries: [{ name: layerName, type: 'symlink', linkname: '/etc/passwd' }],
      error: /-> "\/etc\/passwd" with an absolute target/,
    },
    {
      name: 'an absolute link the import would not even read',
      entries: [{ name: 'notes/evil', type: 'symlink', linkname: '/etc/shadow' }],
      error: /"notes\/evil" -> "\/etc\/shadow" with an absolute target/,
    },
    {
      name: 'a hard link out of the archive',
      entries: [{ name: 'index.json', type: 'link', linkname: '../index.json' }],
      error: /"index\.json" -> "\.\.\/index\.json" that leaves the archive/,
    },
    {
      name: 'a chain of links too long',
      entries: chain(5),
      error: /link entry "5{64}\/layer\.tar" -> "\.\.\/4{64}\/layer\.tar" that starts a chain of more than 4 links/,
    },
    {
      name: 'a loop of links',
      entries: [
        { name: layerName, type: 'symlink', linkname: `../${hex('b')}/layer.tar` },
        { name: `${hex('b')}/layer.tar`, type: 'symlink', linkname: `../${hex('a')}/layer.tar` },
      ],
      error: /chain of more than 4 links \(or a loop\)/,
    },
    {
      name: 'a link to nothing',
      entries: [{ name: layerName, type: 'symlink', linkname: '../missing.tar' }],
      error: /"\.\.\/missing\.tar" that leads to no file of the archive/,
    },
    {
      name: 'a link to a directory',
      entries: [
        { name: `${hex('c')}/`, type: 'directory' },
        { name: `${hex('c')}/layer.tar`, body: BASE },
        { name: layerName, type: 'symlink', linkname: `../${hex('c')}` },
      ],
      error: /-> "\.\.\/c{64}" that leads to a directory/,
    },
    {
      name: 'a link to the archive root',
      entries: [{ name: 'index.json', type: 'symlink', linkname: '.' }],
      error: /"index\.json" -> "\." that leads to a directory/,
    },
    {
      name: 'a hard link before its target',
      entries: [
        { name: layerName, type: 'link', linkname: `${hex('d')}.tar` },
        { name: `${hex('d')}.tar`, body: BASE },
      ],
      error: /names no entry read before it \(a hard link must follow its target\)/,
    },
  ];

  for (const c of cases) {
    it(`refuses ${c.name}, from a file and from a pipe, writing nothing`, async () => {
      const img = JSON.stringify({ schemaVersion: 2, manifests: [] });
      const tar = await tarOf([{ name: blobName(sha(BASE)), body: BASE }, ...c.entries, { name: 'trailer', body: img }]);
      const a = await openBoth(tar, c.name.replace(/\W+/g, '-'));
      for (const open of [a.file, a.pipe]) {
        await assert.rejects(open(), (err: Error) => {
          assert.ok(err instanceof ContentError, `${err.name}: ${err.message}`);
          assert.match(err.message, c.error);
          assert.match(err.message, /refusing the archive$/);
          assert.doesNotMatch(err.message, /\n/);
          return true;
        });
      }
      assert.deepEqual(await readdir(a.spool), [], 'nothing is left in the spool space');
      assert.deepEqual((await readdir(a.dir)).sort(), ['a.tar', 'spool'], 'nothing is written beside the archive');
    });
  }

  it('refuses a blob entry that links to other content, from a pipe at once and from a file when it is read', async () => {
    const other = Buffer.from('not the promised bytes');
    const tar = await tarOf([
      { name: `${hex('e')}.tar`, body: other },
      { name: blobName(sha(BASE)), type: 'symlink', linkname: `../../${hex('e')}.tar` },
      { name: 'index.json', body: JSON.stringify({ schemaVersion: 2, manifests: [] }) },
    ]);
    const a = await openBoth(tar, 'blob-link');
    await assert.rejects(
      a.pipe(),
      (err: Error) =>
        err instanceof ContentError &&
        err.message.includes(`entry "${blobName(sha(BASE))}" does not hold the blob its name promises (it links to content ${sha(other)})`),
    );
    assert.deepEqual(await readdir(a.spool), []);
    const r = await a.file();
    const { VerifyingStream } = await import('../../src/oci/digest.js');
    const desc = { mediaType: 'x', digest: sha(BASE), size: other.length };
    await assert.rejects(readAll((await r.fetch(desc)).pipe(new VerifyingStream(desc))), /digest mismatch/);
    await r.close('success');
  });
});
