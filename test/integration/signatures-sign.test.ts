import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { runnerIdentityToken } from '../../src/oidc/runner-token.js';
import { InputError } from '../../src/oci/errors.js';
import { SigningError } from '../../src/signatures/errors.js';
import type { VerifyPolicySettings } from '../../src/signatures/policy.js';
import { signImage } from '../../src/signatures/sign.js';
import { verifyImage } from '../../src/signatures/verify.js';
import { openLayout } from '../../src/targets/layout/layout.js';
import { encryptCosignKey } from '../support/cosign-key-file.js';
import { makeImageLayout, type TestDescriptor } from '../support/images.js';
import { fallbackTag, getManifest, type Desc } from '../support/referrer-artifacts.js';
import type { TestRegistry } from '../support/registry.js';
import { startSigningScene, type SigningScene } from '../support/signing-scene.js';
import { BUNDLE_TYPE, cosignSignStatement, IN_TOTO, pae, SIGN_PREDICATE, simpleSigning } from '../support/signature-artifacts.js';
import { GITHUB_ISSUER, workflowIdentity, type SigstoreWorld } from '../support/sigstore-world.js';
import { opensslVerifies as verifiedByOpenssl } from '../support/openssl.js';

const run = promisify(execFile);
const PASSWORD = 'promote-me-4711';

interface BundleJson {
  mediaType: string;
  verificationMaterial: {
    publicKey?: { hint: string };
    x509CertificateChain?: { certificates: Array<{ rawBytes: string }> };
    certificate?: { rawBytes: string };
    tlogEntries: unknown[];
  };
  dsseEnvelope: { payload: string; payloadType: string; signatures: Array<{ sig: string }> };
}

