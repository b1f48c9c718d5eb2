import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signatureCheck } from '../../src/job/checks/signature-gates/signature-check.js';
import { signStage } from '../../src/job/checks/signature-gates/sign-stage.js';
import { resultLine } from '../../src/job/render/log.js';
import { copyAccount } from '../../src/job/render/records.js';
import { verificationRecords } from '../../src/job/render/verification.js';
import { runJob } from '../../src/job/run-job.js';
import type { JobSettings } from '../../src/job/settings.js';
import { InputError } from '../../src/oci/errors.js';
import { parsePlatform } from '../../src/oci/platform.js';
import { parseReference } from '../../src/oci/reference.js';
import { verifyImage } from '../../src/signatures/verify.js';
import { openLayout } from '../../src/targets/layout/layout.js';
import { runCli } from '../support/cli.js';
import { encryptCosignKey } from '../support/cosign-key-file.js';
import { makeImageLayout } from '../support/images.js';
import type { TestRegistry } from '../support/registry.js';
import { startSigningScene, type SigningScene } from '../support/signing-scene.js';
import { GITHUB_ISSUER, githubClaims, workflowIdentity } from '../support/sigstore-world.js';

const IDENTITY = workflowIdentity(githubClaims());
const PASSWORD = 'in-place-1618';

/**
 * `oci-copy verify REF` and `oci-copy sign REF`, and the job of kind `in-place` under them: an
 * image verified or signed where it is (a registry repository, an OCI layout), nothing copied, the
 * same records, lines and JSON as a copy's. Against the real registry and the signing scene's
 * mocked Sigstore.
 */
