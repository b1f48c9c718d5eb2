import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyPairKeyObjectResult } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sync } from '../../src/api/sync.js';
import { SignatureRefusedError } from '../../src/signatures/errors.js';
import type { VerifyPolicySettings } from '../../src/signatures/policy.js';
import { keyFingerprint } from '../../src/signatures/public-key.js';
import { verifyImage } from '../../src/signatures/verify.js';
import { runCli } from '../support/cli.js';
import { encryptCosignKey } from '../support/cosign-key-file.js';
import type { TestDescriptor } from '../support/images.js';
import { fallbackTag, getManifest } from '../support/referrer-artifacts.js';
import type { TestRegistry } from '../support/registry.js';
import { startSigningScene, type SigningScene } from '../support/signing-scene.js';
import { ACTION_COMPILED, runAction } from '../support/run-action.js';
import { BUNDLE_TYPE, IN_TOTO, pae } from '../support/signature-artifacts.js';
import { GITHUB_ISSUER, githubClaims, workflowIdentity, type SigstoreWorld } from '../support/sigstore-world.js';
import { opensslVerifies as verifiedByOpenssl } from '../support/openssl.js';

const IDENTITY = workflowIdentity(githubClaims());
const PASSWORD_A = 'entry-key-a-0815';
const PASSWORD_B = 'step-key-b-4711';
const WRONG = 'Qv9-not-the-password';

/** What one destination carries for a digest: cosign's `.sig` tag (its layers) and the referrers in the `sha256-<hex>` index. */
interface Attached {
  legacyLayers: Array<{ digest: string; annotations: Record<string, string> }>;
  referrers: Array<{ digest: string; artifactType?: string }>;
}

