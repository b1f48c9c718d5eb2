// oci-copy check, copy --repair and sync --check / --repair from the command line, against real
// registries: exit statuses, the problem lines, --json, a verify-key policy judged against what the
// destination holds (the source stays signed), and bad values of the flags.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseReference, type RegistryReference } from '../../src/oci/reference.js';
import { signImage } from '../../src/signatures/sign.js';
import { openRegistryRepository } from '../../src/targets/registry/repository.js';
import { runCli } from '../support/cli.js';
import { REPO_ROOT } from '../support/run-action.js';
import { makeImageLayout, pushImageOverHttp, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

const hexOf = (digest: string) => digest.slice('sha256:'.length);

describe('oci-copy check and --repair', () => {
  let src: TestRegistry;
  let dst: TestRegistry;
  let work: string;
  let image: ImageLayout;
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  before(async () => {
    [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
    work = await mkdtemp(join(tmpdir(), 'oci-copy-integrity-cli-'));
    await writeFile(join(work, 'cosign.pub'), keys.publicKey.export({ type: 'spki', format: 'pem' }));
    image = await makeImageLayout(join(work, 'app'), {
      tag: '1.0',
      platforms: [
        {
          architecture: 'amd64',
          layers: [
            { size: 3000, seed: 'cli-a' },
            { size: 2000, seed: 'cli-b' },
          ],
        },
      ],
    });
    await pushImageOverHttp(image, src.url, 'team/app', '1.0');
    const repo = openRegistryRepository(parseReference(`${src.host}/team/app:1.0`) as RegistryReference);
    await signImage(repo, image.root, `${src.host}/team/app`, { mode: 'key', format: 'legacy', key: keys.privateKey });
    await repo.close('success');
  });
  after(async () => {
    await Promise.all([src?.stop(), dst?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  const cli = (args: string[]) => runCli(args, { home: work, env: { OCI_COPY_TIMEOUT_SECONDS: '20' } });
  const SRC = () => `${src.host}/team/app:1.0`;
  const DST = () => `${dst.host}/mirror/app:1.0`;
  const sigTag = () => `sha256-${hexOf(image.root.digest)}.sig`;
  const layer = () => image.manifests[0].layers[1].digest;
  const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';

  it('checks a mirror against its source and alone, verifies the policy where users pull from, and repairs', async () => {
    const copied = await cli(['copy', '--referrers', '--no-blob-cache', SRC(), DST()]);
    assert.equal(copied.code, 0, copied.stderr);

    const intact = await cli(['check', '--deep', '--referrers', '--verify-key', join(work, 'cosign.pub'), '--json', SRC(), DST()]);
    assert.equal(intact.code, 0, intact.stderr);
    assert.match(intact.stderr, new RegExp(`Intact ${dst.host}/mirror/app:1.0 \\(${image.root.digest}\\)`));
    assert.match(intact.stderr, /1 manifest, 3 blobs \(hashed\), 1 referrer checked/);
    assert.match(intact.stderr, new RegExp(`Verified ${image.root.digest}`));
    const [record] = JSON.parse(intact.stdout) as Array<{ status: string; deep: boolean; problems: unknown[] }>;
    assert.deepEqual([record.status, record.deep, record.problems], ['intact', true, []]);

    const alone = await cli(['check', DST()]);
    assert.equal(alone.code, 0, alone.stderr);

    // The layer's bytes gone, and the signature tag: the source keeps both.
    await rm(join(dst.storage, 'docker/registry/v2/blobs/sha256', hexOf(layer()).slice(0, 2), hexOf(layer()), 'data'));
    await rm(join(dst.storage, 'docker/registry/v2/repositories/mirror/app/_manifests/tags', sigTag()), { recursive: true });

    const damaged = await cli(['check', '--json', DST()]);
    assert.equal(damaged.code, 1, damaged.stderr);
    assert.match(lastLine(damaged.stderr), new RegExp(`^oci-copy: .*missing blob ${layer()} \\(layer of manifest ${image.root.digest}\\)`));
    assert.equal((JSON.parse(damaged.stdout) as Array<{ status: string }>)[0].status, 'damaged');

    const refused = await cli(['check', '--verify-key', join(work, 'cosign.pub'), SRC(), DST()]);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(lastLine(refused.stderr), new RegExp(`checked in \\[registry\\] ${dst.host}/mirror/app, where users pull from`));

    const withReferrers = await cli(['check', '--referrers', SRC(), DST()]);
    assert.equal(withReferrers.code, 1);
    assert.match(withReferrers.stderr, new RegExp(`tag ${sigTag()} missing`));

    const repaired = await cli(['copy', '--repair', '--referrers', '--no-blob-cache', '--json', SRC(), DST()]);
    assert.equal(repaired.code, 0, repaired.stderr);
    const account = JSON.parse(repaired.stdout) as { status: string; check: Array<{ status: string; putBack: Array<{ digest: string }> }> };
    assert.equal(account.status, 'repaired');
    assert.equal(account.check[0].status, 'repaired');
    assert.ok(account.check[0].putBack.some((p) => p.digest === layer()));

    const clean = await cli(['check', '--deep', '--referrers', '--verify-key', join(work, 'cosign.pub'), SRC(), DST()]);
    assert.equal(clean.code, 0, clean.stderr);
  });

  it('sync --check and --repair give the check records with --json', async () => {
    const copied = await cli(['sync', '--no-blob-cache', '--tags', '1\\.0', `${src.host}/team/app`, `${dst.host}/synced/app`]);
    assert.equal(copied.code, 0, copied.stderr);
    const checked = await cli(['sync', '--check=deep', '--json', '--tags', '1\\.0', `${src.host}/team/app`, `${dst.host}/synced/app`]);
    assert.equal(checked.code, 0, checked.stderr);
    assert.match(checked.stderr, /1 of 1 images intact; checked in/);
    const out = JSON.parse(checked.stdout) as { images: Array<{ status: string }>; check: Array<{ status: string; deep: boolean }> };
    assert.deepEqual([out.images[0].status, out.check[0].status, out.check[0].deep], ['unchanged', 'intact', true]);
    const repaired = await cli([
      'sync',
      '--repair',
      '--no-blob-cache',
      '--tags',
      '1\\.0',
      `${src.host}/team/app`,
      `${dst.host}/synced/app`,
    ]);
    assert.equal(repaired.code, 0, repaired.stderr);
  });

  it('checks an OCI layout destination: a truncated blob by the size of its file, a missing one', async () => {
    const layout = join(work, 'layout');
    const copied = await cli(['copy', '--no-blob-cache', `oci:${join(REPO_ROOT, 'examples', 'hello-layout')}`, `oci:${layout}:1.0`]);
    assert.equal(copied.code, 0, copied.stderr);
    const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
    const rootDigest = index.manifests[0].digest;
    const blobFile = (d: string) => join(layout, 'blobs', 'sha256', hexOf(d));
    const root = JSON.parse(await readFile(blobFile(rootDigest), 'utf8')) as { manifests: Array<{ digest: string }> };
    const image = JSON.parse(await readFile(blobFile(root.manifests[0].digest), 'utf8')) as { layers: Array<{ digest: string }> };
    const layerDigest = image.layers[0].digest;
    assert.equal((await cli(['check', '--deep', `oci:${layout}:1.0`])).code, 0);
    await truncate(blobFile(layerDigest), 3);
    const truncated = await cli(['check', `oci:${layout}:1.0`]);
    assert.equal(truncated.code, 1);
    assert.match(truncated.stderr, new RegExp(`blob ${layerDigest} \\(layer of [^)]+\\): size 3 instead of [0-9]+ in ${layout}`));
    await rm(blobFile(layerDigest));
    const missing = await cli(['check', `oci:${layout}:1.0`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, new RegExp(`missing blob ${layerDigest} \\(layer of `));
  });

  it('bad values are one line naming the flag, and nothing is done', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['check'], /^oci-copy: expected SOURCE DESTINATION, or DESTINATION alone, got 0 arguments/],
      [['sync', '--check=maybe', 'list.yml'], /^oci-copy: --check is maybe: use true, deep or false$/],
      [['copy', '--repair=often', 'a:1', 'b:1'], /^oci-copy: --repair is often: use true, deep or false$/],
      [['sync', '--check', '--repair', 'x/a', 'y/a'], /^oci-copy: --check and --repair are both given/],
      // `--repair deep` is `--repair=deep`: the word is the flag's, not the SOURCE.
      [['copy', '--repair', 'deep', 'a:1'], /^oci-copy: expected a DESTINATION after a:1/],
    ];
    for (const [args, line] of cases) {
      const run = await cli(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(lastLine(run.stderr), line, args.join(' '));
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    }
  });
});
