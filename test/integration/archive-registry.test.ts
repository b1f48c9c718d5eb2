// Round trips through the real registry: registry → archive → registry, registry → layout →
// registry, and an export streamed straight into an import, digests unchanged.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { copy } from '../../src/api/copy.js';
import type { FileReference, RegistryReference } from '../../src/oci/reference.js';
import { openArchiveStream } from '../../src/targets/archive/reader.js';
import { createArchiveWriter } from '../../src/targets/archive/writer.js';
import { openFileTarget } from '../../src/targets/open-file-target.js';
import { openRegistryRepository } from '../../src/targets/registry/index.js';
import type { ReadOnlyTarget, Target } from '../../src/targets/target.js';
import { makeImageLayout, pushLayoutWithSkopeo, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { skopeoInspectRaw, skopeoPullAllBlobs } from '../support/skopeo.js';
import { sha } from '../support/blobs.js';

let registry: TestRegistry;
let work: string;
let image: ImageLayout;

const repo = (repository: string, tag?: string): RegistryReference => ({
  transport: 'registry',
  registry: registry.host,
  repository,
  tags: tag ? [tag] : [],
});
const file = (transport: FileReference['transport'], path: string, tag?: string): FileReference => ({
  transport,
  path,
  tags: tag ? [tag] : [],
});

async function run(source: ReadOnlyTarget, srcRef: { tags: string[] }, destination: Target, dstRef: { tags: string[] }): Promise<string> {
  try {
    const root = await copy(source, srcRef, destination, dstRef, { concurrency: 3 });
    await destination.close('success');
    return root.digest;
  } catch (err) {
    await destination.close('failure');
    throw err;
  } finally {
    await source.close('success');
  }
}

before(async () => {
  registry = await startRegistry();
  work = await mkdtemp(join(tmpdir(), 'archive-registry-'));
  image = await makeImageLayout(join(work, 'seed'), {
    tag: 'v1',
    platforms: [
      { architecture: 'amd64', layers: [{ size: 1_500_000, seed: 'amd' }, 'base'] },
      { architecture: 'arm64', variant: 'v8', layers: [{ size: 900_000, seed: 'arm' }, 'base'] },
    ],
    sharedLayers: { base: { size: 3_000_000, seed: 'base' } },
  });
  await pushLayoutWithSkopeo(image.dir, 'v1', `${registry.host}/src/app`);
});

after(async () => {
  await registry?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('round trips through the registry', () => {
  it('registry → archive → registry', async () => {
    const tar = join(work, 'app.tar');
    const srcRef = repo('src/app', 'v1');
    assert.equal(
      await run(openRegistryRepository(srcRef), srcRef, await openFileTarget(file('oci-archive', tar, 'v1'), 'destination'), { tags: [] }),
      image.root.digest,
    );
    const back = repo('from-archive/app', 'restored');
    assert.equal(
      await run(await openFileTarget(file('oci-archive', tar), 'source'), { tags: ['v1'] }, openRegistryRepository(back), back),
      image.root.digest,
    );
    assert.equal(sha(await skopeoInspectRaw(`${registry.host}/from-archive/app:restored`)), image.root.digest);
    await rm(await skopeoPullAllBlobs(`${registry.host}/from-archive/app:restored`), { recursive: true });
  });

  it('registry → layout → registry', async () => {
    const dir = join(work, 'layout');
    const srcRef = repo('src/app', 'v1');
    assert.equal(
      await run(openRegistryRepository(srcRef), srcRef, await openFileTarget(file('oci', dir, 'v1'), 'destination'), { tags: [] }),
      image.root.digest,
    );
    const back = repo('from-layout/app', 'restored');
    assert.equal(
      await run(await openFileTarget(file('oci', dir), 'source'), { tags: ['v1'] }, openRegistryRepository(back), back),
      image.root.digest,
    );
    assert.equal(sha(await skopeoInspectRaw(`${registry.host}/from-layout/app:restored`)), image.root.digest);
  });

  it('an export streamed into an import, as `export | import` would', async () => {
    const pipe = new PassThrough();
    const spool = await mkdtemp(join(work, 'spool-'));
    const srcRef = repo('src/app', 'v1');
    const exporting = run(openRegistryRepository(srcRef), srcRef, createArchiveWriter(pipe, { spoolParent: spool }), { tags: ['piped'] });
    const importing = (async () => {
      const archive = await openArchiveStream(pipe, { tempDir: spool });
      const dst = repo('from-pipe/app', 'piped');
      return run(archive, { tags: ['piped'] }, openRegistryRepository(dst), dst);
    })();
    assert.deepEqual(await Promise.all([exporting, importing]), [image.root.digest, image.root.digest]);
    assert.equal(sha(await skopeoInspectRaw(`${registry.host}/from-pipe/app:piped`)), image.root.digest);
    assert.deepEqual(await readdir(spool), [], 'both sides removed their temporary space');
  });

  it('an import of a tag that is not there fails naming the tags and writes no tag', async () => {
    const tar = join(work, 'app.tar');
    const dst = repo('nothing/app', 'x');
    await assert.rejects(
      run(await openFileTarget(file('oci-archive', tar), 'source'), { tags: ['v9'] }, openRegistryRepository(dst), dst),
      /tag "v9" is not in \[oci-archive\] .*: its tags are v1/,
    );
    await assert.rejects(skopeoInspectRaw(`${registry.host}/nothing/app:x`));
  });
});
