// `oci-archive:-` as a separate process sees it: an export to stdout piped into an import from stdin.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeImageLayout, type ImageLayout } from '../support/images.js';

const factory = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'targets', 'open-file-target.js');
const engine = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'api', 'copy.js');

/** A child process that copies SRC to DST with the file target factory, as a CLI would. */
const SCRIPT = `
import { openFileTarget } from ${JSON.stringify(factory)};
import { copy } from ${JSON.stringify(engine)};
const [src, dst] = process.argv.slice(1).map((s) => JSON.parse(s));
let source, destination;
try {
  source = await openFileTarget(src, 'source');
  destination = await openFileTarget(dst, 'destination');
  const root = await copy(source, src, destination, dst);
  await destination.close('success');
  process.stderr.write('ROOT ' + root.digest + '\\n');
} catch (err) {
  await destination?.close('failure');
  process.stderr.write('ERROR ' + err.message + '\\n');
  process.exitCode = 1;
} finally {
  await source?.close('success');
}
`;

function child(src: object, dst: object) {
  return spawn(process.execPath, ['--input-type=module', '-e', SCRIPT, JSON.stringify(src), JSON.stringify(dst)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function exited(p: ReturnType<typeof child>): Promise<{ code: number | null; stderr: string }> {
  const err: Buffer[] = [];
  p.stderr!.on('data', (b: Buffer) => err.push(b));
  return new Promise((resolve) => p.on('close', (code) => resolve({ code, stderr: Buffer.concat(err).toString() })));
}

let work: string;
let image: ImageLayout;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'archive-stdio-'));
  image = await makeImageLayout(join(work, 'src'), {
    tag: 'v1',
    platforms: [
      { architecture: 'amd64', layers: [{ size: 1_000_000, seed: 'a' }] },
      { architecture: 'arm64', layers: [{ size: 700_000, seed: 'b' }] },
    ],
  });
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('oci-archive:- on standard streams', () => {
  it('exports to stdout and imports from stdin across two processes', async () => {
    const out = join(work, 'dst');
    const exporter = child({ transport: 'oci', path: image.dir, tags: ['v1'] }, { transport: 'oci-archive', path: '-', tags: ['v1'] });
    const importer = child({ transport: 'oci-archive', path: '-', tags: ['v1'] }, { transport: 'oci', path: out, tags: ['piped'] });
    exporter.stdout!.pipe(importer.stdin!);
    const [e, i] = await Promise.all([exited(exporter), exited(importer)]);
    assert.equal(e.code, 0, e.stderr);
    assert.equal(i.code, 0, i.stderr);
    assert.match(e.stderr, new RegExp(`ROOT ${image.root.digest}`));
    assert.match(i.stderr, new RegExp(`ROOT ${image.root.digest}`));
    const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8'));
    assert.equal(index.manifests[0].digest, image.root.digest);
    assert.equal(index.manifests[0].annotations['org.opencontainers.image.ref.name'], 'piped');
  });

  it('an import from a stdin that is not an archive fails with one clear line and creates nothing', async () => {
    const out = join(work, 'never');
    const importer = child({ transport: 'oci-archive', path: '-', tags: [] }, { transport: 'oci', path: out, tags: ['x'] });
    importer.stdin!.end(Buffer.from('this is not a tar archive at all'.repeat(40)));
    const i = await exited(importer);
    assert.notEqual(i.code, 0);
    assert.match(i.stderr, /^ERROR \[oci-archive\] - is truncated or not a tar archive \([^\n]*\)\n$/);
    await assert.rejects(readFile(join(out, 'index.json')));
  });
});
