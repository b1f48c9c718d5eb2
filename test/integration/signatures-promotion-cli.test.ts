import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyImage } from '../../src/signatures/verify.js';
import { runCli } from '../support/cli.js';
import { encryptCosignKey } from '../support/cosign-key-file.js';
import { fallbackTag, getManifest } from '../support/referrer-artifacts.js';
import type { TestRegistry } from '../support/registry.js';
import {
  bundleBytes,
  cosignSignStatement,
  dsseBundle,
  fulcioSigner,
  pushBundleReferrer,
  SIGN_PREDICATE,
} from '../support/signature-artifacts.js';
import { startSigningScene, type SigningScene } from '../support/signing-scene.js';
import { GITHUB_ISSUER, githubClaims, startSigstoreWorld, workflowIdentity, type SigstoreWorld } from '../support/sigstore-world.js';

const IDENTITY = workflowIdentity(githubClaims());
const OTHER_IDENTITY = 'https://github.com/acme/other/.github/workflows/release.yml@refs/heads/main';
const PASSWORD = 'promote-me-4711';

describe('verified promotion from the command line: verify before copy, sign after tagging', () => {
  let scene: SigningScene;
  let registry: TestRegistry;
  let world: SigstoreWorld;
  let work: string;
  let home: string;
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  before(async () => {
    scene = await startSigningScene('oci-copy-promote-cli-');
    ({ registry, world, work } = scene);
    home = join(work, 'home');
    await writeFile(join(work, 'cosign.pub'), keys.publicKey.export({ type: 'spki', format: 'pem' }));
    await writeFile(join(work, 'cosign.key'), encryptCosignKey(keys.privateKey, PASSWORD));
  });

  after(async () => {
    await scene?.stop();
  });

  const image = (repo: string, tag = '1.0') => scene.image(repo, { tag });
  const signedImage = (repo: string, tag = '1.0') => scene.signedImage(repo, { tag });

  const keylessFlags = (identity = IDENTITY) => [
    '--verify-certificate-identity',
    identity,
    '--verify-certificate-oidc-issuer',
    GITHUB_ISSUER,
    '--verify-trusted-root',
    world.trustedRootPath,
  ];
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { home, env: { OCI_COPY_TIMEOUT_SECONDS: '20', ...env } });
  const ref = (repo: string, tag = '1.0') => `${registry.host}/${repo}:${tag}`;

  const repository = (repo: string) => scene.repository(repo);
  const policy: SigningScene['policy'] = (settings) => scene.policy(settings);

  it('copies a signed image, naming who signed it and the run the certificate names, in the log and in --json', async () => {
    const root = await signedImage('cli/signed');
    const run = await cli([...keylessFlags(), '--json', ref('cli/signed'), ref('cli/promoted')]);
    assert.equal(run.code, 0, run.stderr);
    const claims = world.claims;
    assert.match(
      run.stderr,
      new RegExp(
        `Verified ${root.digest}: signed by ${IDENTITY.replace(/[.?]/g, '\\$&')} \\(issuer ${GITHUB_ISSUER.replace(/[.]/g, '\\.')}\\)`,
      ),
    );
    assert.ok(run.stderr.includes(`commit ${claims.sha}`), run.stderr);
    assert.match(run.stderr, /log index \d+/);
    const account = JSON.parse(run.stdout) as { digest: string; verification: Record<string, unknown> };
    assert.equal(account.digest, root.digest);
    assert.equal(account.verification.verified, true);
    assert.equal(account.verification.signer, IDENTITY);
    assert.equal(account.verification.issuer, GITHUB_ISSUER);
    assert.equal(account.verification.commit, claims.sha);
    assert.equal(account.verification.repository, `https://github.com/${claims.repository}`);
    assert.deepEqual(account.verification.predicateTypes, []);
    assert.match(String(account.verification.logIndex), /^\d+$/);
    assert.equal((await getManifest(registry, 'cli/promoted', '1.0')).status, 200);
  });

  it('refuses an unsigned image, and one signed by another identity, in one line, writing nothing at the destination', async () => {
    const root = await image('cli/unsigned');
    const run = await cli([...keylessFlags(), ref('cli/unsigned'), ref('cli/unsigned-out')]);
    assert.equal(run.code, 1, run.stderr);
    const last = run.stderr.trim().split('\n').at(-1)!;
    assert.match(last, new RegExp(`no signature of ${root.digest} satisfies the policy: found none .*required identity`));
    assert.equal((await getManifest(registry, 'cli/unsigned-out', '1.0')).status, 404);
    assert.equal((await getManifest(registry, 'cli/unsigned-out', root.digest)).status, 404, 'not even the manifest by digest');

    await signedImage('cli/other');
    const other = await cli([...keylessFlags(OTHER_IDENTITY), ref('cli/other'), ref('cli/other-out')]);
    assert.equal(other.code, 1, other.stderr);
    const line = other.stderr.trim().split('\n').at(-1)!;
    assert.ok(line.includes(`signed by ${IDENTITY}`) && line.includes(`required identity ${OTHER_IDENTITY}`), line);
    assert.equal((await getManifest(registry, 'cli/other-out', '1.0')).status, 404);
  });

  it('refuses an image whose signature chains to another Sigstore root, naming why, and copies nothing', async () => {
    await mkdir(join(work, 'elsewhere'), { recursive: true });
    const elsewhere = await startSigstoreWorld({ dir: join(work, 'elsewhere') });
    try {
      const root = await image('cli/foreign');
      const bundle = await dsseBundle(fulcioSigner(elsewhere), cosignSignStatement(root.digest), elsewhere, 'rekor');
      await pushBundleReferrer(registry, 'cli/foreign', root, bundleBytes(bundle), SIGN_PREDICATE);
      const run = await cli([...keylessFlags(), ref('cli/foreign'), ref('cli/foreign-out')]);
      assert.equal(run.code, 1, run.stderr);
      const lines = run.stderr.trim().split('\n');
      assert.match(
        lines.at(-1)!,
        new RegExp(`no signature of ${root.digest} satisfies the policy: found 1: a bundle signature .*: .*(certificate|chain|root)`),
      );
      assert.equal((await getManifest(registry, 'cli/foreign-out', '1.0')).status, 404);
    } finally {
      await elsewhere.stop();
    }
  });

  it('in a sync, refuses the unsigned image and copies the signed one; an unchanged destination is verified again with a policy, and stays HEAD-only without one', async () => {
    await signedImage('sync/app', '1.0');
    await image('sync/app', '2.0');
    const list = join(work, 'sync.yml');
    await writeFile(list, `- source: ${registry.host}/sync/app\n  destination: ${registry.host}/sync-out/app\n  tags: ['[12]\\.0']\n`);
    const run = await cli(['sync', ...keylessFlags(), '--json', list]);
    assert.equal(run.code, 1, run.stderr);
    const images = JSON.parse(run.stdout) as Array<{
      source: string;
      status: string;
      refusedBy?: string;
      verification?: Record<string, unknown>;
    }>;
    const byTag = new Map(images.map((i) => [i.source.split(':').at(-1), i]));
    assert.equal(byTag.get('1.0')?.status, 'copied');
    assert.equal(byTag.get('1.0')?.verification?.signer, IDENTITY);
    assert.equal(byTag.get('2.0')?.status, 'failed');
    assert.equal(byTag.get('2.0')?.refusedBy, 'signature-policy');
    assert.equal(byTag.get('2.0')?.verification?.verified, false);
    assert.equal((await getManifest(registry, 'sync-out/app', '1.0')).status, 200);
    assert.equal((await getManifest(registry, 'sync-out/app', '2.0')).status, 404);

    // Again, one image only: the destination has it, and the policy still gates it: its attachments
    // are read (manifests and the signature's own layer, no image blob), nothing is written.
    const one = join(work, 'sync-one.yml');
    await writeFile(one, `- source: ${registry.host}/sync/app:1.0\n  destination: ${registry.host}/sync-out/app\n`);
    await registry.resetRequests();
    const again = await cli(['sync', ...keylessFlags(), '--json', one]);
    assert.equal(again.code, 0, again.stderr);
    const [unchanged] = JSON.parse(again.stdout) as Array<{ status: string; verification?: Record<string, unknown> }>;
    assert.equal(unchanged.status, 'unchanged');
    assert.equal(unchanged.verification?.verified, true);
    assert.equal(unchanged.verification?.signer, IDENTITY);
    const requests = await registry.settledRequests();
    assert.ok(
      requests.some((r) => r.path.includes(`/manifests/sha256-`)),
      'the attachments were looked for',
    );
    assert.ok(
      requests.every((r) => r.method === 'HEAD' || r.method === 'GET'),
      requests.map((r) => `${r.method} ${r.path}`).join(', '),
    );
    assert.match(again.stderr, /Verified sha256:/);

    // Without a policy the same re-run asks HEADs only: nothing is verified.
    await registry.resetRequests();
    const plain = await cli(['sync', '--json', one]);
    assert.equal(plain.code, 0, plain.stderr);
    const [bare] = JSON.parse(plain.stdout) as Array<{ status: string; verification?: unknown }>;
    assert.equal(bare.status, 'unchanged');
    assert.equal(bare.verification, undefined);
    const headOnly = await registry.settledRequests();
    assert.deepEqual(
      headOnly.filter((r) => /\/referrers\/|\/tags\/list|sha256-/.test(r.path)),
      [],
      'no referrer, tag-list or cosign-tag read',
    );
    assert.ok(
      headOnly.every((r) => r.method === 'HEAD'),
      headOnly.map((r) => `${r.method} ${r.path}`).join(', '),
    );
    assert.doesNotMatch(plain.stderr, /Verified/);
  });

  for (const format of ['bundle', 'legacy'] as const) {
    it(`signs the destination digest with a key in the ${format} form, verifiable there afterwards`, async () => {
      const root = await image(`key-${format}/app`);
      const run = await cli(
        [
          '--verify-key',
          join(work, 'cosign.pub'),
          '--sign',
          'key',
          '--sign-key',
          join(work, 'cosign.key'),
          '--signature-format',
          format,
          '--json',
          ref(`key-${format}/app`),
          ref(`key-${format}/out`),
        ],
        { COSIGN_PASSWORD: PASSWORD },
      ).catch((e) => e);
      // The source carries no signature: the policy refuses it. Sign the source with the key first.
      assert.equal(run.code, 1, run.stderr);
      const signed = await cli(
        [
          '--sign',
          'key',
          '--sign-key',
          join(work, 'cosign.key'),
          '--signature-format',
          format,
          '--json',
          ref(`key-${format}/app`),
          ref(`key-${format}/out`),
        ],
        { COSIGN_PASSWORD: PASSWORD },
      );
      assert.equal(signed.code, 0, signed.stderr);
      const account = JSON.parse(signed.stdout) as {
        verification: { signed: { format: string; digest: string; tag?: string; signer: string } };
      };
      assert.equal(account.verification.signed.format, format);
      assert.equal(account.verification.signed.digest, root.digest);
      assert.match(account.verification.signed.signer, /^key SHA256:/);
      assert.match(signed.stderr, new RegExp(`Signed ${root.digest} \\(key, ${format}\\)`));
      if (format === 'legacy') assert.equal(account.verification.signed.tag, `${fallbackTag(root.digest)}.sig`);
      const record = await verifyImage(repository(`key-${format}/out`), root, policy({ key: join(work, 'cosign.pub') }));
      assert.equal(record.verified, true);
      assert.equal(record.found.find((f) => f.accepted)?.form, format);

      // The promoted copy now satisfies the key policy: promoting it on is verified.
      const onward = await cli([
        '--verify-key',
        join(work, 'cosign.pub'),
        '--referrers',
        ref(`key-${format}/out`),
        ref(`key-${format}/final`),
      ]);
      assert.equal(onward.code, 0, onward.stderr);
      assert.match(onward.stderr, /signed by key SHA256:|signed by key/);
    });
  }

  it('with a platform chosen, verifies the signed index it comes from; with --verify-platforms, each platform manifest must be signed too', async () => {
    const root = await scene.signedImage('multi/app', { platforms: 2 });

    const run = await cli([...keylessFlags(), '--platform', 'linux/arm64', '--json', ref('multi/app'), ref('multi/arm')]);
    assert.equal(run.code, 0, run.stderr);
    const account = JSON.parse(run.stdout) as { digest: string; verification: { digest: string; verified: boolean } };
    assert.notEqual(account.digest, root.digest, 'the platform manifest is what was copied');
    assert.equal(account.verification.digest, root.digest, 'the index the source reference names is what was verified');
    assert.ok(run.stderr.includes(`Verified ${root.digest} (the index the copied platform manifest was chosen from)`), run.stderr);

    const every = await cli([...keylessFlags(), '--verify-platforms', ref('multi/app'), ref('multi/all')]);
    assert.equal(every.code, 1, every.stderr);
    assert.match(
      every.stderr.trim().split('\n').at(-1)!,
      /no signature of sha256:[0-9a-f]{64} \(linux\/amd64 of sha256:[0-9a-f]{64}\) satisfies the policy/,
    );
    assert.equal((await getManifest(registry, 'multi/all', '1.0')).status, 404);
  });

  it('signs keyless with the token in SIGSTORE_ID_TOKEN, as cosign reads it, through the Fulcio and Rekor named', async () => {
    const root = await image('keyless/app');
    const token = world.identityToken();
    const run = await cli(
      [
        '--sign',
        'keyless',
        '--sign-fulcio-url',
        world.fulcioUrl,
        '--sign-rekor-url',
        world.rekorUrl,
        '--json',
        ref('keyless/app'),
        ref('keyless/out'),
      ],
      { SIGSTORE_ID_TOKEN: token },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!run.stderr.includes(token) && !run.stdout.includes(token), 'the token is never printed');
    const account = JSON.parse(run.stdout) as {
      verification: { verified: boolean; signed: { mode: string; signer: string; issuer: string; logIndex: string } };
    };
    assert.equal(account.verification.signed.mode, 'keyless');
    assert.equal(account.verification.signed.signer, IDENTITY);
    assert.equal(account.verification.signed.issuer, GITHUB_ISSUER);
    assert.match(account.verification.signed.logIndex, /^\d+$/);
    const there = await verifyImage(
      repository('keyless/out'),
      root,
      policy({ certificateIdentity: IDENTITY, certificateOidcIssuer: GITHUB_ISSUER }),
    );
    assert.equal(there.verified, true);
    assert.equal(there.tlogIndex, account.verification.signed.logIndex);
  });

  it('a dry run verifies and reports, says what it would sign, and neither copies nor signs', async () => {
    const root = await signedImage('dry/app');
    const run = await cli(
      ['--dry-run', ...keylessFlags(), '--sign', 'key', '--sign-key', join(work, 'cosign.key'), '--json', ref('dry/app'), ref('dry/out')],
      { COSIGN_PASSWORD: PASSWORD },
    );
    assert.equal(run.code, 0, run.stderr);
    const account = JSON.parse(run.stdout) as { verification: Record<string, any> };
    assert.equal(account.verification.verified, true);
    assert.equal(account.verification.signed.state, 'would-sign');
    assert.match(run.stderr, new RegExp(`Would sign ${root.digest} \\(key, bundle\\) as key SHA256:`));
    assert.match(run.stderr, /Verified sha256:/);
    assert.equal((await getManifest(registry, 'dry/out', '1.0')).status, 404);
    assert.equal((await getManifest(registry, 'dry/out', root.digest)).status, 404);
    assert.equal((await getManifest(registry, 'dry/out', fallbackTag(root.digest))).status, 404);

    const unsigned = await image('dry/unsigned');
    const refused = await cli(['--dry-run', ...keylessFlags(), ref('dry/unsigned'), ref('dry/out2')]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr.trim().split('\n').at(-1)!, new RegExp(`no signature of ${unsigned.digest}`));
  });

  it('bad settings are one line each, before anything is copied', async () => {
    await image('bad/app');
    const cases: Array<[string[], Record<string, string>, RegExp, number]> = [
      [['--sign', 'maybe'], {}, /^oci-copy: --sign is maybe: use keyless .* or key/, 2],
      [['--sign', 'key'], {}, /--sign is key but --sign-key is missing/, 2],
      [['--sign', 'key', '--sign-key', join(work, 'cosign.key')], { COSIGN_PASSWORD: 'Xq7-bogus' }, /--sign-key .*password|password/i, 2],
      [['--signature-format', 'v2', '--sign', 'key', '--sign-key', join(work, 'cosign.key')], {}, /--signature-format is v2/, 2],
      [['--sign', 'keyless'], {}, /--sign keyless needs an OIDC identity token: set SIGSTORE_ID_TOKEN/, 2],
      [['--verify-certificate-identity', IDENTITY], {}, /--verify-certificate-oidc-issuer is missing/, 2],
      [['--verify-key', join(work, 'nope.pub')], {}, /--verify-key names .*nope\.pub.*does not exist/, 2],
    ];
    for (const [flags, env, pattern, code] of cases) {
      const run = await cli([...flags, ref('bad/app'), ref('bad/out')], env);
      const lines = run.stderr.trim().split('\n');
      assert.equal(run.code, code, `${flags.join(' ')}: ${run.stderr}`);
      assert.equal(lines.length, 1, `one line for ${flags.join(' ')}: ${run.stderr}`);
      assert.match(lines[0], pattern);
      assert.ok(!run.stderr.includes(PASSWORD) && !run.stderr.includes('Xq7-bogus'), 'no password in the line');
    }
    assert.equal((await getManifest(registry, 'bad/out', '1.0')).status, 404);
  });
});