describe('verify and sign in place', () => {
  let scene: SigningScene;
  let registry: TestRegistry;
  let work: string;
  let home: string;
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  let pub: string;
  let keyFile: string;

  before(async () => {
    scene = await startSigningScene('oci-copy-in-place-');
    ({ registry, work } = scene);
    home = join(work, 'home');
    pub = join(work, 'cosign.pub');
    keyFile = join(work, 'cosign.key');
    await writeFile(pub, keys.publicKey.export({ type: 'spki', format: 'pem' }));
    await writeFile(keyFile, encryptCosignKey(keys.privateKey, PASSWORD, 32768));
  });

  after(async () => {
    await scene?.stop();
  });

  const ref = (repo: string, tag = '1.0') => `${registry.host}/${repo}:${tag}`;
  const keyPolicy = (mode?: string) => scene.policy({ key: pub, ...(mode ? { mode } : {}) });
  const verifyJob = (reference: string, policy = keyPolicy(), extra: Partial<JobSettings> = {}) =>
    runJob({
      work: { kind: 'in-place', operation: 'verify', reference: parseReference(reference) },
      checks: [signatureCheck({ policy })],
      ...extra,
    });
  const signJob = (reference: string, format: 'bundle' | 'legacy' = 'bundle', extra: Partial<JobSettings> = {}) =>
    runJob({
      work: { kind: 'in-place', operation: 'sign', reference: parseReference(reference) },
      afterTag: [signStage({ mode: 'key', format, key: keys.privateKey })],
      ...extra,
    });
  /** What a tag names, by a HEAD as any client asks it. */
  const tagDigest = async (repo: string, tag = '1.0') => {
    const res = await fetch(`${registry.url}/v2/${repo}/manifests/${tag}`, {
      method: 'HEAD',
      headers: { accept: 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json' },
    });
    return res.headers.get('docker-content-digest');
  };
  const writes = async () => (await registry.settledRequests()).filter((r) => r.method !== 'GET' && r.method !== 'HEAD');

  describe('the library: runJob with work of kind in-place', () => {
    it('verifies a keyless-signed image where it is: the record a copy gives, nothing written', async () => {
      const root = await scene.signedImage('lib/signed');
      await registry.resetRequests();
      const outcome = await verifyJob(
        ref('lib/signed'),
        scene.policy({ certificateIdentity: IDENTITY, certificateOidcIssuer: GITHUB_ISSUER }),
      );
      assert.equal(outcome.failure, undefined);
      const [r] = outcome.results;
      assert.equal(r.status, 'unchanged');
      assert.equal(r.operation, 'verify');
      assert.equal(r.root?.digest, root.digest);
      assert.equal(r.checks['signature-policy']?.verified, true);
      assert.equal(r.checks['signature-policy']?.signer?.identity, IDENTITY);
      const [record] = verificationRecords(outcome);
      assert.equal(record.verified, true);
      assert.equal(record.digest, root.digest);
      assert.equal(resultLine(r, false), `In place: ${ref('lib/signed')} names ${root.digest}`);
      assert.deepEqual(await writes(), []);
      assert.equal(copyAccount(outcome).operation, 'verify');
    });

    it('refuses an unsigned image in one line that says nothing of a destination; in warn mode it warns and passes', async () => {
      const root = await scene.image('lib/unsigned');
      const refused = await verifyJob(ref('lib/unsigned'));
      const [r] = refused.results;
      assert.equal(r.status, 'failed');
      assert.equal(r.refusedBy, 'signature-policy');
      assert.match(r.error ?? '', new RegExp(`^no signature of ${root.digest} satisfies the policy: found none`));
      assert.doesNotMatch(r.error ?? '', /destination/);
      assert.equal(r.checks['signature-policy']?.verified, false);

      const warned = await verifyJob(ref('lib/unsigned'), keyPolicy('warn'));
      const [w] = warned.results;
      assert.equal(warned.failure, undefined);
      assert.equal(w.status, 'unchanged');
      assert.equal(w.checks['signature-policy']?.mode, 'warn');
      assert.equal(w.checks['signature-policy']?.verified, false);
      assert.ok(
        w.warnings[0]?.startsWith(`Unverified ${root.digest} (verify-mode warn, nothing is changed): no signature of`),
        w.warnings.join('\n'),
      );
    });

    it('signs a registry image in place, verifiable there; the re-run finds it signed and writes nothing', async () => {
      const root = await scene.image('lib/sign');
      const outcome = await signJob(ref('lib/sign'));
      assert.equal(outcome.failure, undefined);
      const [r] = outcome.results;
      assert.equal(r.operation, 'sign');
      assert.equal(r.checks.sign?.state, 'signed');
      assert.equal(r.checks.sign?.digest, root.digest);
      const verified = await verifyImage(scene.repository('lib/sign'), root, keyPolicy());
      assert.equal(verified.digest, root.digest);
      // The tag still names the image: nothing was copied or re-tagged.
      assert.equal(await tagDigest('lib/sign'), root.digest);

      await registry.resetRequests();
      const again = await signJob(ref('lib/sign'));
      assert.equal(again.results[0].checks.sign?.state, 'already-signed');
      assert.deepEqual(await writes(), []);
    });

    it('signs an oci: layout in place (legacy form), verifies it there, and a layout that does not exist is not created', async () => {
      const dir = join(work, 'layout-lib');
      const built = await makeImageLayout(dir, { tag: '1.0', platforms: [{ architecture: 'amd64', layers: [{ size: 1_000 }] }] });
      const signed = await signJob(`oci:${dir}:1.0`, 'legacy');
      assert.equal(signed.failure, undefined);
      assert.equal(signed.results[0].checks.sign?.state, 'signed');
      assert.equal(signed.results[0].checks.sign?.format, 'legacy');
      const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as {
        manifests: Array<{ digest: string; annotations?: Record<string, string> }>;
      };
      assert.ok(
        index.manifests.some((m) => m.digest === built.root.digest && m.annotations?.['org.opencontainers.image.ref.name'] === '1.0'),
      );

      const verified = await verifyJob(`oci:${dir}:1.0`);
      assert.equal(verified.failure, undefined);
      assert.equal(verified.results[0].checks['signature-policy']?.verified, true);
      const layout = await openLayout(dir);
      try {
        assert.equal((await verifyImage(layout, built.root, keyPolicy())).digest, built.root.digest);
      } finally {
        await layout.close('success');
      }
      assert.equal((await signJob(`oci:${dir}:1.0`, 'legacy')).results[0].checks.sign?.state, 'already-signed');

      const missing = join(work, 'no-such-layout');
      const none = await verifyJob(`oci:${missing}:1.0`);
      assert.equal(none.results[0].status, 'failed');
      assert.match(none.results[0].error ?? '', /does not exist/);
      await assert.rejects(readFile(join(missing, 'oci-layout')), { code: 'ENOENT' });
    });

    it('with a platform of an index: signs that manifest, verifies it as named by the signed index, and moves no tag', async () => {
      const index = await scene.image('lib/multi', { platforms: 2 });
      const arm64 = parsePlatform('linux/arm64');
      const signedIndex = await signJob(ref('lib/multi'));
      assert.equal(signedIndex.results[0].checks.sign?.digest, index.digest);
      const onePlatform = await signJob(ref('lib/multi'), 'bundle', { image: { platform: arm64 } });
      const [p] = onePlatform.results;
      assert.equal(onePlatform.failure, undefined);
      assert.notEqual(p.root?.digest, index.digest);
      assert.equal(p.checks.sign?.digest, p.root?.digest);
      assert.equal(p.destination, `${registry.host}/lib/multi@${p.root?.digest}`);
      assert.equal(await tagDigest('lib/multi'), index.digest, 'the tag still names the index');

      const verified = await verifyJob(ref('lib/multi'), keyPolicy(), { image: { platform: arm64 } });
      const [v] = verified.results;
      assert.equal(verified.failure, undefined);
      assert.equal(v.checks['signature-policy']?.digest, index.digest);
      assert.equal(v.root?.digest, p.root?.digest);
      const platforms = await verifyJob(ref('lib/multi'), scene.policy({ key: pub, platforms: true }), { image: { platform: arm64 } });
      // verify-platforms wants every platform's own signature: arm64 has one, amd64 not.
      assert.equal(platforms.results[0].status, 'failed');
      assert.ok(
        platforms.results[0].error?.includes(`(linux/amd64 of ${index.digest}) satisfies the policy: found none`),
        platforms.results[0].error,
      );
    });

    it('refuses an archive and several platforms before anything is opened', async () => {
      await assert.rejects(verifyJob(`oci-archive:${join(work, 'app.tar')}:1.0`), (err: unknown) => {
        assert.ok(err instanceof InputError);
        assert.match((err as Error).message, /is a tar archive, which cannot be verified in place/);
        return true;
      });
      await assert.rejects(
        signJob(ref('lib/multi'), 'bundle', { image: { platform: [parsePlatform('linux/amd64'), parsePlatform('linux/arm64')] } }),
        /several platforms would make a new index, which only a copy writes/,
      );
    });
  });

  describe('the command line: oci-copy verify and oci-copy sign', () => {
    const cli = (args: string[], env: Record<string, string> = {}) =>
      runCli(args, { home, env: { OCI_COPY_TIMEOUT_SECONDS: '20', COSIGN_PASSWORD: PASSWORD, ...env } });

    it('signs in place, says so, and the re-run says it is signed already and writes nothing; verify then passes with --json', async () => {
      const root = await scene.image('cli/app');
      const signed = await cli(['sign', '--sign-key', keyFile, ref('cli/app')]);
      assert.equal(signed.code, 0, signed.stderr);
      assert.match(signed.stderr, new RegExp(`Signed ${root.digest} \\(key, bundle\\)`));
      assert.ok(signed.stderr.includes(`In place: ${ref('cli/app')} names ${root.digest}`), signed.stderr);

      await registry.resetRequests();
      const again = await cli(['sign', '--sign-key', keyFile, '--json', ref('cli/app')]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, new RegExp(`Not signed again: ${root.digest} is already signed by key SHA256:`));
      const account = JSON.parse(again.stdout) as Record<string, unknown>;
      assert.equal(account.operation, 'sign');
      assert.equal(account.digest, root.digest);
      assert.deepEqual(await writes(), []);

      const verified = await cli(['verify', '--verify-key', pub, '--json', ref('cli/app')]);
      assert.equal(verified.code, 0, verified.stderr);
      const v = JSON.parse(verified.stdout) as { operation: string; status: string; digest: string; verification: Record<string, unknown> };
      assert.equal(v.operation, 'verify');
      assert.equal(v.status, 'unchanged');
      assert.equal(v.digest, root.digest);
      assert.equal(v.verification.verified, true);
      assert.match(verified.stderr, new RegExp(`Verified ${root.digest}: signed by key SHA256:`));
    });

    it('a dry run says what it would sign and writes nothing; a digest reference is acted on by digest', async () => {
      const root = await scene.image('cli/dry');
      await registry.resetRequests();
      const dry = await cli(['sign', '--dry-run', '--sign-key', keyFile, '--json', ref('cli/dry')]);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stderr, new RegExp(`Would sign ${root.digest} \\(key, bundle\\)`));
      assert.equal((JSON.parse(dry.stdout) as { verification: { signed: { state: string } } }).verification.signed.state, 'would-sign');
      assert.deepEqual(await writes(), []);

      const byDigest = `${registry.host}/cli/dry@${root.digest}`;
      const signed = await cli(['sign', '--sign-key', keyFile, '--json', byDigest]);
      assert.equal(signed.code, 0, signed.stderr);
      const account = JSON.parse(signed.stdout) as { destination: string; tags: string[]; verification: { signed: { state: string } } };
      assert.deepEqual([account.destination, account.verification.signed.state], [byDigest, 'signed']);
      const verified = await cli(['verify', '--verify-key', pub, ref('cli/dry')]);
      assert.equal(verified.code, 0, verified.stderr);
    });

    it('exits 1 on a refusal, 0 with a warning in warn mode, and writes nothing either way', async () => {
      const root = await scene.image('cli/unsigned');
      await registry.resetRequests();
      const refused = await cli(['verify', '--verify-key', pub, ref('cli/unsigned')]);
      assert.equal(refused.code, 1, refused.stderr);
      assert.match(refused.stderr.trim().split('\n').at(-1)!, new RegExp(`no signature of ${root.digest} satisfies the policy`));
      const warned = await cli(['verify', '--verify-key', pub, '--verify-mode', 'warn', '--json', ref('cli/unsigned')]);
      assert.equal(warned.code, 0, warned.stderr);
      assert.match(warned.stderr, new RegExp(`warning: Unverified ${root.digest} \\(verify-mode warn, nothing is changed\\)`));
      const record = (JSON.parse(warned.stdout) as { verification: Record<string, unknown> }).verification;
      assert.deepEqual([record.verified, record.mode], [false, 'warn']);
      assert.deepEqual(await writes(), []);
    });

    it('verifies keyless by identity and issuer, and signs then verifies an oci: layout', async () => {
      const root = await scene.signedImage('cli/keyless');
      const keyless = await cli([
        'verify',
        '--verify-certificate-identity',
        IDENTITY,
        '--verify-certificate-oidc-issuer',
        GITHUB_ISSUER,
        '--verify-trusted-root',
        scene.world.trustedRootPath,
        ref('cli/keyless'),
      ]);
      assert.equal(keyless.code, 0, keyless.stderr);
      assert.ok(keyless.stderr.includes(`Verified ${root.digest}: signed by ${IDENTITY}`), keyless.stderr);

      const dir = join(work, 'layout-cli');
      await makeImageLayout(dir, { tag: '2.0', platforms: [{ architecture: 'arm64', layers: [{ size: 800 }] }] });
      const before = await cli(['verify', '--verify-key', pub, `oci:${dir}:2.0`]);
      assert.equal(before.code, 1, before.stderr);
      const signed = await cli(['sign', '--sign', 'key', '--sign-key', keyFile, '--signature-format', 'legacy', `oci:${dir}:2.0`]);
      assert.equal(signed.code, 0, signed.stderr);
      const after = await cli(['verify', '--verify-key', pub, `oci:${dir}:2.0`]);
      assert.equal(after.code, 0, after.stderr);
    });

    it('signs one platform of an index with --platform, the tag left on the index', async () => {
      const index = await scene.image('cli/multi', { platforms: 2 });
      const run = await cli(['sign', '--sign-key', keyFile, '--platform', 'linux/arm64', '--json', ref('cli/multi')]);
      assert.equal(run.code, 0, run.stderr);
      const account = JSON.parse(run.stdout) as { digest: string; verification: { signed: { state: string; digest: string } } };
      assert.notEqual(account.digest, index.digest);
      assert.deepEqual(account.verification.signed, { ...account.verification.signed, state: 'signed', digest: account.digest });
      assert.equal(await tagDigest('cli/multi'), index.digest);
    });

    it('exits 2 on bad arguments, each one line naming what is at fault', async () => {
      const cases: Array<[string[], RegExp]> = [
        [['verify', '--verify-key', pub], /^oci-copy: oci-copy verify expects REF, the image to verify/],
        [['sign'], /^oci-copy: oci-copy sign expects REF/],
        [['verify', '--verify-kye', pub, ref('cli/app')], /--verify-kye is not an option of oci-copy verify: did you mean --verify-key\?/],
        [['verify', '--sign', 'key', ref('cli/app')], /--sign is not an option of oci-copy verify/],
        [['verify', ref('cli/app')], /oci-copy verify needs a policy: give --verify-key FILE/],
        [['verify', '--verify-key', pub, ref('cli/app'), ref('cli/other')], /takes one REF and acts on it in place/],
        [['sign', '--sign-key', keyFile, `oci-archive:${join(work, 'x.tar')}`], /is a tar archive, which cannot be signed in place/],
        [
          ['sign', '--sign-key', keyFile, '--platform', 'linux/amd64,linux/arm64', ref('cli/app')],
          /several platforms would make a new index/,
        ],
        [
          ['sign', ref('cli/app')],
          /^oci-copy: oci-copy sign signs keyless without --sign-key, which needs an OIDC identity token: .*or give --sign-key FILE$/,
        ],
        [['sign', '--sign', 'keyless', ref('cli/app')], /--sign keyless needs an OIDC identity token/],
      ];
      for (const [args, message] of cases) {
        const run = await cli(args);
        assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
        const lines = run.stderr.trim().split('\n');
        assert.equal(lines.length, 1, run.stderr);
        assert.match(lines[0], message);
      }
      for (const command of ['verify', 'sign']) {
        const help = await cli([command, '--help']);
        assert.equal(help.code, 0);
        assert.match(help.stdout, new RegExp(`^usage: oci-copy ${command} `));
        assert.match(help.stdout, /exit status:\n {2}0 +\S[\s\S]*\n {2}1 +\S[\s\S]*\n {2}2 +bad arguments/);
        assert.ok(
          help.stdout.split('\n').every((l) => l.length <= 100),
          help.stdout,
        );
      }
    });
  });
});
