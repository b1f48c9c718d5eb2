import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SignatureRefusedError } from '../../src/signatures/errors.js';
import type { VerifyPolicySettings } from '../../src/signatures/policy.js';
import { verifyImage } from '../../src/signatures/verify.js';
import type { TestDescriptor } from '../support/images.js';
import type { TestRegistry } from '../support/registry.js';
import {
  bundleBytes,
  cosignSignStatement,
  dsseBundle,
  fulcioSigner,
  keyedAttLayer,
  keyedSigLayer,
  keylessSigLayer,
  messageBundle,
  provenanceStatement,
  pushBundleReferrer,
  pushCosignReferrer,
  pushCosignTag,
  simpleSigning,
  SIGN_PREDICATE,
  SLSA_V1,
} from '../support/signature-artifacts.js';
import { startSigningScene, type SigningScene } from '../support/signing-scene.js';
import { GITHUB_ISSUER, githubClaims, startSigstoreWorld, workflowIdentity, type SigstoreWorld } from '../support/sigstore-world.js';

const IDENTITY = workflowIdentity(githubClaims());
const OTHER_IDENTITY = 'https://github.com/acme/other/.github/workflows/release.yml@refs/heads/main';

describe('signature verification against a real registry', () => {
  let scene: SigningScene;
  let registry: TestRegistry;
  let world: SigstoreWorld;
  /** Another Sigstore, whose certificates the scene's trust root does not know. */
  let elsewhere: SigstoreWorld;
  let work: string;
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  before(async () => {
    scene = await startSigningScene('oci-copy-verify-');
    ({ registry, world, work } = scene);
    elsewhere = await startSigstoreWorld({ dir: work });
    await writeFile(join(work, 'cosign.pub'), keys.publicKey.export({ type: 'spki', format: 'pem' }));
  });

  after(async () => {
    await elsewhere?.stop();
    await scene?.stop();
  });

  /** A new image (one platform, or an index of two) pushed with skopeo under `repo:1.0`. */
  const image = (repo: string, platforms = 1): Promise<TestDescriptor> => scene.image(repo, { platforms });
  const source = (repo: string) => scene.repository(repo);
  const policy = (settings: VerifyPolicySettings) => scene.policy(settings);
  const keyless = (settings: VerifyPolicySettings = {}) =>
    policy({ certificateIdentity: IDENTITY, certificateOidcIssuer: GITHUB_ISSUER, ...settings });

  /** The refusal: a `SignatureRefusedError` of one line, matching `pattern`. */
  async function refused(run: Promise<unknown>, pattern: RegExp): Promise<SignatureRefusedError> {
    let caught: unknown;
    await run.catch((err: unknown) => (caught = err));
    assert.ok(caught instanceof SignatureRefusedError, `refused, not ${String(caught)}`);
    assert.ok(!caught.message.includes('\n'), `one line: ${caught.message}`);
    assert.match(caught.message, pattern);
    return caught;
  }

  it('verifies a cosign v3 bundle referrer (keyless, logged in Rekor) found through the sha256-<hex> index, and says who signed it', async () => {
    const root = await image('v3/app');
    const bundle = await dsseBundle(fulcioSigner(world), cosignSignStatement(root.digest), world, 'rekor');
    const referrer = await pushBundleReferrer(registry, 'v3/app', root, bundleBytes(bundle), SIGN_PREDICATE);

    const record = await verifyImage(source('v3/app'), root, keyless());
    const claims = world.claims;
    assert.equal(record.verified, true);
    assert.equal(record.digest, root.digest);
    assert.deepEqual(record.signer, {
      identity: IDENTITY,
      issuer: GITHUB_ISSUER,
      workflow: `https://github.com/${claims.workflow_ref}`,
      repository: `https://github.com/${claims.repository}`,
      commit: claims.sha,
      ref: claims.ref,
      trigger: 'push',
      run: `https://github.com/${claims.repository}/actions/runs/${claims.run_id}/attempts/${claims.run_attempt}`,
    });
    assert.equal(record.tlogIndex, bundle.verificationMaterial.tlogEntries[0].logIndex);
    assert.deepEqual(
      record.found.map((f) => [f.form, f.kind, f.where, f.predicateType, f.valid, f.accepted]),
      [['bundle', 'signature', `referrer ${referrer.digest}`, SIGN_PREDICATE, true, true]],
    );
    assert.match(record.found[0].signedAt ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.equal(record.policy, `identity ${IDENTITY}, issuer ${GITHUB_ISSUER}`);

    // An identity regexp over the whole identity matches it too.
    assert.equal(
      (
        await verifyImage(
          source('v3/app'),
          root,
          policy({
            certificateIdentityRegexp: 'https://github\\.com/acme/app/\\.github/workflows/release\\.yml@refs/tags/v.*',
            certificateOidcIssuer: GITHUB_ISSUER,
          }),
        )
      ).verified,
      true,
    );

    // Another identity, another issuer: refused, saying who did sign and who was required.
    const where = `referrer ${referrer.digest}`;
    await refused(
      verifyImage(source('v3/app'), root, keyless({ certificateIdentity: OTHER_IDENTITY })),
      new RegExp(
        `^no signature of ${root.digest} satisfies the policy: found 1: a bundle signature \\(${where}\\) signed by ${esc(IDENTITY)} \\(issuer ${esc(GITHUB_ISSUER)}\\): its signer is not the identity required; required identity ${esc(OTHER_IDENTITY)}, issuer ${esc(GITHUB_ISSUER)} \\(trust root ${esc(world.trustedRootPath)}\\)$`,
      ),
    );
    await refused(
      verifyImage(source('v3/app'), root, keyless({ certificateOidcIssuer: 'https://accounts.google.com' })),
      /: its issuer is not the one required; required identity .*, issuer https:\/\/accounts\.google\.com /,
    );
  });

  it("verifies GitHub's build provenance attestation stamped by a TSA, for a private instance whose trust root has no log", async () => {
    const root = await image('gh/app');
    const name = `${registry.host}/gh/app`;
    const bundle = await dsseBundle(fulcioSigner(world), provenanceStatement(name, root.digest, world.claims), world, 'tsa');
    await pushBundleReferrer(registry, 'gh/app', root, bundleBytes(bundle), SLSA_V1);
    const noLog = join(work, 'github-like-root.json');
    await writeFile(noLog, JSON.stringify({ ...world.trustedRoot, tlogs: [] }));

    const record = await verifyImage(source('gh/app'), root, keyless({ attestationTypes: 'slsaprovenance1', trustedRoot: noLog }));
    assert.equal(record.verified, true);
    assert.deepEqual(record.predicateTypes, [SLSA_V1]);
    assert.equal(record.signer?.identity, IDENTITY);
    assert.equal(record.tlogIndex, undefined, 'a TSA stamp, no log entry');
    assert.equal(record.found[0].kind, 'attestation');

    // With a root that has a log, a keyless bundle without a log entry is not enough.
    await refused(
      verifyImage(source('gh/app'), root, keyless({ attestationTypes: SLSA_V1 })),
      /no attestation of type https:\/\/slsa\.dev\/provenance\/v1 of .*: it has no transparency-log entry, and the trust root requires one;/,
    );
    // A provenance attestation is not a signature.
    await refused(
      verifyImage(source('gh/app'), root, keyless({ trustedRoot: noLog })),
      new RegExp(
        `^no signature of ${root.digest} satisfies the policy: found 1: a bundle attestation of type ${esc(SLSA_V1)} \\(referrer sha256:[0-9a-f]{64}\\) signed by ${esc(IDENTITY)}`,
      ),
    );
  });

  it("verifies cosign's legacy .sig and .att signed with a key (PEM file), and refuses another key", async () => {
    const root = await image('legacy/key');
    await pushCosignTag(registry, 'legacy/key', root, 'sig', [
      keyedSigLayer(keys.privateKey, simpleSigning(`${registry.host}/legacy/key`, root.digest)),
    ]);
    await pushCosignTag(registry, 'legacy/key', root, 'att', [
      keyedAttLayer(keys.privateKey, provenanceStatement(`${registry.host}/legacy/key`, root.digest, world.claims), SLSA_V1),
    ]);

    const record = await verifyImage(source('legacy/key'), root, policy({ key: join(work, 'cosign.pub') }));
    assert.equal(record.verified, true);
    assert.match(record.signer?.keyFingerprint ?? '', /^SHA256:[A-Za-z0-9+/]{43}$/);
    assert.deepEqual(
      record.found.map((f) => [f.form, f.kind, f.where, f.accepted]),
      [
        ['legacy', 'signature', `tag ${root.digest.replace(':', '-')}.sig`, true],
        ['legacy', 'attestation', `tag ${root.digest.replace(':', '-')}.att`, true],
      ],
    );
    const attested = await verifyImage(
      source('legacy/key'),
      root,
      policy({ key: join(work, 'cosign.pub'), attestationTypes: 'slsaprovenance1' }),
    );
    assert.deepEqual(attested.predicateTypes, [SLSA_V1]);

    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await refused(
      verifyImage(source('legacy/key'), root, policy({ key: other })),
      /: a legacy signature \(tag sha256-[0-9a-f]{64}\.sig\): its signature does not verify \(the content or the key differs from what was signed\);.*; required key SHA256:/,
    );
    // A keyless policy does not take a key's signature.
    await refused(
      verifyImage(source('legacy/key'), root, keyless()),
      /a legacy signature \(tag sha256-[0-9a-f]{64}\.sig\): it is signed with a key, and the policy requires a certificate identity/,
    );
  });

  it("verifies cosign v2's signatures and attestations stored as referrers (--registry-referrers-mode=oci-1-1), and refuses one whose manifest names another digest", async () => {
    const root = await image('referred/key');
    const sig = await pushCosignReferrer(registry, 'referred/key', root, 'signature', [
      keyedSigLayer(keys.privateKey, simpleSigning(`${registry.host}/referred/key`, root.digest)),
    ]);
    const att = await pushCosignReferrer(registry, 'referred/key', root, 'attestation', [
      keyedAttLayer(keys.privateKey, provenanceStatement(`${registry.host}/referred/key`, root.digest, world.claims), SLSA_V1),
    ]);

    const record = await verifyImage(
      source('referred/key'),
      root,
      policy({ key: join(work, 'cosign.pub'), attestationTypes: 'slsaprovenance1' }),
    );
    assert.equal(record.verified, true);
    assert.deepEqual(record.predicateTypes, [SLSA_V1]);
    assert.deepEqual(
      record.found.map((f) => [f.form, f.kind, f.where, f.accepted]),
      [
        ['legacy', 'signature', `referrer ${sig.digest}`, true],
        ['legacy', 'attestation', `referrer ${att.digest}`, true],
      ],
    );

    // Listed under this image, but its manifest is about another one: read, and not taken.
    const other = await image('referred/lie');
    const victim = await image('referred/lie');
    const lie = await pushCosignReferrer(
      registry,
      'referred/lie',
      victim,
      'signature',
      [keyedSigLayer(keys.privateKey, simpleSigning(`${registry.host}/referred/lie`, other.digest))],
      other,
    );
    await refused(
      verifyImage(source('referred/lie'), victim, policy({ key: join(work, 'cosign.pub') })),
      new RegExp(`a legacy signature \\(referrer ${lie.digest}\\): its manifest refers to ${other.digest}, not ${victim.digest}`),
    );
  });

  it("verifies cosign's legacy keyless .sig from its certificate and Rekor bundle annotations (signed entry timestamp)", async () => {
    const root = await image('legacy/keyless');
    const payload = simpleSigning(`${registry.host}/legacy/keyless`, root.digest);
    const bundle = await messageBundle(fulcioSigner(world), payload, world, 'rekor');
    await pushCosignTag(registry, 'legacy/keyless', root, 'sig', [keylessSigLayer(bundle, payload)]);
    const record = await verifyImage(source('legacy/keyless'), root, keyless());
    assert.equal(record.found[0].form, 'legacy');
    assert.equal(record.signer?.identity, IDENTITY);
    assert.equal(record.signer?.commit, world.claims.sha);
    assert.equal(record.tlogIndex, bundle.verificationMaterial.tlogEntries[0].logIndex);
  });

  it('checks every platform manifest of an index when the policy says so', async () => {
    const root = await image('multi/app', 2);
    const sign = async (subject: TestDescriptor) =>
      pushBundleReferrer(
        registry,
        'multi/app',
        subject,
        bundleBytes(await dsseBundle(fulcioSigner(world), cosignSignStatement(subject.digest), world, 'rekor')),
        SIGN_PREDICATE,
      );
    await sign(root);
    assert.equal((await verifyImage(source('multi/app'), root, keyless())).platforms, undefined, 'the root alone, by default');
    const index = JSON.parse(
      await (await fetch(`${registry.url}/v2/multi/app/manifests/${root.digest}`, { headers: { accept: root.mediaType } })).text(),
    ) as { manifests: TestDescriptor[] };
    await refused(
      verifyImage(source('multi/app'), root, keyless({ platforms: true })),
      new RegExp(`^no signature of ${index.manifests[0].digest} \\(linux/amd64 of ${root.digest}\\) satisfies the policy: found none`),
    );
    for (const child of index.manifests) await sign(child);
    const record = await verifyImage(source('multi/app'), root, keyless({ platforms: true }));
    assert.deepEqual(
      record.platforms?.map((p) => [p.digest, p.verified]),
      index.manifests.map((m) => [m.digest, true]),
    );
  });

  it('says when nothing is attached at all', async () => {
    const root = await image('bare/app');
    await refused(
      verifyImage(source('bare/app'), root, keyless()),
      new RegExp(
        `^no signature of ${root.digest} satisfies the policy: found none \\(no Sigstore bundle among its referrers, no cosign \\.sig or \\.att tag\\); required identity `,
      ),
    );
  });

  describe('bad input: one line each, and nothing accepted', () => {
    it('a malformed bundle', async () => {
      const root = await image('bad/malformed');
      await pushBundleReferrer(
        registry,
        'bad/malformed',
        root,
        Buffer.from('{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{}}'),
        SIGN_PREDICATE,
      );
      await pushBundleReferrer(registry, 'bad/malformed', root, Buffer.from('{"mediaType": oops'), SIGN_PREDICATE);
      const err = await refused(
        verifyImage(source('bad/malformed'), root, keyless()),
        /found 2: a bundle signature \(referrer sha256:[0-9a-f]{64}\): its bundle is malformed: it lacks or mangles [^;]+; a bundle signature \(referrer sha256:[0-9a-f]{64}\): its bundle is malformed: it is not JSON; required/,
      );
      assert.deepEqual(
        err.found.map((f) => f.valid),
        [false, false],
      );
    });

    it('a certificate from another root', async () => {
      const root = await image('bad/root');
      await pushBundleReferrer(
        registry,
        'bad/root',
        root,
        bundleBytes(await dsseBundle(fulcioSigner(elsewhere), cosignSignStatement(root.digest), elsewhere, 'rekor')),
        SIGN_PREDICATE,
      );
      await refused(
        verifyImage(source('bad/root'), root, keyless()),
        new RegExp(
          `signed by ${esc(IDENTITY)} \\(issuer ${esc(GITHUB_ISSUER)}\\): its certificate does not chain to a certificate authority of the trust root;`,
        ),
      );
    });

    it('a signature over another digest, as a bundle and as a legacy .sig', async () => {
      const [root, other] = await Promise.all([image('bad/digest'), image('bad/digest-other')]);
      await pushBundleReferrer(
        registry,
        'bad/digest',
        root,
        bundleBytes(await dsseBundle(fulcioSigner(world), cosignSignStatement(other.digest), world, 'rekor')),
        SIGN_PREDICATE,
      );
      await pushCosignTag(registry, 'bad/digest', root, 'sig', [
        keyedSigLayer(keys.privateKey, simpleSigning(`${registry.host}/bad/digest`, other.digest)),
      ]);
      await refused(
        verifyImage(source('bad/digest'), root, keyless()),
        new RegExp(`: its statement is about ${other.digest}, not ${root.digest};`),
      );
      await refused(
        verifyImage(source('bad/digest'), root, policy({ key: join(work, 'cosign.pub') })),
        new RegExp(`a legacy signature \\(tag [^)]+\\.sig\\): its payload signs ${other.digest}, not ${root.digest};`),
      );
    });

    it('an expired certificate without a timestamp', async () => {
      const past = await startSigstoreWorld({ dir: work, caClock: new Date(Date.now() - 3_600_000) });
      try {
        const root = await image('bad/expired');
        const unlogged = await dsseBundle(fulcioSigner(past), cosignSignStatement(root.digest), past, 'none');
        await pushBundleReferrer(registry, 'bad/expired', root, bundleBytes(unlogged), SIGN_PREDICATE);
        await refused(
          verifyImage(source('bad/expired'), root, keyless({ trustedRoot: past.trustedRootPath })),
          /: no timestamp \(transparency-log entry or TSA\) shows it was signed while its certificate \(valid \d{4}-\S+Z to \d{4}-\S+Z\) was valid;/,
        );
      } finally {
        await past.stop();
      }
    });

    it('a bundle over the size limit is not read', async () => {
      const root = await image('bad/large');
      await pushBundleReferrer(registry, 'bad/large', root, Buffer.alloc(1024 * 1024 + 1, 0x20), SIGN_PREDICATE);
      await refused(
        verifyImage(source('bad/large'), root, keyless()),
        /: its Sigstore bundle is 1048577 bytes, over the 1048576-byte limit;/,
      );
    });
  });
});

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
