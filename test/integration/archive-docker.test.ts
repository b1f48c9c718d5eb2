// Docker archives with the tools that write and load them: a pre-25 `docker save` (built here, with a
// layer shared through a symbolic link) and skopeo's docker-archive: output imported into the real
// registry; docker-archive: and oci-archive: exports read back by skopeo and imported by containerd
// under their names, and unpacked.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { readAll, sha } from '../support/blobs.js';
import { copyRefs } from '../support/copy-refs.js';
import { startContainerd, type Containerd } from '../support/containerd.js';
import { writeLegacyDockerSave, type LegacyArchive } from '../support/docker-save.js';
import { makeImageLayout, pseudoRandomStream, pushLayoutWithSkopeo, type ImageLayout } from '../support/images.js';
import { runCli } from '../support/cli.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { skopeoCopy, skopeoInspectRaw, skopeoPullAllBlobs } from '../support/skopeo.js';

const IMAGE_NAME = 'io.containerd.image.name';
const run = promisify(execFile);

let registry: TestRegistry;
let containerd: Containerd;
let work: string;
let image: ImageLayout;

before(async () => {
  [registry, containerd, work] = await Promise.all([startRegistry(), startContainerd(), mkdtemp(join(tmpdir(), 'archive-docker-'))]);
  image = await makeImageLayout(join(work, 'seed'), {
    tag: '1.2',
    platforms: [
      { architecture: 'arm64', variant: 'v8', layers: ['base', { size: 60_000, seed: 'arm' }] },
      { architecture: 'amd64', layers: ['base', { size: 80_000, seed: 'amd' }] },
    ],
    sharedLayers: { base: { size: 120_000, seed: 'base' } },
  });
  await pushLayoutWithSkopeo(image.dir, '1.2', `${registry.host}/acme/app`);
});

after(async () => {
  await Promise.all([registry?.stop(), containerd?.stop()]);
  await rm(work, { recursive: true, force: true });
});

/** The config digest of a registry image, as skopeo reads its manifest. */
async function configDigestOf(ref: string): Promise<string> {
  return (JSON.parse(await skopeoInspectRaw(ref)) as { config: { digest: string } }).config.digest;
}

const amd64 = () => image.manifests.find((m) => m.descriptor.platform?.architecture === 'amd64')!;

