import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sync } from '../../src/api/sync.js';
import { keyFingerprint } from '../../src/signatures/public-key.js';
import { signImage } from '../../src/signatures/sign.js';
import { verifyImage } from '../../src/signatures/verify.js';
import { runCli } from '../support/cli.js';
import { encryptCosignKey } from '../support/cosign-key-file.js';
import { fallbackTag, getManifest } from '../support/referrer-artifacts.js';
import type { TestRegistry } from '../support/registry.js';
import { ACTION_COMPILED, runAction } from '../support/run-action.js';
import {
  bundleBytes,
  cosignSignStatement,
  dsseBundle,
  fulcioSigner,
  pushBundleReferrer,
  SIGN_PREDICATE,
} from '../support/signature-artifacts.js';
import { startSigningScene, type SigningScene } from '../support/signing-scene.js';
import { GITHUB_ISSUER, githubClaims, workflowIdentity, type SigstoreWorld } from '../support/sigstore-world.js';

const IDENTITY = workflowIdentity(githubClaims());
const PASSWORD = 'rerun-key-2718';
/** A port nothing listens on: a Fulcio or Rekor that cannot be reached. */
const DOWN = 'http://127.0.0.1:9';

/**
 * `sign` means the destination digest ends up signed, and a verify policy gates every run: a run
 * that finds the image already there signs it when its signer has not, says so when it has, and
 * verifies it like any other. Through the action, the command line and the library, against the
 * real registry and the mocked Sigstore of the signing scene.
 */