describe('per-entry signing in a sync: each destination carries exactly the signature its entry asked for', () => {
  let scene: SigningScene;
  let registry: TestRegistry;
  let world: SigstoreWorld;
  let work: string;
  let home: string;
  const keyA = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyB = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pub = (k: KeyPairKeyObjectResult) => k.publicKey.export({ type: 'spki', format: 'pem' }).toString();

  before(async () => {
    scene = await startSigningScene('oci-copy-entry-sign-');
    ({ registry, world, work } = scene);
    home = join(work, 'home');
    await writeFile(join(work, 'a.key'), encryptCosignKey(keyA.privateKey, PASSWORD_A, 32768));
    await writeFile(join(work, 'b.key'), encryptCosignKey(keyB.privateKey, PASSWORD_B, 32768));
  });

  after(async () => {
    await scene?.stop();
  });

  const image = (repo: string) => scene.image(repo);
  const repository = (repo: string) => scene.repository(repo);
  const policy = (settings: VerifyPolicySettings) => scene.policy(settings);
  const blob = (repo: string, digest: string) => scene.blob(repo, digest);

  async function attached(repo: string, root: TestDescriptor): Promise<Attached> {
    const sig = await getManifest(registry, repo, `${fallbackTag(root.digest)}.sig`);
    const index = await getManifest(registry, repo, fallbackTag(root.digest));
    return {
      legacyLayers: sig.status === 200 ? ((sig.doc as Record<string, any>).layers as Attached['legacyLayers']) : [],
      referrers: index.status === 200 ? index.doc!.manifests : [],
    };
  }

  /** `openssl` verifies the signature (see support/openssl.ts). */
  const opensslVerifies = (publicPem: string, data: Buffer, signature: Buffer) =>
    verifiedByOpenssl(work, publicPem, data, signature, '-sha256');

  /** The one legacy signature at `repo`: by `signer` (openssl checks the payload's signature), by nobody else. */
  async function assertLegacyBy(
    repo: string,
    root: TestDescriptor,
    signer: KeyPairKeyObjectResult,
    other: KeyPairKeyObjectResult,
  ): Promise<void> {
    const { legacyLayers, referrers } = await attached(repo, root);
    assert.equal(legacyLayers.length, 1, `${repo}: one .sig layer`);
    assert.deepEqual(referrers, [], `${repo}: no bundle referrer`);
    const payload = await blob(repo, legacyLayers[0].digest);
    assert.equal(JSON.parse(payload.toString()).critical.image['docker-manifest-digest'], root.digest);
    const signature = Buffer.from(legacyLayers[0].annotations['dev.cosignproject.cosign/signature'], 'base64');
    assert.ok(await opensslVerifies(pub(signer), payload, signature), `${repo}: openssl verifies the signature with the entry's key`);
    assert.ok(!(await opensslVerifies(pub(other), payload, signature)), `${repo}: and not with the other key`);
    const record = await verifyImage(repository(repo), root, policy({ key: pub(signer) }));
    assert.deepEqual(
      record.found.map((f) => [f.form, f.accepted]),
      [['legacy', true]],
    );
  }

  /** The one bundle referrer at `repo`, signed with `signer`'s key (openssl checks the DSSE signature), and no `.sig` tag. */
  async function assertKeyBundleBy(
    repo: string,
    root: TestDescriptor,
    signer: KeyPairKeyObjectResult,
    other: KeyPairKeyObjectResult,
  ): Promise<void> {
    const { legacyLayers, referrers } = await attached(repo, root);
    assert.deepEqual(legacyLayers, [], `${repo}: no .sig tag`);
    assert.equal(referrers.length, 1, `${repo}: one referrer`);
    assert.equal(referrers[0].artifactType, BUNDLE_TYPE);
    const manifest = (await getManifest(registry, repo, referrers[0].digest)).doc as Record<string, any>;
    const bundle = JSON.parse((await blob(repo, manifest.layers[0].digest)).toString()) as {
      dsseEnvelope: { payload: string; signatures: Array<{ sig: string }> };
    };
    const signature = Buffer.from(bundle.dsseEnvelope.signatures[0].sig, 'base64');
    const signed = pae(IN_TOTO, Buffer.from(bundle.dsseEnvelope.payload, 'base64'));
    assert.ok(await opensslVerifies(pub(signer), signed, signature), `${repo}: openssl verifies the bundle's signature with the key`);
    assert.ok(!(await opensslVerifies(pub(other), signed, signature)), `${repo}: and not with the other key`);
    const record = await verifyImage(repository(repo), root, policy({ key: pub(signer) }));
    assert.deepEqual(
      record.found.map((f) => [f.form, f.accepted]),
      [['bundle', true]],
    );
    await assert.rejects(verifyImage(repository(repo), root, policy({ key: pub(other) })), SignatureRefusedError);
  }

  async function assertKeylessBundle(repo: string, root: TestDescriptor): Promise<void> {
    const { legacyLayers, referrers } = await attached(repo, root);
    assert.deepEqual(legacyLayers, [], `${repo}: no .sig tag`);
    assert.deepEqual(
      referrers.map((r) => r.artifactType),
      [BUNDLE_TYPE],
      `${repo}: one bundle referrer`,
    );
    const record = await verifyImage(
      repository(repo),
      root,
      policy({ certificateIdentity: IDENTITY, certificateOidcIssuer: GITHUB_ISSUER }),
    );
    assert.deepEqual(
      record.found.map((f) => [f.form, f.accepted]),
      [['bundle', true]],
    );
    await assert.rejects(verifyImage(repository(repo), root, policy({ key: pub(keyA) })), SignatureRefusedError, 'no key signed it');
  }

  async function assertUnsigned(repo: string, root: TestDescriptor): Promise<void> {
    assert.equal((await getManifest(registry, repo, '1.0')).status, 200, `${repo}: copied`);
    assert.deepEqual(await attached(repo, root), { legacyLayers: [], referrers: [] }, `${repo}: no signature of any form`);
  }

  const runnerToken = () => ({
    ACTIONS_ID_TOKEN_REQUEST_URL: world.tokenRequestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: world.tokenRequestToken,
  });
  const errors = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('::error::'));
  const entry = (src: string, dst: string, ...lines: string[]) =>
    [`- source: ${registry.host}/${src}:1.0`, `  destination: ${registry.host}/${dst}`, ...lines.map((l) => `  ${l}`)].join('\n');
  const writes = (requests: Array<{ method: string; path: string }>) =>
    requests.filter((r) => !['GET', 'HEAD'].includes(r.method)).map((r) => `${r.method} ${r.path}`);

  it("the action: key A legacy, keyless bundle, sign: false and the step's key B, each as asked, said in the log, the summary and the outputs; a re-run finds each signature there and signs nothing", async () => {
    const [a, k, off, step] = await Promise.all([image('act/a'), image('act/k'), image('act/off'), image('act/step')]);
    const images = [
      // Its password from COSIGN_PASSWORD: the step's sign-key-password is the step's key's.
      entry('act/a', 'act-out/a', 'sign: key', `sign-key: ${join(work, 'a.key')}`, 'signature-format: legacy'),
      entry('act/k', 'act-out/k', 'sign: keyless', `sign-fulcio-url: ${world.fulcioUrl}`, `sign-rekor-url: ${world.rekorUrl}`),
      entry('act/off', 'act-out/off', 'sign: false'),
      entry('act/step', 'act-out/step'),
    ].join('\n');
    const inputs = { images, sign: 'key', 'sign-key': join(work, 'b.key'), 'sign-key-password': PASSWORD_B, 'blob-cache': 'false' };
    const env = { ...runnerToken(), COSIGN_PASSWORD: PASSWORD_A };
    const tokensBefore = world.tokenRequests().length;
    const run = await runAction(inputs, env, ACTION_COMPILED);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(world.tokenRequests().length - tokensBefore, 1, 'one token, for the one keyless image');

    await assertLegacyBy('act-out/a', a, keyA, keyB);
    await assertKeylessBundle('act-out/k', k);
    await assertUnsigned('act-out/off', off);
    await assertKeyBundleBy('act-out/step', step, keyB, keyA);

    // The log: a Signed line per signed image, in its entry's mode and form; none for the entry that turned it off.
    const fpA = keyFingerprint(keyA.publicKey);
    const fpB = keyFingerprint(keyB.publicKey);
    assert.ok(run.stdout.includes(`Signed ${a.digest} (key, legacy) as key ${fpA}: tag ${fallbackTag(a.digest)}.sig`), run.stdout);
    assert.ok(
      run.stdout.includes(`Signed ${k.digest} (keyless, bundle) as ${IDENTITY} (issuer ${GITHUB_ISSUER}): referrer sha256:`),
      run.stdout,
    );
    assert.ok(run.stdout.includes(`Signed ${step.digest} (key, bundle) as key ${fpB}: referrer sha256:`), run.stdout);
    assert.ok(!run.stdout.includes(`Signed ${off.digest}`), run.stdout);

    // The images output: each image's signing, or none.
    const records = JSON.parse(run.outputs.images) as Array<{
      source: string;
      status: string;
      verification?: { signed?: Record<string, string> };
    }>;
    const signed = (src: string) => records.find((r) => r.source === `${registry.host}/${src}:1.0`)!;
    assert.deepEqual(
      records.map((r) => r.status),
      ['copied', 'copied', 'copied', 'copied'],
    );
    assert.deepEqual(
      ['act/a', 'act/k', 'act/step'].map((src) => {
        const s = signed(src).verification?.signed;
        return [s?.mode, s?.format, s?.signer];
      }),
      [
        ['key', 'legacy', `key ${fpA}`],
        ['keyless', 'bundle', IDENTITY],
        ['key', 'bundle', `key ${fpB}`],
      ],
    );
    assert.equal(signed('act/a').verification?.signed?.tag, `${fallbackTag(a.digest)}.sig`);
    assert.equal(signed('act/off').verification, undefined, 'sign: false: nothing signed, nothing said');
    const verification = JSON.parse(run.outputs.verification) as Array<{ source: string; signed: { digest: string } }>;
    assert.deepEqual(verification.map((v) => v.signed.digest).sort(), [a.digest, k.digest, step.digest].sort());

    // The summary: the table marks the signed rows, and the lines under it name each signing.
    assert.equal(run.summary.split('🔏 signed, key (below)').length - 1, 2, run.summary);
    assert.equal(run.summary.split('🔏 signed, keyless (below)').length - 1, 1, run.summary);
    assert.ok(run.summary.includes(`Signed ${a.digest} (key, legacy)`), run.summary);
    assert.ok(run.summary.includes(`Signed ${k.digest} (keyless, bundle)`), run.summary);
    assert.ok(run.summary.includes(`Signed ${step.digest} (key, bundle)`), run.summary);
    assert.ok(!run.summary.includes(`Signed ${off.digest}`), run.summary);

    // Again: every destination has its image and its signature by the entry's signer, so nothing is
    // signed; one token is asked for, to know the identity the keyless entry signs as.
    const tokensNow = world.tokenRequests().length;
    const again = await runAction(inputs, env, ACTION_COMPILED);
    assert.equal(again.code, 0, again.stdout);
    assert.deepEqual(
      (JSON.parse(again.outputs.images) as Array<{ status: string }>).map((r) => r.status),
      ['unchanged', 'unchanged', 'unchanged', 'unchanged'],
    );
    assert.equal(world.tokenRequests().length - tokensNow, 1, 'one token, to tell the keyless signer');
    assert.doesNotMatch(again.stdout, /Signed sha256:/);
    assert.ok(
      again.stdout.includes(`Not signed again: ${a.digest} is already signed by key ${fpA} (tag ${fallbackTag(a.digest)}.sig, legacy)`),
      again.stdout,
    );
    assert.ok(
      again.stdout.includes(`Not signed again: ${k.digest} is already signed by ${IDENTITY} (issuer ${GITHUB_ISSUER}) (referrer sha256:`),
      again.stdout,
    );
    assert.ok(again.stdout.includes(`Not signed again: ${step.digest} is already signed by key ${fpB} (referrer sha256:`), again.stdout);
    assert.ok(!again.stdout.includes(`${off.digest} is already signed`), again.stdout);
    const againRecords = JSON.parse(again.outputs.images) as Array<{
      source: string;
      verification?: { verified?: boolean; signed?: Record<string, string> };
    }>;
    const stepAgain = againRecords.find((r) => r.source === `${registry.host}/act/step:1.0`)!.verification!;
    assert.equal(stepAgain.signed?.state, 'already-signed');
    assert.ok(!('verified' in stepAgain), 'signed with no policy: verified is absent, not false');
    assert.equal((await attached('act-out/a', a)).legacyLayers.length, 1, 'no second signature');
    assert.equal((await attached('act-out/step', step)).referrers.length, 1, 'no second bundle');
  });

  it('the action refuses a bad entry in one line naming the entry and field, before anything is written', async () => {
    await Promise.all([image('bad/a'), image('bad/b'), image('bad/c')]);
    const good = [
      entry('bad/a', 'bad-out/a', 'sign: key', `sign-key: ${join(work, 'a.key')}`, `sign-key-password: ${PASSWORD_A}`),
      entry('bad/b', 'bad-out/b', 'sign: false'),
    ];
    // The third entry starts on line 9: the first takes 5 lines, the second 3.
    const at = (n: number, field: string) => `input "images": entry ${n} \\(line 9\\), field "${field}"`;
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      [entry('bad/c', 'bad-out/c', 'sign: sometimes'), {}, new RegExp(`^::error::${at(3, 'sign')} is "sometimes": use keyless .* or key`)],
      [
        entry('bad/c', 'bad-out/c', `sign-key: ${join(work, 'b.key')}`),
        {},
        new RegExp(`^::error::${at(3, 'sign-key')} is given but nothing is signed: set ${at(3, 'sign')} to keyless or key$`),
      ],
      [
        entry('bad/c', 'bad-out/c', 'sign: keyless', `sign-key: ${join(work, 'b.key')}`),
        {},
        new RegExp(`^::error::${at(3, 'sign-key')} is given but ${at(3, 'sign')} is keyless`),
      ],
      [
        entry('bad/c', 'bad-out/c', 'sign: key', `sign-key: ${join(work, 'b.key')}`, `sign-key-password: ${WRONG}`),
        runnerToken(),
        new RegExp(
          `^::error::${at(3, 'sign-key')} \\(${join(work, 'b.key').replace(/[.]/g, '\\.')}\\) could not be decrypted: the password is wrong`,
        ),
      ],
      [
        entry('bad/c', 'bad-out/c', 'sign: keyless'),
        {},
        /^::error::input "images": entry 3 \(line 9\) signs keyless but the runner offers no OIDC token: give the job "permissions: id-token: write"$/,
      ],
    ];
    for (const [third, env, pattern] of cases) {
      await registry.resetRequests();
      const tokensBefore = world.tokenRequests().length;
      const run = await runAction({ images: [...good, third].join('\n'), 'blob-cache': 'false' }, env, ACTION_COMPILED);
      assert.equal(run.code, 1, third);
      const lines = errors(run.stdout);
      assert.equal(lines.length, 1, run.stdout);
      assert.match(lines[0], pattern);
      assert.deepEqual(writes(await registry.settledRequests()), [], `nothing written for any entry: ${third}`);
      assert.equal(world.tokenRequests().length, tokensBefore, 'no token asked for');
      if (third.includes(WRONG)) {
        assert.ok(run.stdout.includes(`::add-mask::${WRONG}`), "the entry's password is masked");
        assert.ok(!lines[0].includes(WRONG), 'and not in the line');
      }
    }
    for (const repo of ['bad-out/a', 'bad-out/b', 'bad-out/c']) assert.equal((await getManifest(registry, repo, '1.0')).status, 404, repo);
  });

  it("the command line: the same list from a file, the step's signing from flags; --json gives each image's signing; a wrong password in an entry stops it first", async () => {
    const [a, k, off, step] = await Promise.all([image('cli/a'), image('cli/k'), image('cli/off'), image('cli/step')]);
    const list = join(work, 'mirror.yml');
    await writeFile(
      list,
      [
        entry(
          'cli/a',
          'cli-out/a',
          'sign: key',
          `sign-key: ${join(work, 'a.key')}`,
          `sign-key-password: ${PASSWORD_A}`,
          'signature-format: legacy',
        ),
        entry('cli/k', 'cli-out/k', 'sign: keyless', `sign-fulcio-url: ${world.fulcioUrl}`, `sign-rekor-url: ${world.rekorUrl}`),
        entry('cli/off', 'cli-out/off', 'sign: false'),
        entry('cli/step', 'cli-out/step'),
      ].join('\n'),
    );
    const run = await runCli(['sync', '--sign', 'key', '--sign-key', join(work, 'b.key'), '--json', list], {
      home,
      env: { COSIGN_PASSWORD: PASSWORD_B, SIGSTORE_ID_TOKEN: world.identityToken(), OCI_COPY_TIMEOUT_SECONDS: '20' },
    });
    assert.equal(run.code, 0, run.stderr);
    const fpA = keyFingerprint(keyA.publicKey);
    const fpB = keyFingerprint(keyB.publicKey);
    const images = JSON.parse(run.stdout) as Array<{ source: string; status: string; verification?: { signed?: Record<string, string> } }>;
    const by = (src: string) => images.find((i) => i.source === `${registry.host}/${src}:1.0`)!;
    const signing = (src: string) => {
      const s = by(src).verification?.signed;
      return s ? [s.mode, s.format, s.signer] : undefined;
    };
    assert.deepEqual(signing('cli/a'), ['key', 'legacy', `key ${fpA}`]);
    assert.deepEqual(signing('cli/k'), ['keyless', 'bundle', IDENTITY]);
    assert.deepEqual(signing('cli/step'), ['key', 'bundle', `key ${fpB}`]);
    assert.equal(by('cli/off').status, 'copied');
    assert.equal(by('cli/off').verification, undefined);
    assert.match(run.stderr, new RegExp(`Signed ${a.digest} \\(key, legacy\\) as key `));
    assert.match(run.stderr, new RegExp(`Signed ${k.digest} \\(keyless, bundle\\)`));
    assert.match(run.stderr, new RegExp(`Signed ${step.digest} \\(key, bundle\\)`));
    assert.doesNotMatch(run.stderr, new RegExp(`Signed ${off.digest}`));
    await assertLegacyBy('cli-out/a', a, keyA, keyB);
    await assertKeylessBundle('cli-out/k', k);
    await assertUnsigned('cli-out/off', off);
    await assertKeyBundleBy('cli-out/step', step, keyB, keyA);

    // A wrong password in the second entry: one line naming it, exit 2, nothing written for the first either.
    await Promise.all([image('cli2/a'), image('cli2/b')]);
    const bad = join(work, 'bad.yml');
    await writeFile(
      bad,
      [
        entry('cli2/a', 'cli2-out/a', 'sign: key', `sign-key: ${join(work, 'a.key')}`, `sign-key-password: ${PASSWORD_A}`),
        entry('cli2/b', 'cli2-out/b', 'sign: key', `sign-key: ${join(work, 'b.key')}`),
      ].join('\n'),
    );
    await registry.resetRequests();
    const refused = await runCli(['sync', bad], { home, env: { COSIGN_PASSWORD: WRONG } });
    assert.equal(refused.code, 2, refused.stderr);
    const lines = refused.stderr.trim().split('\n');
    assert.equal(lines.length, 1, refused.stderr);
    assert.match(
      lines[0],
      /^oci-copy: .*bad\.yml: entry 2 \(line 6\), field "sign-key" \(.*b\.key\) could not be decrypted: the password is wrong/,
    );
    assert.ok(!refused.stderr.includes(WRONG) && !refused.stderr.includes(PASSWORD_A), 'no password in the line');
    assert.deepEqual(writes(await registry.settledRequests()), [], 'nothing written');
    assert.equal((await getManifest(registry, 'cli2-out/a', '1.0')).status, 404);
  });

  it("the library's sync() signs an entry as its keys say without being handed a stage, and leaves sign: false alone", async () => {
    const [a, off] = await Promise.all([image('lib/a'), image('lib/off')]);
    const list = [
      entry(
        'lib/a',
        'lib-out/a',
        'sign: key',
        `sign-key: ${join(work, 'a.key')}`,
        `sign-key-password: ${PASSWORD_A}`,
        'signature-format: legacy',
      ),
      entry('lib/off', 'lib-out/off', 'sign: false'),
    ].join('\n');
    const outcome = await sync(list);
    assert.deepEqual(
      outcome.results.map((r) => [r.status, r.checks.sign?.mode, r.checks.sign?.format]),
      [
        ['copied', 'key', 'legacy'],
        ['copied', undefined, undefined],
      ],
    );
    await assertLegacyBy('lib-out/a', a, keyA, keyB);
    await assertUnsigned('lib-out/off', off);
  });

  it("the library's sync() stops before any copy when an entry's key password is wrong, as the action and the command line do", async () => {
    await image('lib/wrong');
    const list = [entry('lib/wrong', 'lib-out/wrong', 'sign: key', `sign-key: ${join(work, 'b.key')}`, `sign-key-password: ${WRONG}`)].join(
      '\n',
    );
    await registry.resetRequests();
    await assert.rejects(sync(list), (err: Error) => {
      assert.match(err.message, /entry 1 \(line 1\), field "sign-key" \(.*b\.key\) could not be decrypted: the password is wrong/);
      assert.ok(!err.message.includes(WRONG), 'no password in the message');
      return true;
    });
    assert.deepEqual(writes(await registry.settledRequests()), [], 'nothing written');
  });
});