describe('archives other tools wrote, imported', () => {
  let legacy: LegacyArchive;
  let legacyTar: string;
  before(async () => {
    legacyTar = join(work, 'docker-save-pre25.tar');
    const base = { 'etc/os-release': Buffer.from('ID=test\n'), 'bin/tool': Buffer.alloc(40_000, 7) };
    legacy = await writeLegacyDockerSave(legacyTar, [
      { repoTags: ['example.com/team/web:1'], layers: [base, { 'srv/web': Buffer.from('web') }] },
      { repoTags: ['worker:2'], layers: [base, { 'srv/worker': Buffer.from('worker') }] },
    ]);
    assert.equal(legacy.links.size, 1, 'the shared layer is a symbolic link in the second image');
  });

  it('a pre-25 docker save with a symlinked shared layer: both images, their config digests kept', async () => {
    await copyRefs(`docker-archive:${legacyTar}:example.com/team/web:1`, `${registry.host}/imported/web`);
    await copyRefs(`docker-archive:${legacyTar}:@1`, `${registry.host}/imported/worker:2`);
    assert.equal(await configDigestOf(`${registry.host}/imported/web:1`), sha(legacy.configs[0]), 'the destination takes the source tag');
    assert.equal(await configDigestOf(`${registry.host}/imported/worker:2`), sha(legacy.configs[1]));
    for (const ref of ['imported/web:1', 'imported/worker:2']) {
      const manifest = JSON.parse(await skopeoInspectRaw(`${registry.host}/${ref}`)) as { layers: Array<{ digest: string }> };
      assert.deepEqual(
        manifest.layers.map((l) => l.digest),
        legacy.diffIds[ref.startsWith('imported/web') ? 0 : 1],
      );
      await rm(await skopeoPullAllBlobs(`${registry.host}/${ref}`), { recursive: true });
    }
  });

  it("the command line picks the image asked for, by @N or by name, not the archive's last", async () => {
    const picks: Array<[string, string, number]> = [
      ['@0', 'cli-pick/first', 0],
      ['example.com/team/web:1', 'cli-pick/by-name', 0],
      ['@1', 'cli-pick/second', 1],
      ['worker:2', 'cli-pick/worker', 1],
    ];
    for (const [pick, repo, index] of picks) {
      const run = await runCli([`docker-archive:${legacyTar}:${pick}`, `${registry.host}/${repo}:t`, '--no-blob-cache'], {
        home: join(work, 'home'),
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(await configDigestOf(`${registry.host}/${repo}:t`), sha(legacy.configs[index]), `${pick} copies image ${index}`);
    }
  });

  it("skopeo's docker-archive: output, whose layers are <id>/layer.tar links to <digest>.tar", async () => {
    const tar = join(work, 'skopeo-docker.tar');
    await skopeoCopy(`oci:${image.dir}:1.2`, `docker-archive:${tar}:example.com/team/app:1.2`, { extra: ['--override-arch', 'amd64'] });
    const listing = (await run('tar', ['tvf', tar])).stdout;
    assert.match(listing, /^l.* [0-9a-f]{64}\/layer\.tar -> \.\.\/[0-9a-f]{64}\.tar$/m, 'skopeo wrote layer links');

    await copyRefs(`docker-archive:${tar}`, `${registry.host}/from-skopeo/app`);
    assert.equal(await configDigestOf(`${registry.host}/from-skopeo/app:1.2`), amd64().config.digest);
    const manifest = JSON.parse(await skopeoInspectRaw(`${registry.host}/from-skopeo/app:1.2`)) as { layers: Array<{ digest: string }> };
    assert.deepEqual(
      manifest.layers.map((l) => l.digest),
      amd64().diffIds,
      'skopeo stored the layers uncompressed; they are imported as they are',
    );
    await rm(await skopeoPullAllBlobs(`${registry.host}/from-skopeo/app:1.2`), { recursive: true });
  });
});

describe('exports that loaders name', () => {
  it('docker-archive: read back by skopeo by its name, imported by containerd under it, and unpacked', async () => {
    const tar = join(work, 'export-docker.tar');
    const { root } = await copyRefs(`${registry.host}/acme/app:1.2`, `docker-archive:${tar}:example.com/team/app:1.2`);
    assert.equal(root.digest, image.root.digest, 'the index is exported whole, digest unchanged');

    const raw = JSON.parse(await skopeoInspectRaw(`docker-archive:${tar}:example.com/team/app:1.2`)) as { config: { digest: string } };
    assert.equal(raw.config.digest, amd64().config.digest, 'manifest.json lists the linux/amd64 image');
    const back = join(work, 'skopeo-read-back');
    await skopeoCopy(`docker-archive:${tar}:example.com/team/app:1.2`, `oci:${back}:x`);
    await rm(back, { recursive: true });

    const out = await containerd.importArchive(tar);
    assert.match(out, /unpacking example\.com\/team\/app:1\.2 \(sha256:[0-9a-f]{64}\)\.\.\.done/);
    assert.ok((await containerd.images()).includes('example.com/team/app:1.2'));
    const top = sha(await readAll(pseudoRandomStream(80_000, 'amd')));
    const files = await containerd.unpacked(amd64().diffIds);
    const hashes = await Promise.all(files.map(async (f) => sha(await readFile(f))));
    assert.ok(hashes.includes(top), "the bytes of the amd64 image's top layer are in containerd's snapshots");
  });

  it('says which platform of an index manifest.json lists, in the log and the notice the summary shows', async () => {
    const tar = join(work, 'said.tar');
    const run = await runCli([`${registry.host}/acme/app:1.2`, `docker-archive:${tar}:example.com/team/app:1.2`, '--no-blob-cache'], {
      home: join(work, 'home'),
    });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(
      run.stderr
        .split('\n')
        .includes(
          `manifest.json lists linux/amd64 (${amd64().descriptor.digest}), the one image of the index docker load takes; index.json keeps all 2 for other loaders`,
        ),
      run.stderr,
    );
  });

  it("docker-archive: into an archive whose index lists children it lacks (skopeo's --multi-arch index-only): manifest.json lists what is whole", async () => {
    const tar = join(work, 'sparse.tar');
    await skopeoCopy(`${registry.host}/acme/app:1.2`, `oci-archive:${tar}:sparse:1`, { extra: ['--multi-arch', 'index-only'] });
    const solo = await makeImageLayout(join(work, 'solo'), {
      tag: '1',
      platforms: [{ architecture: 'amd64', layers: [{ size: 5000, seed: 'solo' }] }],
    });
    const { root } = await copyRefs(`oci:${solo.dir}:1`, `docker-archive:${tar}:example.com/team/solo:1`);
    assert.equal(root.digest, solo.root.digest);
    const list = JSON.parse((await run('tar', ['xOf', tar, 'manifest.json'])).stdout) as Array<{ RepoTags: string[] }>;
    assert.deepEqual(
      list.map((i) => i.RepoTags),
      [['example.com/team/solo:1']],
      'the index of no held image is not an image docker can load',
    );
    const index = JSON.parse((await run('tar', ['xOf', tar, 'index.json'])).stdout) as { manifests: Array<{ digest: string }> };
    assert.deepEqual(index.manifests.map((m) => m.digest).sort(), [image.root.digest, solo.root.digest].sort(), 'index.json keeps both');
    const raw = JSON.parse(await skopeoInspectRaw(`docker-archive:${tar}:example.com/team/solo:1`)) as { config: { digest: string } };
    assert.equal(raw.config.digest, solo.manifests[0].config.digest);
  });

  it("oci-archive: imported by containerd under the source's repository and tag", async () => {
    const tar = join(work, 'export-oci.tar');
    await copyRefs(`${registry.host}/acme/app:1.2`, `oci-archive:${tar}`);
    const index = JSON.parse((await run('tar', ['xOf', tar, 'index.json'])).stdout) as {
      manifests: Array<{ annotations?: Record<string, string> }>;
    };
    assert.equal(index.manifests[0].annotations?.[IMAGE_NAME], `${registry.host}/acme/app:1.2`);

    const out = await containerd.importArchive(tar);
    assert.match(out, new RegExp(`unpacking ${registry.host.replace(/\./g, '\\.')}/acme/app:1\\.2 `));
    assert.ok((await containerd.images()).includes(`${registry.host}/acme/app:1.2`), 'not import-<date>:1.2');
  });
});