describe('signing and verification on a re-run: the destination digest ends up signed, and a policy gates every run', () => {
  let scene: SigningScene;
  let registry: TestRegistry;
  let world: SigstoreWorld;
  let work: string;
  let home: string;
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const fingerprint = keyFingerprint(keys.publicKey);

  before(async () => {
    scene = await startSigningScene('oci-copy-rerun-');
    ({ registry, world, work } = scene);
    home = join(work, 'home');
    await writeFile(join(work, 'cosign.key'), encryptCosignKey(keys.privateKey, PASSWORD, 32768));
    await writeFile(join(work, 'other.key'), encryptCosignKey(other.privateKey, PASSWORD, 32768));
    await writeFile(join(work, 'cosign.pub'), keys.publicKey.export({ type: 'spki', format: 'pem' }));
  });

  after(async () => {
    await scene?.stop();
  });

  const ref = (repo: string) => `${registry.host}/${repo}:1.0`;
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { home, env: { OCI_COPY_TIMEOUT_SECONDS: '20', ...env } });
  const runnerToken = () => ({
    ACTIONS_ID_TOKEN_REQUEST_URL: world.tokenRequestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: world.tokenRequestToken,
  });
  const errors = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('::error::'));
  const writes = (requests: Array<{ method: string; path: string }>) =>
    requests.filter((r) => !['GET', 'HEAD'].includes(r.method)).map((r) => `${r.method} ${r.path}`);
  const keyPolicy = () => scene.policy({ key: join(work, 'cosign.pub') });
  const identityPolicy = () => scene.policy({ certificateIdentity: IDENTITY, certificateOidcIssuer: GITHUB_ISSUER });
  const entry = (src: string, dst: string, ...lines: string[]) =>
    [`- source: ${registry.host}/${src}:1.0`, `  destination: ${registry.host}/${dst}`, ...lines.map((l) => `  ${l}`)].join('\n');
  const keylessPolicyInputs = () => ({
    'verify-certificate-identity': IDENTITY,
    'verify-certificate-oidc-issuer': GITHUB_ISSUER,
    'verify-trusted-root': world.trustedRootPath,
  });

  /** The bundle referrers and `.sig` layers attached to `digest` in `repo`. */
  async function signatureCount(repo: string, digest: string): Promise<number> {
    const index = await getManifest(registry, repo, fallbackTag(digest));
    const sig = await getManifest(registry, repo, `${fallbackTag(digest)}.sig`);
    return (
      (index.status === 200 ? index.doc!.manifests.length : 0) +
      (sig.status === 200 ? (sig.doc as unknown as { layers: unknown[] }).layers.length : 0)
    );
  }

  describe('the action', () => {
    it('tells the verification before the copy tags anything', async () => {
      const root = await scene.signedImage('act-order/app');
      const run = await runAction(
        { ...keylessPolicyInputs(), source: ref('act-order/app'), destination: ref('act-order/out'), 'blob-cache': 'false' },
        {},
        ACTION_COMPILED,
      );
      assert.equal(run.code, 0, run.stdout);
      const verified = run.stdout.indexOf(`Verified ${root.digest}: signed by ${IDENTITY}`);
      const tagged = run.stdout.indexOf('Tagged  1.0');
      assert.ok(verified >= 0 && tagged >= 0 && verified < tagged, run.stdout);
      assert.equal(run.stdout.split(`Verified ${root.digest}`).length - 1, 1, 'told once');
      assert.equal(run.summary.split(`Verified ${root.digest}`).length - 1, 1, `once in the summary: ${run.summary}`);
    });

    it('a re-run after a failed signing signs the digest already there; the run after that finds it signed and writes nothing', async () => {
      const root = await scene.image('act-mend/app');
      const inputs = {
        source: ref('act-mend/app'),
        destination: ref('act-mend/out'),
        'blob-cache': 'false',
        sign: 'keyless',
        'sign-rekor-url': world.rekorUrl,
      };
      const failed = await runAction({ ...inputs, 'sign-fulcio-url': DOWN }, runnerToken(), ACTION_COMPILED);
      assert.equal(failed.code, 1, failed.stdout);
      assert.ok(errors(failed.stdout)[0]?.startsWith(`::error::${root.digest} is copied and tagged, but not signed: `), failed.stdout);
      assert.equal(await signatureCount('act-mend/out', root.digest), 0);

      const mended = await runAction({ ...inputs, 'sign-fulcio-url': world.fulcioUrl }, runnerToken(), ACTION_COMPILED);
      assert.equal(mended.code, 0, mended.stdout);
      assert.ok(mended.stdout.includes(`Unchanged: ${ref('act-mend/out')} already names ${root.digest}`), mended.stdout);
      assert.ok(
        mended.stdout.includes(`Signed ${root.digest} (keyless, bundle) as ${IDENTITY} (issuer ${GITHUB_ISSUER}): referrer sha256:`),
        mended.stdout,
      );
      const [record] = JSON.parse(mended.outputs.verification) as Array<Record<string, any>>;
      assert.equal(record.signed.state, 'signed');
      assert.ok(!('verified' in record), 'no policy: verified is absent, not false');
      assert.equal((await verifyImage(scene.repository('act-mend/out'), root, identityPolicy())).verified, true);
      assert.ok(mended.summary.includes('nothing was copied, only the signature above was written'), mended.summary);

      await registry.resetRequests();
      const again = await runAction({ ...inputs, 'sign-fulcio-url': world.fulcioUrl }, runnerToken(), ACTION_COMPILED);
      assert.equal(again.code, 0, again.stdout);
      assert.ok(
        again.stdout.includes(
          `Not signed again: ${root.digest} is already signed by ${IDENTITY} (issuer ${GITHUB_ISSUER}) (referrer sha256:`,
        ),
        again.stdout,
      );
      assert.doesNotMatch(again.stdout, /Signed sha256:/);
      assert.deepEqual(writes(await registry.settledRequests()), [], 'nothing written');
      assert.equal(await signatureCount('act-mend/out', root.digest), 1);
      const [already] = JSON.parse(again.outputs.verification) as Array<Record<string, any>>;
      assert.equal(already.signed.state, 'already-signed');
      assert.equal(already.signed.signer, IDENTITY);
      assert.ok(again.summary.includes(`Not signed again: ${root.digest}`), again.summary);
      assert.ok(again.summary.includes('nothing was copied, nothing was written'), again.summary);
    });

    it('with a policy, an unsigned image the destination already holds fails the step, naming the digest and that it is there; once signed it passes', async () => {
      const root = await scene.image('act-held/app');
      const copy = { source: ref('act-held/app'), destination: ref('act-held/out'), 'blob-cache': 'false' };
      assert.equal((await runAction(copy, {}, ACTION_COMPILED)).code, 0);

      const gated = await runAction({ ...copy, ...keylessPolicyInputs() }, {}, ACTION_COMPILED);
      assert.equal(gated.code, 1, gated.stdout);
      const lines = errors(gated.stdout);
      assert.equal(lines.length, 1, gated.stdout);
      assert.ok(
        lines[0].includes(`no signature of ${root.digest} satisfies the policy`) &&
          lines[0].includes(`the destination already holds ${root.digest}`),
        lines[0],
      );
      const [refused] = JSON.parse(gated.outputs.verification) as Array<Record<string, any>>;
      assert.equal(refused.verified, false);

      const bundle = await dsseBundle(fulcioSigner(world), cosignSignStatement(root.digest), world, 'rekor');
      await pushBundleReferrer(registry, 'act-held/app', root, bundleBytes(bundle), SIGN_PREDICATE);
      const passed = await runAction({ ...copy, ...keylessPolicyInputs() }, {}, ACTION_COMPILED);
      assert.equal(passed.code, 0, passed.stdout);
      assert.ok(passed.stdout.includes(`Verified ${root.digest}: signed by ${IDENTITY}`), passed.stdout);
      assert.equal(JSON.parse(passed.outputs.images)[0].status, 'unchanged');
      assert.equal((JSON.parse(passed.outputs.verification) as Array<Record<string, any>>)[0].verified, true);
    });

    it('a dry run says what it would sign, for an image to copy and for one already there unsigned, and writes nothing', async () => {
      const root = await scene.image('act-dry/app');
      const copy = {
        source: ref('act-dry/app'),
        'blob-cache': 'false',
        sign: 'key',
        'sign-key': join(work, 'cosign.key'),
        'sign-key-password': PASSWORD,
        'dry-run': 'true',
      };
      const fresh = await runAction({ ...copy, destination: ref('act-dry/out') }, {}, ACTION_COMPILED);
      assert.equal(fresh.code, 0, fresh.stdout);
      assert.ok(fresh.stdout.includes(`Would sign ${root.digest} (key, bundle) as key ${fingerprint}`), fresh.stdout);
      assert.equal((await getManifest(registry, 'act-dry/out', root.digest)).status, 404);

      await runAction({ source: ref('act-dry/app'), destination: ref('act-dry/out'), 'blob-cache': 'false' }, {}, ACTION_COMPILED);
      await registry.resetRequests();
      const there = await runAction({ ...copy, destination: ref('act-dry/out') }, {}, ACTION_COMPILED);
      assert.equal(there.code, 0, there.stdout);
      assert.ok(there.stdout.includes(`Would sign ${root.digest} (key, bundle) as key ${fingerprint}`), there.stdout);
      const [record] = JSON.parse(there.outputs.verification) as Array<Record<string, any>>;
      assert.equal(record.signed.state, 'would-sign');
      assert.deepEqual(writes(await registry.settledRequests()), [], 'nothing written');
      assert.equal(await signatureCount('act-dry/out', root.digest), 0);
    });
  });

  describe('the command line', () => {
    it('a re-run after a failed signing signs the digest already there; then it is left alone; a dry run says which', async () => {
      const root = await scene.image('cli-mend/app');
      const sign = ['--sign', 'key', '--sign-key', join(work, 'cosign.key'), '--json'];
      const env = { COSIGN_PASSWORD: PASSWORD };
      const failed = await cli([...sign, '--sign-rekor-url', DOWN, ref('cli-mend/app'), ref('cli-mend/out')], env);
      assert.equal(failed.code, 1, failed.stderr);
      assert.match(failed.stderr.trim().split('\n').at(-1)!, new RegExp(`${root.digest} is copied and tagged, but not signed`));

      const dry = await cli(['--dry-run', ...sign, ref('cli-mend/app'), ref('cli-mend/out')], env);
      assert.equal(dry.code, 0, dry.stderr);
      assert.ok(dry.stderr.includes(`Would sign ${root.digest} (key, bundle) as key ${fingerprint}`), dry.stderr);

      const mended = await cli([...sign, ref('cli-mend/app'), ref('cli-mend/out')], env);
      assert.equal(mended.code, 0, mended.stderr);
      const account = JSON.parse(mended.stdout) as { status: string; verification: { verified?: boolean; signed: Record<string, string> } };
      assert.equal(account.status, 'unchanged');
      assert.equal(account.verification.signed.state, 'signed');
      assert.equal(account.verification.signed.signer, `key ${fingerprint}`);
      assert.ok(!('verified' in account.verification), 'no policy: verified is absent');
      assert.ok(mended.stderr.includes(`Signed ${root.digest} (key, bundle) as key ${fingerprint}`), mended.stderr);
      assert.equal((await verifyImage(scene.repository('cli-mend/out'), root, keyPolicy())).verified, true);

      // Another key has not signed it: that one signs; the first one's is left alone.
      const otherKey = await cli(['--sign', 'key', '--sign-key', join(work, 'other.key'), ref('cli-mend/app'), ref('cli-mend/out')], env);
      assert.equal(otherKey.code, 0, otherKey.stderr);
      assert.ok(otherKey.stderr.includes(`Signed ${root.digest} (key, bundle) as key ${keyFingerprint(other.publicKey)}`), otherKey.stderr);
      assert.equal(await signatureCount('cli-mend/out', root.digest), 2);

      await registry.resetRequests();
      const again = await cli([...sign, ref('cli-mend/app'), ref('cli-mend/out')], env);
      assert.equal(again.code, 0, again.stderr);
      assert.ok(
        again.stderr.includes(`Not signed again: ${root.digest} is already signed by key ${fingerprint} (referrer sha256:`),
        again.stderr,
      );
      assert.deepEqual(writes(await registry.settledRequests()), [], 'nothing written');
      assert.equal(await signatureCount('cli-mend/out', root.digest), 2);
      const dryAgain = await cli(['--dry-run', ...sign, ref('cli-mend/app'), ref('cli-mend/out')], env);
      assert.ok(dryAgain.stderr.includes(`Not signed again: ${root.digest} is already signed by key ${fingerprint}`), dryAgain.stderr);
    });

    it('a key policy refuses an unsigned image the destination already holds, in one line naming the digest, that it is there, and no trust root', async () => {
      const root = await scene.image('cli-held/app');
      assert.equal((await cli([ref('cli-held/app'), ref('cli-held/out')])).code, 0);
      const run = await cli(['--verify-key', join(work, 'cosign.pub'), '--json', ref('cli-held/app'), ref('cli-held/out')]);
      assert.equal(run.code, 1, run.stderr);
      const last = run.stderr.trim().split('\n').at(-1)!;
      assert.ok(last.includes(`no signature of ${root.digest} satisfies the policy: found none`), last);
      assert.ok(last.includes(`required key ${fingerprint}`) && !last.includes('trust root'), last);
      assert.ok(last.includes(`the destination already holds ${root.digest}`), last);

      // Signed at the source with the key: the same run passes, verified, and tells it before the result.
      await signImage(scene.repository('cli-held/app'), root, `${registry.host}/cli-held/app`, { mode: 'key', key: keys.privateKey });
      const passed = await cli(['--verify-key', join(work, 'cosign.pub'), ref('cli-held/app'), ref('cli-held/out')]);
      assert.equal(passed.code, 0, passed.stderr);
      const lines = passed.stderr.split('\n');
      const verified = lines.findIndex((l) => l.startsWith(`Verified ${root.digest}: signed by key ${fingerprint}`));
      const result = lines.findIndex((l) => l.startsWith('Unchanged:'));
      assert.ok(verified >= 0 && verified < result, passed.stderr);
      assert.equal(lines.filter((l) => l.startsWith('Verified')).length, 1, passed.stderr);
    });
  });

  describe('the library', () => {
    it("sync(): an entry's signing mends a failed one on the next run, then leaves it alone", async () => {
      const root = await scene.image('lib-mend/app');
      const signing = ['sign: key', `sign-key: ${join(work, 'cosign.key')}`, `sign-key-password: ${PASSWORD}`];
      const failed = await sync(entry('lib-mend/app', 'lib-mend/out', ...signing, `sign-rekor-url: ${DOWN}`));
      assert.equal(failed.results[0].status, 'failed');
      assert.match(failed.results[0].error ?? '', new RegExp(`${root.digest} is copied and tagged, but not signed`));

      const mended = await sync(entry('lib-mend/app', 'lib-mend/out', ...signing));
      assert.deepEqual(
        mended.results.map((r) => [r.status, r.checks.sign?.state]),
        [['unchanged', 'signed']],
      );
      assert.equal((await verifyImage(scene.repository('lib-mend/out'), root, keyPolicy())).verified, true);

      const again = await sync(entry('lib-mend/app', 'lib-mend/out', ...signing));
      assert.deepEqual(
        again.results.map((r) => [r.status, r.checks.sign?.state]),
        [['unchanged', 'already-signed']],
      );
      assert.equal(await signatureCount('lib-mend/out', root.digest), 1);
    });

    it("sync(): an entry's policy refuses an unsigned image its destination already holds; without a policy the re-run stays HEAD-only", async () => {
      const root = await scene.image('lib-held/app');
      assert.equal((await sync(entry('lib-held/app', 'lib-held/out'))).results[0].status, 'copied');

      await registry.resetRequests();
      const plain = await sync(entry('lib-held/app', 'lib-held/out'));
      assert.equal(plain.results[0].status, 'unchanged');
      const requests = await registry.settledRequests();
      assert.ok(
        requests.every((r) => r.method === 'HEAD'),
        requests.map((r) => `${r.method} ${r.path}`).join(', '),
      );

      const gated = await sync(entry('lib-held/app', 'lib-held/out', `verify-key: ${join(work, 'cosign.pub')}`));
      const [r] = gated.results;
      assert.equal(r.status, 'failed');
      assert.equal(r.refusedBy, 'signature-policy');
      assert.equal(r.checks['signature-policy']?.verified, false);
      assert.ok(
        r.error?.includes(`no signature of ${root.digest}`) && r.error.includes(`the destination already holds ${root.digest}`),
        r.error,
      );
    });
  });

  it("a key file with no password is said to lack one, naming where to give it; a wrong entry password names the entry's field, not COSIGN_PASSWORD", async () => {
    await scene.image('pw/app');
    const missing = await cli(['--sign', 'key', '--sign-key', join(work, 'cosign.key'), ref('pw/app'), ref('pw/out')]);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(
      missing.stderr.trim(),
      /--sign-key \(.*cosign\.key\) is encrypted and no password is given: give the password it was made with in COSIGN_PASSWORD$/,
    );
    assert.doesNotMatch(missing.stderr, /wrong/);

    const action = await runAction(
      { source: ref('pw/app'), destination: ref('pw/out'), sign: 'key', 'sign-key': join(work, 'cosign.key'), 'blob-cache': 'false' },
      {},
      ACTION_COMPILED,
    );
    assert.equal(action.code, 1);
    assert.match(
      errors(action.stdout)[0] ?? '',
      /is encrypted and no password is given: give the password it was made with in input "sign-key-password" or COSIGN_PASSWORD$/,
    );

    const list = entry('pw/app', 'pw/out', 'sign: key', `sign-key: ${join(work, 'cosign.key')}`, 'sign-key-password: Qx-not-it');
    await assert.rejects(sync(list, {}), (err: Error) => {
      assert.match(
        err.message,
        /field "sign-key" \(.*cosign\.key\) could not be decrypted: the password is wrong .* in the sync list: entry 1 \(line 1\), field "sign-key-password"$/,
      );
      assert.ok(!err.message.includes('COSIGN_PASSWORD') && !err.message.includes('Qx-not-it'), err.message);
      return true;
    });
    assert.equal((await getManifest(registry, 'pw/out', '1.0')).status, 404);
  });
});
