import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyImage } from '../../src/signatures/verify.js';
import { encryptCosignKey } from '../support/cosign-key-file.js';
import { getManifest } from '../support/referrer-artifacts.js';
import type { TestRegistry } from '../support/registry.js';
import { ACTION_COMPILED, runAction } from '../support/run-action.js';
import { startSigningScene, type SigningScene } from '../support/signing-scene.js';
import { GITHUB_ISSUER, githubClaims, workflowIdentity, type SigstoreWorld } from '../support/sigstore-world.js';

const IDENTITY = workflowIdentity(githubClaims());
const PASSWORD = 'action-key-0815';

describe('verified promotion in the action (compiled): verify before copy, sign keyless with the runner token', () => {
  let scene: SigningScene;
  let registry: TestRegistry;
  let world: SigstoreWorld;
  let work: string;
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  before(async () => {
    scene = await startSigningScene('oci-copy-promote-action-');
    ({ registry, world, work } = scene);
    await writeFile(join(work, 'cosign.key'), encryptCosignKey(keys.privateKey, PASSWORD));
  });

  after(async () => {
    await scene?.stop();
  });

  const image = (repo: string) => scene.image(repo);
  const signedImage = (repo: string) => scene.signedImage(repo);

  const policyInputs = () => ({
    'verify-certificate-identity': IDENTITY,
    'verify-certificate-oidc-issuer': GITHUB_ISSUER,
    'verify-trusted-root': world.trustedRootPath,
    'blob-cache': 'false',
  });
  const runnerToken = () => ({
    ACTIONS_ID_TOKEN_REQUEST_URL: world.tokenRequestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: world.tokenRequestToken,
  });
  const errors = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('::error::'));

  const repository = (repo: string) => scene.repository(repo);
  const policy: SigningScene['policy'] = (settings) => scene.policy(settings);

  it('copies a signed image, signs the promoted digest keyless with the job token, and the output and summary name both signers', async () => {
    const root = await signedImage('act/app');
    const run = await runAction(
      {
        ...policyInputs(),
        source: `${registry.host}/act/app:1.0`,
        destination: `${registry.host}/act/promoted:1.0`,
        sign: 'keyless',
        'sign-fulcio-url': world.fulcioUrl,
        'sign-rekor-url': world.rekorUrl,
      },
      runnerToken(),
      ACTION_COMPILED,
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const [record] = JSON.parse(run.outputs.verification) as Array<Record<string, any>>;
    assert.equal(record.digest, root.digest);
    assert.equal(record.verified, true);
    assert.equal(record.signer, IDENTITY);
    assert.equal(record.issuer, GITHUB_ISSUER);
    assert.equal(record.commit, world.claims.sha);
    assert.equal(record.workflow, `https://github.com/${world.claims.workflow_ref}`);
    assert.match(String(record.logIndex), /^\d+$/);
    assert.equal(record.signed.mode, 'keyless');
    assert.equal(record.signed.format, 'bundle');
    assert.equal(record.signed.digest, root.digest);
    assert.equal(record.signed.signer, IDENTITY, 'the runner token names the same workflow');
    assert.ok(world.tokenRequests().length >= 1, 'the runner was asked for a token');
    assert.ok(run.summary.includes(`signed by ${IDENTITY}`), run.summary);
    assert.ok(run.summary.includes(`Signed ${root.digest} (keyless, bundle)`), run.summary);
    assert.ok(run.stdout.includes(`Verified ${root.digest}: signed by ${IDENTITY}`), run.stdout);
    assert.ok(!run.stdout.includes(world.tokenRequestToken), "the runner's request token is never logged");
    const masks = run.stdout.split('\n').filter((l) => l.startsWith('::add-mask::eyJ'));
    assert.equal(masks.length, 1, 'the identity token is masked as it arrives');
    const logged = run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    assert.ok(!logged.some((l) => /eyJ[A-Za-z0-9_-]+\.eyJ/.test(l)), 'no identity token in the log');

    // What was signed at the destination verifies there, by the policy the next promotion would use.
    const there = await verifyImage(
      repository('act/promoted'),
      root,
      policy({ certificateIdentity: IDENTITY, certificateOidcIssuer: GITHUB_ISSUER }),
    );
    assert.equal(there.verified, true);
    assert.ok(
      there.found.some((f) => f.accepted && f.where.includes(record.signed.manifest)),
      JSON.stringify(there.found),
    );
  });

  it('refuses an unsigned image in one line with nothing written, and the other images of the list still copy', async () => {
    await signedImage('list/good');
    const bad = await image('list/bad');
    const images = `- source: ${registry.host}/list/good:1.0\n  destination: ${registry.host}/list-out/good\n- source: ${registry.host}/list/bad:1.0\n  destination: ${registry.host}/list-out/bad\n`;
    const run = await runAction({ ...policyInputs(), images }, {}, ACTION_COMPILED);
    assert.equal(run.code, 1, run.stdout);
    const [line, ...more] = errors(run.stdout);
    assert.deepEqual(more, []);
    assert.ok(line.includes(`no signature of ${bad.digest} satisfies the policy`), line);
    assert.equal((await getManifest(registry, 'list-out/good', '1.0')).status, 200);
    assert.equal((await getManifest(registry, 'list-out/bad', '1.0')).status, 404);
    const records = JSON.parse(run.outputs.verification) as Array<Record<string, any>>;
    assert.deepEqual(records.map((r) => [r.source, r.verified]).sort(), [
      [`${registry.host}/list/bad:1.0`, false],
      [`${registry.host}/list/good:1.0`, true],
    ]);
    const refused = records.find((r) => !r.verified)!;
    assert.deepEqual(refused.found, []);
    assert.match(refused.required, /identity .*issuer/);
    assert.ok(run.summary.includes('refused by signature-policy'), run.summary);
    assert.ok(run.summary.includes(`signed by ${IDENTITY}`), run.summary);
  });

  it("an entry of the list brings its own policy, which replaces the step's", async () => {
    await signedImage('entry/app');
    // The step asks for a key nobody signed with; the entry asks for the workflow identity that did.
    const images = `- source: ${registry.host}/entry/app:1.0\n  destination: ${registry.host}/entry-out/app\n  verify-certificate-identity: ${IDENTITY}\n  verify-certificate-oidc-issuer: ${GITHUB_ISSUER}\n  verify-trusted-root: ${world.trustedRootPath}\n`;
    await writeFile(join(work, 'cosign.pub'), keys.publicKey.export({ type: 'spki', format: 'pem' }));
    const run = await runAction({ images, 'verify-key': join(work, 'cosign.pub'), 'blob-cache': 'false' }, {}, ACTION_COMPILED);
    assert.equal(run.code, 0, run.stdout);
    const [record] = JSON.parse(run.outputs.verification) as Array<Record<string, any>>;
    assert.equal(record.signer, IDENTITY);
  });

  it('a signing that fails (Fulcio unreachable) fails the step in one line that says the image is in place but unsigned', async () => {
    const root = await image('fail/app');
    const run = await runAction(
      {
        source: `${registry.host}/fail/app:1.0`,
        destination: `${registry.host}/fail/out:1.0`,
        'blob-cache': 'false',
        sign: 'keyless',
        'sign-fulcio-url': 'http://127.0.0.1:9',
        'sign-rekor-url': world.rekorUrl,
      },
      runnerToken(),
      ACTION_COMPILED,
    );
    assert.equal(run.code, 1, run.stdout);
    const lines = errors(run.stdout);
    assert.equal(lines.length, 1, run.stdout);
    assert.ok(lines[0].startsWith(`::error::${root.digest} is copied and tagged, but not signed: `), lines[0]);
    assert.equal((await getManifest(registry, 'fail/out', '1.0')).status, 200);
    assert.deepEqual(JSON.parse(run.outputs.verification), []);
  });

  it('a dry run verifies and reports, says what it would sign, and signs nothing', async () => {
    const root = await signedImage('dry/app');
    const run = await runAction(
      {
        ...policyInputs(),
        source: `${registry.host}/dry/app:1.0`,
        destination: `${registry.host}/dry/out:1.0`,
        'dry-run': 'true',
        sign: 'keyless',
      },
      {},
      ACTION_COMPILED,
    );
    assert.equal(run.code, 0, run.stdout);
    const [record] = JSON.parse(run.outputs.verification) as Array<Record<string, any>>;
    assert.equal(record.verified, true);
    assert.deepEqual(record.signed, { state: 'would-sign', mode: 'keyless', format: 'bundle', digest: root.digest });
    assert.ok(run.stdout.includes(`Would sign ${root.digest} (keyless, bundle)`), run.stdout);
    assert.equal((await getManifest(registry, 'dry/out', root.digest)).status, 404);
  });

  it('bad signing inputs fail the step in one line, the key password masked, nothing copied', async () => {
    await image('badin/app');
    const base = { source: `${registry.host}/badin/app:1.0`, destination: `${registry.host}/badin/out:1.0`, 'blob-cache': 'false' };
    const cases: Array<[Record<string, string>, Record<string, string>, RegExp]> = [
      [{ sign: 'sometimes' }, {}, /^::error::input "sign" is "sometimes": use keyless/],
      [{ sign: 'key' }, {}, /^::error::input "sign" is key but input "sign-key" is missing/],
      [
        { sign: 'key', 'sign-key': join(work, 'cosign.key'), 'sign-key-password': 'Zz-not-it' },
        {},
        /^::error::input "sign-key" .*password/,
      ],
      [
        { sign: 'keyless' },
        {},
        /^::error::input "sign" is keyless but the runner offers no OIDC token: give the job "permissions: id-token: write"/,
      ],
      [{ 'signature-format': 'legacy' }, {}, /^::error::input "signature-format" is given but nothing is signed/],
    ];
    for (const [inputs, env, pattern] of cases) {
      const run = await runAction({ ...base, ...inputs }, env, ACTION_COMPILED);
      assert.equal(run.code, 1, JSON.stringify(inputs));
      const lines = errors(run.stdout);
      assert.equal(lines.length, 1, run.stdout);
      assert.match(lines[0], pattern);
      if (inputs['sign-key-password']) assert.ok(run.stdout.includes('::add-mask::Zz-not-it'), 'the password is masked');
    }
    assert.equal((await getManifest(registry, 'badin/out', '1.0')).status, 404);
  });
});
