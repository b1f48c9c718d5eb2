import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sync } from '../../src/api/sync.js';
import { signatureCheck } from '../../src/job/checks/signature-gates/signature-check.js';
import { verificationRecords } from '../../src/job/render/verification.js';
import { runCli } from '../support/cli.js';
import { getManifest } from '../support/referrer-artifacts.js';
import type { TestRegistry } from '../support/registry.js';
import { ACTION_COMPILED, runAction } from '../support/run-action.js';
import { startSigningScene, type SigningScene } from '../support/signing-scene.js';
import { GITHUB_ISSUER, githubClaims, workflowIdentity, type SigstoreWorld } from '../support/sigstore-world.js';

const IDENTITY = workflowIdentity(githubClaims());

describe('verify-mode warn: an image that fails the policy is copied, and flagged; enforce refuses it', () => {
  let scene: SigningScene;
  let registry: TestRegistry;
  let world: SigstoreWorld;

  before(async () => {
    scene = await startSigningScene('oci-copy-warn-mode-');
    ({ registry, world } = scene);
  });

  after(async () => {
    await scene?.stop();
  });

  const ref = (repo: string, tag = '1.0') => `${registry.host}/${repo}:${tag}`;
  const policyInputs = (mode?: string) => ({
    'verify-certificate-identity': IDENTITY,
    'verify-certificate-oidc-issuer': GITHUB_ISSUER,
    'verify-trusted-root': world.trustedRootPath,
    'blob-cache': 'false',
    ...(mode ? { 'verify-mode': mode } : {}),
  });
  const policyKeys = (mode?: string) =>
    [
      `  verify-certificate-identity: ${IDENTITY}`,
      `  verify-certificate-oidc-issuer: ${GITHUB_ISSUER}`,
      `  verify-trusted-root: ${world.trustedRootPath}`,
      ...(mode ? [`  verify-mode: ${mode}`] : []),
    ].join('\n');
  const lines = (stdout: string, prefix: string) => stdout.split('\n').filter((l) => l.startsWith(prefix));

  describe('the action', () => {
    it('warn: copies the unsigned image of a list beside the signed one; a ::warning:: names its digest and what was missing, the summary marks it unverified, the output says verified: false, mode: warn', async () => {
      await scene.signedImage('act/good');
      const bad = await scene.image('act/bad');
      const images = `- source: ${ref('act/good')}\n  destination: ${registry.host}/act-out/good\n- source: ${ref('act/bad')}\n  destination: ${registry.host}/act-out/bad\n`;
      const run = await runAction({ ...policyInputs('warn'), images }, {}, ACTION_COMPILED);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.deepEqual(lines(run.stdout, '::error::'), []);
      assert.equal((await getManifest(registry, 'act-out/good', '1.0')).status, 200);
      assert.equal((await getManifest(registry, 'act-out/bad', '1.0')).status, 200, 'the unsigned image is copied anyway');

      const warnings = lines(run.stdout, '::warning::');
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.ok(warnings[0].includes(`Unverified ${bad.digest} (verify-mode warn, copied anyway)`), warnings[0]);
      assert.ok(warnings[0].includes(`no signature of ${bad.digest} satisfies the policy: found none`), warnings[0]);

      const records = JSON.parse(run.outputs.verification) as Array<Record<string, any>>;
      assert.deepEqual(records.map((r) => [r.source, r.verified, r.mode]).sort(), [
        [ref('act/bad'), false, 'warn'],
        [ref('act/good'), true, 'warn'],
      ]);
      const unverified = records.find((r) => !r.verified)!;
      assert.equal(unverified.digest, bad.digest);
      assert.deepEqual(unverified.found, []);
      assert.match(unverified.required, /identity .*issuer/);

      assert.ok(run.summary.includes('unverified, verify-mode warn'), run.summary);
      assert.ok(run.summary.includes(`Unverified ${bad.digest} (verify-mode warn, copied anyway): no signature of`), run.summary);
      assert.ok(!run.summary.includes('refused by signature-policy'), run.summary);
    });

    it('enforce (said, or the default) refuses the same image in one line, nothing written', async () => {
      const bad = await scene.image('act/enforced');
      for (const mode of ['enforce', undefined]) {
        const to = `act-out/enforced-${mode ?? 'default'}`;
        const run = await runAction(
          { ...policyInputs(mode), source: ref('act/enforced'), destination: `${registry.host}/${to}:1.0` },
          {},
          ACTION_COMPILED,
        );
        assert.equal(run.code, 1, run.stdout);
        const [line, ...more] = lines(run.stdout, '::error::');
        assert.deepEqual(more, []);
        assert.ok(line.includes(`no signature of ${bad.digest} satisfies the policy`), line);
        assert.equal((await getManifest(registry, to, '1.0')).status, 404);
        const [record] = JSON.parse(run.outputs.verification) as Array<Record<string, any>>;
        assert.equal(record.verified, false);
        assert.equal('mode' in record, false, 'a refusal carries no mode');
      }
    });

    it('an unknown verify-mode, or warn with no policy, is one line naming the input, before anything is copied', async () => {
      await scene.image('act/typo');
      const typo = await runAction(
        { ...policyInputs('warning'), source: ref('act/typo'), destination: ref('act-out/typo') },
        {},
        ACTION_COMPILED,
      );
      assert.equal(typo.code, 1, typo.stdout);
      assert.deepEqual(lines(typo.stdout, '::error::'), [
        '::error::input "verify-mode" is "warning": use enforce (an image that fails the policy is not copied) or warn (it is copied, with a warning)',
      ]);
      const alone = await runAction(
        { 'verify-mode': 'warn', 'blob-cache': 'false', source: ref('act/typo'), destination: ref('act-out/typo') },
        {},
        ACTION_COMPILED,
      );
      assert.equal(alone.code, 1, alone.stdout);
      const [line, ...more] = lines(alone.stdout, '::error::');
      assert.deepEqual(more, []);
      assert.match(line, /^::error::input "verify-mode" is warn but nothing is verified: give the policy beside it \(verify-key, /);
      assert.equal((await getManifest(registry, 'act-out/typo', '1.0')).status, 404);
    });
  });

  describe('the command line', () => {
    const flags = () => [
      '--verify-certificate-identity',
      IDENTITY,
      '--verify-certificate-oidc-issuer',
      GITHUB_ISSUER,
      '--verify-trusted-root',
      world.trustedRootPath,
    ];
    const cli = (args: string[]) => runCli(args, { home: scene.work, env: { OCI_COPY_TIMEOUT_SECONDS: '20' } });

    it('--verify-mode warn copies an unsigned image with a warning, and --json says verified: false, mode: warn; --verify-mode enforce refuses it', async () => {
      const bad = await scene.image('cli/bad');
      const warned = await cli([...flags(), '--verify-mode', 'warn', '--json', ref('cli/bad'), ref('cli-out/warned')]);
      assert.equal(warned.code, 0, warned.stderr);
      assert.ok(
        warned.stderr.includes(`Unverified ${bad.digest} (verify-mode warn, copied anyway): no signature of ${bad.digest}`),
        warned.stderr,
      );
      const account = JSON.parse(warned.stdout) as { digest: string; verification: Record<string, unknown> };
      assert.equal(account.digest, bad.digest);
      assert.equal(account.verification.verified, false);
      assert.equal(account.verification.mode, 'warn');
      assert.equal((await getManifest(registry, 'cli-out/warned', '1.0')).status, 200);

      const enforced = await cli([...flags(), '--verify-mode', 'enforce', ref('cli/bad'), ref('cli-out/enforced')]);
      assert.notEqual(enforced.code, 0, enforced.stderr);
      assert.ok(enforced.stderr.includes(`no signature of ${bad.digest} satisfies the policy`), enforced.stderr);
      assert.ok(!enforced.stderr.includes('Unverified'), enforced.stderr);
      assert.equal((await getManifest(registry, 'cli-out/enforced', '1.0')).status, 404);
    });

    it('a dry run in warn mode says the image would be copied anyway, and writes nothing', async () => {
      const bad = await scene.image('cli/dry');
      const run = await cli([...flags(), '--verify-mode', 'warn', '--dry-run', ref('cli/dry'), ref('cli-out/dry')]);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(run.stderr.includes(`Unverified ${bad.digest} (verify-mode warn, would be copied anyway): no signature of`), run.stderr);
      assert.equal((await getManifest(registry, 'cli-out/dry', '1.0')).status, 404);
    });

    it('--verify-mode with another value is one line naming the flag and the two values', async () => {
      const run = await cli([...flags(), '--verify-mode', 'loud', ref('cli/bad'), ref('cli-out/loud')]);
      assert.notEqual(run.code, 0);
      assert.match(run.stderr, /--verify-mode is "?loud"?: use enforce \(an image that fails the policy is not copied\) or warn/);
      assert.equal((await getManifest(registry, 'cli-out/loud', '1.0')).status, 404);
    });
  });

  describe('the library', () => {
    it("sync(): an entry's verify-mode: warn copies its unsigned image with a warning in its outcome; an entry without it is refused", async () => {
      const [warned, enforced] = await Promise.all([scene.image('lib/warned'), scene.image('lib/enforced')]);
      const list = [
        `- source: ${ref('lib/warned')}\n  destination: ${registry.host}/lib-out/warned\n${policyKeys('warn')}`,
        `- source: ${ref('lib/enforced')}\n  destination: ${registry.host}/lib-out/enforced\n${policyKeys()}`,
      ].join('\n');
      const outcome = await sync(list);
      const [w, e] = outcome.results;
      assert.equal(w.status, 'copied');
      assert.deepEqual(
        [w.checks['signature-policy']?.verified, w.checks['signature-policy']?.mode, w.checks['signature-policy']?.digest],
        [false, 'warn', warned.digest],
      );
      assert.equal(w.warnings.length, 1, w.warnings.join('\n'));
      assert.ok(w.warnings[0].startsWith(`Unverified ${warned.digest} (verify-mode warn, copied anyway): no signature of`), w.warnings[0]);
      assert.equal(e.status, 'failed');
      assert.equal(e.refusedBy, 'signature-policy');
      assert.equal(e.checks['signature-policy']?.mode, undefined);
      assert.ok(e.error?.includes(`no signature of ${enforced.digest} satisfies the policy`), e.error);
      assert.equal((await getManifest(registry, 'lib-out/warned', '1.0')).status, 200);
      assert.equal((await getManifest(registry, 'lib-out/enforced', '1.0')).status, 404);

      // The next run: the image is there already; warn mode still says it is unverified, and leaves it.
      const again = await sync(list);
      const [w2] = again.results;
      assert.equal(w2.status, 'unchanged');
      assert.equal(w2.checks['signature-policy']?.mode, 'warn');
      assert.ok(
        w2.warnings[0]?.startsWith(
          `Unverified ${warned.digest} (verify-mode warn, the destination already holds ${warned.digest}: it is left there)`,
        ),
        w2.warnings.join('\n'),
      );
    });

    it('sync() given signatureCheck({ policy }) whose policy says mode: warn copies, and verificationRecords() give verified: false, mode: warn', async () => {
      const bad = await scene.image('job/bad');
      const policy = scene.policy({ certificateIdentity: IDENTITY, certificateOidcIssuer: GITHUB_ISSUER, mode: 'warn' });
      assert.equal(policy.mode, 'warn');
      const outcome = await sync(`- source: ${ref('job/bad')}\n  destination: ${registry.host}/job-out/bad\n`, {
        checks: [signatureCheck({ policy })],
      });
      assert.equal(outcome.results[0].status, 'copied', outcome.results[0].error);
      const [record] = verificationRecords(outcome);
      assert.equal(record.digest, bad.digest);
      assert.equal(record.verified, false);
      assert.equal(record.mode, 'warn');
      assert.equal((await getManifest(registry, 'job-out/bad', '1.0')).status, 200);
    });
  });
});
