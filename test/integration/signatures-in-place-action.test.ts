import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyImage } from '../../src/signatures/verify.js';
import { encryptCosignKey } from '../support/cosign-key-file.js';
import { makeImageLayout } from '../support/images.js';
import type { TestRegistry } from '../support/registry.js';
import { runAction } from '../support/run-action.js';
import { startSigningScene, type SigningScene } from '../support/signing-scene.js';
import { GITHUB_ISSUER, githubClaims, workflowIdentity, type SigstoreWorld } from '../support/sigstore-world.js';

const IDENTITY = workflowIdentity(githubClaims());
const PASSWORD = 'in-place-action-31';

/**
 * The action's `operation: verify` and `operation: sign` with `source` alone, through the bundle
 * the runner runs, against the real registry and the signing scene's mocked Sigstore.
 */
describe('the action verifies and signs an image in place (operation: verify | sign)', () => {
  let scene: SigningScene;
  let registry: TestRegistry;
  let world: SigstoreWorld;
  let work: string;
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  before(async () => {
    scene = await startSigningScene('oci-copy-in-place-action-');
    ({ registry, world, work } = scene);
    await writeFile(join(work, 'cosign.key'), encryptCosignKey(keys.privateKey, PASSWORD, 32768));
    await writeFile(join(work, 'cosign.pub'), keys.publicKey.export({ type: 'spki', format: 'pem' }));
  });

  after(async () => {
    await scene?.stop();
  });

  const ref = (repo: string) => `${registry.host}/${repo}:1.0`;
  const keylessPolicy = () => ({
    'verify-certificate-identity': IDENTITY,
    'verify-certificate-oidc-issuer': GITHUB_ISSUER,
    'verify-trusted-root': world.trustedRootPath,
  });
  const signWithKey = () => ({ 'sign-key': join(work, 'cosign.key'), 'sign-key-password': PASSWORD });
  const lines = (stdout: string, kind: 'error' | 'warning') => stdout.split('\n').filter((l) => l.startsWith(`::${kind}::`));
  const writes = async () => (await registry.settledRequests()).filter((r) => r.method !== 'GET' && r.method !== 'HEAD');

  it('operation: verify gives the verification output a copy gives, the digest, a summary, and writes nothing', async () => {
    const root = await scene.signedImage('act/signed');
    await registry.resetRequests();
    const run = await runAction({ operation: 'verify', source: ref('act/signed'), ...keylessPolicy() });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const [record] = JSON.parse(run.outputs.verification) as Array<Record<string, unknown>>;
    assert.deepEqual([record.digest, record.verified, record.signer, record.issuer], [root.digest, true, IDENTITY, GITHUB_ISSUER]);
    assert.equal(run.outputs.digest, root.digest);
    const [image] = JSON.parse(run.outputs.images) as Array<Record<string, unknown>>;
    assert.deepEqual(
      [image.operation, image.status, image.source, image.destination],
      ['verify', 'unchanged', ref('act/signed'), ref('act/signed')],
    );
    assert.ok(run.stdout.includes(`Verified ${root.digest}: signed by ${IDENTITY}`), run.stdout);
    assert.ok(run.stdout.includes(`In place: ${ref('act/signed')} names ${root.digest}`), run.stdout);
    assert.ok(run.summary.includes('### Verify: '), run.summary);
    assert.ok(run.summary.includes('nothing was copied, nothing was written'), run.summary);
    assert.deepEqual(lines(run.stdout, 'error'), []);
    assert.deepEqual(await writes(), []);
  });

  it('refuses an unsigned image in one error line; verify-mode warn passes it with a warning; a destination given is said not to be used', async () => {
    const root = await scene.image('act/unsigned');
    const refused = await runAction({ operation: 'verify', source: ref('act/unsigned'), ...keylessPolicy() });
    assert.equal(refused.code, 1, refused.stdout);
    const [error, ...more] = lines(refused.stdout, 'error');
    assert.deepEqual(more, []);
    assert.ok(error.startsWith(`::error::no signature of ${root.digest} satisfies the policy: found none`), error);
    assert.equal((JSON.parse(refused.outputs.verification) as Array<Record<string, unknown>>)[0].verified, false);
    assert.ok(refused.summary.includes('Refused by signature-policy: verify'), refused.summary);

    const warned = await runAction({
      operation: 'verify',
      source: ref('act/unsigned'),
      destination: `${registry.host}/act/elsewhere:1.0`,
      'verify-mode': 'warn',
      ...keylessPolicy(),
    });
    assert.equal(warned.code, 0, warned.stdout);
    const warnings = lines(warned.stdout, 'warning');
    assert.ok(
      warnings.some(
        (w) =>
          w ===
          '::warning::input "destination" is not used with input "operation" verify: verify acts on input "source" where it is; leave it out',
      ),
      warnings.join('\n'),
    );
    assert.ok(
      warnings.some((w) => w.startsWith(`::warning::Unverified ${root.digest} (verify-mode warn, nothing is changed)`)),
      warnings.join('\n'),
    );
    const [record] = JSON.parse(warned.outputs.verification) as Array<Record<string, unknown>>;
    assert.deepEqual([record.verified, record.mode], [false, 'warn']);
    assert.ok(
      warned.summary.startsWith('> ⚠️ input &#34;destination&#34; is not used with input &#34;operation&#34; verify'),
      warned.summary,
    );
    const none = await fetch(`${registry.url}/v2/act/elsewhere/manifests/1.0`, { method: 'HEAD' });
    assert.equal(none.status, 404);
  });

  it('operation: sign signs a registry image with a key, the re-run says it is signed already and writes nothing', async () => {
    const root = await scene.image('act/sign');
    const run = await runAction({ operation: 'sign', source: ref('act/sign'), ...signWithKey() });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const [record] = JSON.parse(run.outputs.verification) as Array<{ signed: Record<string, unknown> }>;
    assert.deepEqual([record.signed.state, record.signed.mode, record.signed.digest], ['signed', 'key', root.digest]);
    const there = await verifyImage(scene.repository('act/sign'), root, scene.policy({ key: join(work, 'cosign.pub') }));
    assert.equal(there.verified, true);
    assert.ok(run.summary.includes('### Sign: '), run.summary);

    await registry.resetRequests();
    const again = await runAction({ operation: 'sign', source: ref('act/sign'), ...signWithKey() });
    assert.equal(again.code, 0, again.stdout);
    assert.ok(again.stdout.includes(`Not signed again: ${root.digest} is already signed by key SHA256:`), again.stdout);
    assert.equal((JSON.parse(again.outputs.verification) as Array<{ signed: Record<string, unknown> }>)[0].signed.state, 'already-signed');
    assert.deepEqual(await writes(), []);
  });

  it('operation: sign signs keyless with the runner token, and an oci: layout with a key; with a platform, that manifest', async () => {
    const root = await scene.image('act/keyless');
    const keyless = await runAction(
      { operation: 'sign', source: ref('act/keyless'), 'sign-fulcio-url': world.fulcioUrl, 'sign-rekor-url': world.rekorUrl },
      { ACTIONS_ID_TOKEN_REQUEST_URL: world.tokenRequestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: world.tokenRequestToken },
    );
    assert.equal(keyless.code, 0, keyless.stdout + keyless.stderr);
    const [record] = JSON.parse(keyless.outputs.verification) as Array<{ signed: Record<string, unknown> }>;
    assert.deepEqual([record.signed.mode, record.signed.signer, record.signed.digest], ['keyless', IDENTITY, root.digest]);

    const dir = join(work, 'layout');
    const built = await makeImageLayout(dir, { tag: '3.0', platforms: [{ architecture: 'amd64', layers: [{ size: 700 }] }] });
    const layout = await runAction({ operation: 'sign', source: `oci:${dir}:3.0`, ...signWithKey(), 'signature-format': 'legacy' });
    assert.equal(layout.code, 0, layout.stdout);
    const verified = await runAction({ operation: 'verify', source: `oci:${dir}:3.0`, 'verify-key': join(work, 'cosign.pub') });
    assert.equal(verified.code, 0, verified.stdout);
    assert.equal(verified.outputs.digest, built.root.digest);

    const index = await scene.image('act/multi', { platforms: 2 });
    const one = await runAction({ operation: 'sign', source: ref('act/multi'), platform: 'linux/arm64', ...signWithKey() });
    assert.equal(one.code, 0, one.stdout);
    const [signed] = JSON.parse(one.outputs.verification) as Array<{ signed: Record<string, unknown> }>;
    assert.notEqual(signed.signed.digest, index.digest);
    assert.equal(signed.signed.digest, one.outputs.digest);
  });

  it('says what is wrong with the inputs in one line, before anything runs', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ operation: 'verify', source: ref('act/signed') }, 'input "operation" verify needs a policy: give input "verify-key"'],
      [{ operation: 'sign' }, 'input "source" is required'],
      [
        {
          operation: 'verify',
          images: `- source: ${ref('act/signed')}\n  destination: ${registry.host}/x\n`,
          'verify-key': join(work, 'cosign.pub'),
        },
        'input "operation" is verify, which acts on one image where it is: give it as input "source", not input "images"',
      ],
      [
        { operation: 'sign', source: `oci-archive:${join(work, 'app.tar')}`, ...signWithKey() },
        'is a tar archive, which cannot be signed in place',
      ],
      [{ operation: 'sign', source: ref('act/sign'), sign: 'false' }, 'input "operation" sign signs: input "sign" cannot be false with it'],
      [
        { operation: 'sign', source: ref('act/sign') },
        'input "operation" sign signs keyless (no input "sign-key") but the runner offers no OIDC token: give the job "permissions: id-token: write", or give input "sign-key"',
      ],
    ];
    for (const [inputs, message] of cases) {
      const run = await runAction(inputs);
      assert.equal(run.code, 1, run.stdout);
      const errors = lines(run.stdout, 'error');
      assert.equal(errors.length, 1, run.stdout);
      assert.ok(errors[0].includes(message), `${errors[0]} should say ${message}`);
    }
  });
});