describe('signing on promotion, checked by oci-copy and by openssl', () => {
  let scene: SigningScene;
  let registry: TestRegistry;
  let world: SigstoreWorld;
  let work: string;

  before(async () => {
    scene = await startSigningScene('oci-copy-sign-');
    ({ registry, world, work } = scene);
    await writeFile(join(work, 'fulcio-root.pem'), world.fulcioRootPem);
  });

  after(async () => {
    await scene?.stop();
  });

  const image = (repo: string) => scene.image(repo);
  const repository = (repo: string) => scene.repository(repo);
  const policy = (settings: VerifyPolicySettings) => scene.policy(settings);
  const blob = (repo: string, digest: string) => scene.blob(repo, digest);

  /** `openssl` verifies the signature (see support/openssl.ts). */
  const opensslVerifies = (publicPem: string, data: Buffer, signature: Buffer) =>
    verifiedByOpenssl(work, publicPem, data, signature, '-sha256');

  /** The referrer manifests the subject's `sha256-<hex>` index lists, and each one's bundle. */
  async function bundleReferrers(
    repo: string,
    subject: TestDescriptor,
  ): Promise<Array<{ entry: Desc; manifest: Record<string, any>; bundle: BundleJson }>> {
    const index = await getManifest(registry, repo, fallbackTag(subject.digest));
    assert.equal(index.status, 200, 'the tag-schema index exists');
    const out = [];
    for (const entry of index.doc!.manifests) {
      const manifest = (await getManifest(registry, repo, entry.digest)).doc as Record<string, any>;
      out.push({ entry, manifest, bundle: JSON.parse((await blob(repo, manifest.layers[0].digest)).toString('utf8')) as BundleJson });
    }
    return out;
  }

  it('signs with a cosign key file: a v0.3 bundle referrer as cosign v3 lays it out, which openssl and oci-copy accept', async () => {
    const root = await image('key/bundle');
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const keyFile = encryptCosignKey(keys.privateKey, PASSWORD);

    const record = await signImage(repository('key/bundle'), root, `${registry.host}/key/bundle`, {
      mode: 'key',
      keyFile,
      password: PASSWORD,
    });
    assert.equal(record.format, 'bundle');
    assert.equal(record.mode, 'key');
    assert.equal(record.tlogIndex, undefined, 'no log was named');

    const [{ entry, manifest, bundle }, ...more] = await bundleReferrers('key/bundle', root);
    assert.equal(more.length, 0);
    assert.equal(entry.digest, record.manifest);
    assert.equal(entry.artifactType, BUNDLE_TYPE);
    assert.equal(entry.annotations?.['dev.sigstore.bundle.content'], 'dsse-envelope');
    assert.equal(entry.annotations?.['dev.sigstore.bundle.predicateType'], SIGN_PREDICATE);
    assert.match(entry.annotations?.['org.opencontainers.image.created'] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(manifest.subject, { mediaType: root.mediaType, digest: root.digest, size: root.size });
    assert.equal(manifest.artifactType, BUNDLE_TYPE);
    assert.deepEqual(manifest.config, {
      mediaType: 'application/vnd.oci.empty.v1+json',
      digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
      size: 2,
    });
    assert.equal(manifest.layers[0].mediaType, BUNDLE_TYPE);

    assert.equal(bundle.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
    assert.ok(bundle.verificationMaterial.publicKey, 'a key bundle names a key, not a certificate');
    assert.equal(bundle.dsseEnvelope.payloadType, IN_TOTO);
    const statement = Buffer.from(bundle.dsseEnvelope.payload, 'base64');
    assert.deepEqual(
      JSON.parse(statement.toString()),
      JSON.parse(cosignSignStatement(root.digest).toString()),
      "cosign v3's statement about the digest",
    );
    const signature = Buffer.from(bundle.dsseEnvelope.signatures[0].sig, 'base64');
    assert.ok(await opensslVerifies(publicPem, pae(IN_TOTO, statement), signature), 'openssl verifies the DSSE signature over the PAE');
    assert.ok(
      !(await opensslVerifies(publicPem, pae(IN_TOTO, cosignSignStatement(`sha256:${'0'.repeat(64)}`)), signature)),
      'and not over anything else',
    );

    const verified = await verifyImage(repository('key/bundle'), root, policy({ key: publicPem }));
    assert.equal(verified.signer?.keyFingerprint, record.signer.keyFingerprint);
  });

  it("signs with a key in cosign's legacy form: .sig layers appended as cosign does, each accepted by openssl", async () => {
    const root = await image('key/legacy');
    const first = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const second = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const name = `${registry.host}/key/legacy`;
    const one = await signImage(repository('key/legacy'), root, name, { mode: 'key', key: first.privateKey, format: 'legacy' });
    const two = await signImage(repository('key/legacy'), root, name, { mode: 'key', key: second.privateKey, format: 'legacy' });
    const tag = `${fallbackTag(root.digest)}.sig`;
    assert.equal(one.tag, tag);
    assert.equal(two.tag, tag);

    const manifest = (await getManifest(registry, 'key/legacy', tag)).doc as Record<string, any>;
    assert.equal(manifest.subject, undefined, 'a legacy signature has no subject');
    assert.equal(manifest.layers.length, 2, 'the second signature is appended');
    const config = JSON.parse((await blob('key/legacy', manifest.config.digest)).toString());
    assert.deepEqual(config.rootfs, { type: 'layers', diff_ids: manifest.layers.map((l: Desc) => l.digest) });
    for (const [i, keys] of [first, second].entries()) {
      const layer = manifest.layers[i];
      assert.equal(layer.mediaType, 'application/vnd.dev.cosign.simplesigning.v1+json');
      const payload = await blob('key/legacy', layer.digest);
      assert.deepEqual(
        JSON.parse(payload.toString()),
        JSON.parse(simpleSigning(name, root.digest).toString()),
        "cosign's simple-signing payload",
      );
      const sig = Buffer.from(layer.annotations['dev.cosignproject.cosign/signature'], 'base64');
      assert.ok(
        await opensslVerifies(keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), payload, sig),
        `openssl verifies signature ${i + 1}`,
      );
    }
    for (const keys of [first, second]) {
      const record = await verifyImage(
        repository('key/legacy'),
        root,
        policy({ key: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString() }),
      );
      assert.deepEqual(
        record.found.map((f) => f.accepted),
        keys === first ? [true, false] : [false, true],
      );
    }
  });

  it("signs keyless with the runner's OIDC token: Fulcio certificate for the workflow, Rekor entry; openssl follows the chain and the signature", async () => {
    const root = await image('keyless/bundle');
    const token = runnerIdentityToken({
      ACTIONS_ID_TOKEN_REQUEST_URL: world.tokenRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: world.tokenRequestToken,
    });
    const before = world.serviceRequests();
    const record = await signImage(repository('keyless/bundle'), root, `${registry.host}/keyless/bundle`, {
      mode: 'keyless',
      identityToken: token,
      fulcioUrl: world.fulcioUrl,
      rekorUrl: world.rekorUrl,
    });

    const asked = world.tokenRequests();
    assert.equal(asked.length, 1);
    assert.equal(asked[0].authorization, `Bearer ${world.tokenRequestToken}`);
    assert.equal(asked[0].url, '/runner/idtoken?api-version=2.0&audience=sigstore');
    assert.equal(await token(), await token(), 'the token is reused for a while');
    assert.equal(world.tokenRequests().length, 1, 'without asking the runner again');
    const after = world.serviceRequests();
    assert.equal((after['/api/v2/signingCert'] ?? 0) - (before['/api/v2/signingCert'] ?? 0), 1, 'one certificate');
    assert.equal((after['/api/v1/log/entries'] ?? 0) - (before['/api/v1/log/entries'] ?? 0), 1, 'one log entry');

    assert.equal(record.signer.identity, workflowIdentity(world.claims));
    assert.equal(record.signer.issuer, GITHUB_ISSUER);
    assert.equal(record.signer.repository, `https://github.com/${world.claims.repository}`);
    assert.match(record.tlogIndex ?? '', /^\d+$/);

    const [{ bundle }] = await bundleReferrers('keyless/bundle', root);
    const raw =
      bundle.verificationMaterial.certificate?.rawBytes ?? bundle.verificationMaterial.x509CertificateChain!.certificates[0].rawBytes;
    const leaf = join(work, 'leaf.pem');
    await writeFile(leaf, `-----BEGIN CERTIFICATE-----\n${raw.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`);
    const chain = await run('openssl', ['verify', '-CAfile', join(work, 'fulcio-root.pem'), leaf]);
    assert.match(chain.stdout, /: OK$/m, 'openssl follows the certificate to the Fulcio root');
    const { stdout: leafKey } = await run('openssl', ['x509', '-in', leaf, '-pubkey', '-noout']);
    const statement = Buffer.from(bundle.dsseEnvelope.payload, 'base64');
    assert.ok(await opensslVerifies(leafKey, pae(IN_TOTO, statement), Buffer.from(bundle.dsseEnvelope.signatures[0].sig, 'base64')));

    const verified = await verifyImage(
      repository('keyless/bundle'),
      root,
      policy({ certificateIdentity: workflowIdentity(world.claims), certificateOidcIssuer: GITHUB_ISSUER }),
    );
    assert.equal(verified.tlogIndex, record.tlogIndex);
  });

  it("signs keyless in the legacy form: certificate and Rekor SET annotations that openssl checks against Fulcio's root and Rekor's key", async () => {
    const root = await image('keyless/legacy');
    const name = `${registry.host}/keyless/legacy`;
    const record = await signImage(repository('keyless/legacy'), root, name, {
      mode: 'keyless',
      format: 'legacy',
      identityToken: async () => world.identityToken(),
      fulcioUrl: world.fulcioUrl,
      rekorUrl: world.rekorUrl,
      tsaUrl: world.tsaUrl,
    });
    const manifest = (await getManifest(registry, 'keyless/legacy', record.tag!)).doc as Record<string, any>;
    const layer = manifest.layers[0];
    const payload = await blob('keyless/legacy', layer.digest);
    const leaf = join(work, 'legacy-leaf.pem');
    await writeFile(leaf, layer.annotations['dev.sigstore.cosign/certificate']);
    assert.match((await run('openssl', ['verify', '-CAfile', join(work, 'fulcio-root.pem'), leaf])).stdout, /: OK$/m);
    const { stdout: leafKey } = await run('openssl', ['x509', '-in', leaf, '-pubkey', '-noout']);
    assert.ok(await opensslVerifies(leafKey, payload, Buffer.from(layer.annotations['dev.cosignproject.cosign/signature'], 'base64')));

    // The signed entry timestamp signs the canonical JSON of the entry (keys sorted, no spaces), with the log's key.
    const rekor = JSON.parse(layer.annotations['dev.sigstore.cosign/bundle']) as {
      SignedEntryTimestamp: string;
      Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
    };
    const p = rekor.Payload;
    const canonical = `{"body":${JSON.stringify(p.body)},"integratedTime":${p.integratedTime},"logID":${JSON.stringify(p.logID)},"logIndex":${p.logIndex}}`;
    assert.ok(
      await opensslVerifies(world.rekorKeyPem, Buffer.from(canonical), Buffer.from(rekor.SignedEntryTimestamp, 'base64')),
      'openssl verifies the SET with the Rekor key',
    );
    assert.equal(String(p.logIndex), record.tlogIndex);
    const body = JSON.parse(Buffer.from(p.body, 'base64').toString()) as { kind: string; spec: { data: { hash: { value: string } } } };
    assert.equal(body.kind, 'hashedrekord');
    assert.equal(`sha256:${body.spec.data.hash.value}`, layer.digest, 'the log entry is about this payload');
    assert.ok(layer.annotations['dev.sigstore.cosign/rfc3161timestamp'], 'the TSA stamp rides along');

    const verified = await verifyImage(
      repository('keyless/legacy'),
      root,
      policy({ certificateIdentity: workflowIdentity(world.claims), certificateOidcIssuer: GITHUB_ISSUER }),
    );
    assert.deepEqual(
      verified.found.map((f) => [f.form, f.accepted]),
      [['legacy', true]],
    );
  });

  it('signs into an OCI layout too, where the bundle is an index entry that verification finds', async () => {
    const built = await makeImageLayout(join(work, 'layout'), {
      tag: '1.0',
      platforms: [{ architecture: 'arm64', layers: [{ size: 800 }] }],
    });
    const layout = await openLayout(built.dir);
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await signImage(layout, built.root, 'example.com/app', { mode: 'key', key: keys.privateKey });
    await layout.close('success');
    const index = JSON.parse(await readFile(join(built.dir, 'index.json'), 'utf8')) as { manifests: Desc[] };
    assert.ok(index.manifests.some((m) => m.artifactType === BUNDLE_TYPE));
    const reopened = await openLayout(built.dir);
    const record = await verifyImage(
      reopened,
      built.root,
      policy({ key: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString() }),
    );
    assert.equal(record.found[0].form, 'bundle');
    await reopened.close('success');
  });

  describe('failures: one line each, no secret in it', () => {
    it('the runner refuses the token request, or offers no token', async () => {
      const token = runnerIdentityToken({
        ACTIONS_ID_TOKEN_REQUEST_URL: world.tokenRequestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'not-the-token',
      });
      await assert.rejects(token(), (err: Error) => {
        assert.ok(err instanceof SigningError);
        assert.equal(
          err.message,
          'the runner refused an OIDC token (HTTP 401): bad request token; the job needs "permissions: id-token: write"',
        );
        return true;
      });
      await assert.rejects(
        runnerIdentityToken({})(),
        (err: Error) =>
          err instanceof InputError &&
          /^keyless signing needs the job's OIDC token, and the runner offers none: give the job "permissions: id-token: write"/.test(
            err.message,
          ),
      );
    });

    it('Fulcio is unreachable', async () => {
      const root = await image('fail/fulcio');
      const closed = `http://127.0.0.1:9`;
      await assert.rejects(
        signImage(repository('fail/fulcio'), root, 'x', {
          mode: 'keyless',
          identityToken: async () => world.identityToken(),
          fulcioUrl: closed,
          rekorUrl: world.rekorUrl,
          timeoutMs: 2_000,
        }),
        (err: Error) => {
          assert.ok(err instanceof SigningError, String(err));
          assert.ok(!err.message.includes('\n'), err.message);
          assert.match(err.message, new RegExp(`^signing ${root.digest} \\(keyless\\) failed: `));
          assert.ok(!err.message.includes(world.identityToken().split('.')[0]), 'no token in the line');
          return true;
        },
      );
      assert.equal((await getManifest(registry, 'fail/fulcio', fallbackTag(root.digest))).status, 404, 'nothing attached');
    });

    it('an identity token that cannot be read is not repeated in the line', async () => {
      const root = await image('fail/token');
      const secret = 'not-a-jwt-but-a-secret-4f2a';
      await assert.rejects(
        signImage(repository('fail/token'), root, 'x', {
          mode: 'keyless',
          identityToken: async () => secret,
          fulcioUrl: world.fulcioUrl,
          rekorUrl: world.rekorUrl,
        }),
        (err: Error) => {
          assert.ok(err instanceof SigningError, String(err));
          assert.match(err.message, /failed: invalid identity token: \[token\]/);
          assert.ok(!err.message.includes(secret));
          return true;
        },
      );
    });

    it('a wrong key password', async () => {
      const root = await image('fail/password');
      const keyFile = encryptCosignKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, PASSWORD, 32768);
      await assert.rejects(
        signImage(repository('fail/password'), root, 'x', { mode: 'key', keyFile, password: 'wrong' }),
        (err: Error) =>
          err instanceof InputError &&
          /could not be decrypted: the password is wrong/.test(err.message) &&
          !err.message.includes('wrong'.repeat(2)),
      );
      assert.equal((await getManifest(registry, 'fail/password', `${fallbackTag(root.digest)}.sig`)).status, 404);
    });
  });
});
