// Keys cosign holds besides ECDSA P-256: RSA (PKCS#1 v1.5, SHA-256), ECDSA P-384 (SHA-384) and
// Ed25519. Keys made by openssl, signatures made by oci-copy from a cosign key file and checked by
// openssl, legacy `.sig` signatures made by openssl and checked by oci-copy, against the real registry;
// through the action too, a sign-key and a verify-key of each kind.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { InputError } from '../../src/oci/errors.js';
import { SignatureRefusedError } from '../../src/signatures/errors.js';
import { keyFingerprint } from '../../src/signatures/public-key.js';
import { signImage } from '../../src/signatures/sign.js';
import { verifyImage } from '../../src/signatures/verify.js';
import { encryptCosignKey } from '../support/cosign-key-file.js';
import { fallbackTag, getManifest } from '../support/referrer-artifacts.js';
import { ACTION_COMPILED, runAction } from '../support/run-action.js';
import { IN_TOTO, pae, pushCosignTag, simpleSigning } from '../support/signature-artifacts.js';
import { startSigningScene, type SigningScene } from '../support/signing-scene.js';
import { opensslVerifies as verifiedByOpenssl } from '../support/openssl.js';

const run = promisify(execFile);
const PASSWORD = 'every-key-7';

interface KeyType {
  name: string;
  genpkey: string[];
  /** openssl's digest option for `dgst`, or none for Ed25519 (`pkeyutl -rawin`). */
  digest?: string;
}

const TYPES: KeyType[] = [
  { name: 'RSA 3072', genpkey: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072'], digest: '-sha256' },
  { name: 'ECDSA P-384', genpkey: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'], digest: '-sha384' },
  { name: 'Ed25519', genpkey: ['-algorithm', 'ed25519'] },
];

describe('keys besides ECDSA P-256: RSA, P-384 and Ed25519 sign and verify, cross-checked by openssl', () => {
  let scene: SigningScene;
  let work: string;

  before(async () => {
    scene = await startSigningScene('oci-copy-keytypes-');
    work = scene.work;
  });

  after(async () => {
    await scene?.stop();
  });

  let serial = 0;
  /** A key pair made by openssl: its private key file, the key objects and the public PEM. */
  async function opensslKey(type: KeyType): Promise<{ keyPath: string; privateKey: KeyObject; publicPem: string }> {
    const dir = await mkdtemp(join(work, 'key-'));
    const keyPath = join(dir, 'key.pem');
    await run('openssl', ['genpkey', ...type.genpkey, '-out', keyPath]);
    const privateKey = createPrivateKey(await readFile(keyPath, 'utf8'));
    return { keyPath, privateKey, publicPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString() };
  }

  async function files(data: Buffer, extra: Record<string, string | Buffer> = {}): Promise<string> {
    const dir = join(work, `f-${++serial}`);
    await run('mkdir', ['-p', dir]);
    await writeFile(join(dir, 'data'), data);
    for (const [name, body] of Object.entries(extra)) await writeFile(join(dir, name), body);
    return dir;
  }

  /** `openssl` verifies the signature (see support/openssl.ts). */
  const opensslVerifies = (type: KeyType, publicPem: string, data: Buffer, signature: Buffer) =>
    verifiedByOpenssl(work, publicPem, data, signature, type.digest);

  async function opensslSigns(type: KeyType, keyPath: string, data: Buffer): Promise<Buffer> {
    const dir = await files(data);
    const out = join(dir, 'sig');
    const args = type.digest
      ? ['dgst', type.digest, '-sign', keyPath, '-out', out, join(dir, 'data')]
      : ['pkeyutl', '-sign', '-inkey', keyPath, '-rawin', '-in', join(dir, 'data'), '-out', out];
    await run('openssl', args);
    return readFile(out);
  }

  for (const type of TYPES) {
    const slug = type.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');

    it(`${type.name}: oci-copy signs from a cosign key file, openssl verifies the signature, a policy with the key accepts it and one with another key refuses it`, async () => {
      const repo = `keys/${slug}`;
      const root = await scene.image(repo);
      const key = await opensslKey(type);
      const other = await opensslKey(type);
      const keyFile = encryptCosignKey(key.privateKey, PASSWORD);

      const record = await signImage(scene.repository(repo), root, `${scene.registry.host}/${repo}`, {
        mode: 'key',
        keyFile,
        password: PASSWORD,
      });
      assert.equal(record.format, 'bundle');

      const index = await getManifest(scene.registry, repo, fallbackTag(root.digest));
      const manifest = (await getManifest(scene.registry, repo, index.doc!.manifests[0].digest)).doc as Record<string, any>;
      const bundle = JSON.parse((await scene.blob(repo, manifest.layers[0].digest)).toString('utf8'));
      const statement = Buffer.from(bundle.dsseEnvelope.payload, 'base64');
      const signature = Buffer.from(bundle.dsseEnvelope.signatures[0].sig, 'base64');
      assert.ok(await opensslVerifies(type, key.publicPem, pae(IN_TOTO, statement), signature), 'openssl verifies the DSSE signature');
      assert.ok(!(await opensslVerifies(type, other.publicPem, pae(IN_TOTO, statement), signature)), 'and not with another key');

      const accepted = await verifyImage(scene.repository(repo), root, scene.policy({ key: key.publicPem }));
      assert.equal(accepted.verified, true, `${type.name}: the policy with the key accepts: ${JSON.stringify(accepted.found)}`);
      assert.equal(accepted.signer?.keyFingerprint, record.signer.keyFingerprint);

      await assert.rejects(
        verifyImage(scene.repository(repo), root, scene.policy({ key: other.publicPem })),
        (err: Error) => err instanceof SignatureRefusedError && /its signature does not verify/.test(err.message),
        'a policy with another key of the same type refuses',
      );
    });

    it(`${type.name}: a legacy .sig that openssl signed is accepted by a policy with the key, refused with another key`, async () => {
      const repo = `keys/${slug}-legacy`;
      const root = await scene.image(repo);
      const key = await opensslKey(type);
      const other = await opensslKey(type);
      const payload = simpleSigning(`${scene.registry.host}/${repo}`, root.digest);
      const sig = await opensslSigns(type, key.keyPath, payload);
      await pushCosignTag(scene.registry, repo, root, 'sig', [
        {
          payload,
          mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
          annotations: { 'dev.cosignproject.cosign/signature': sig.toString('base64') },
        },
      ]);
      const accepted = await verifyImage(scene.repository(repo), root, scene.policy({ key: key.publicPem }));
      assert.equal(accepted.verified, true, `${type.name}: ${JSON.stringify(accepted.found)}`);
      assert.equal(accepted.found[0].form, 'legacy');
      await assert.rejects(
        verifyImage(scene.repository(repo), root, scene.policy({ key: other.publicPem })),
        (err: Error) => err instanceof SignatureRefusedError && /its signature does not verify/.test(err.message),
      );

      // oci-copy's own legacy signature with the same key: openssl verifies it as cosign's verifier would.
      const legacy = await signImage(scene.repository(repo), root, `${scene.registry.host}/${repo}`, {
        mode: 'key',
        key: key.privateKey,
        format: 'legacy',
      });
      const manifest = (await getManifest(scene.registry, repo, legacy.tag!)).doc as Record<string, any>;
      // RSA PKCS#1 v1.5 and Ed25519 signatures are deterministic: oci-copy's is openssl's byte for byte,
      // and the layer already there is not added twice. ECDSA's differs each time and is appended.
      assert.equal(manifest.layers.length, type.digest === '-sha384' ? 2 : 1);
      const ours = Buffer.from(manifest.layers.at(-1).annotations['dev.cosignproject.cosign/signature'], 'base64');
      if (manifest.layers.length === 1) assert.deepEqual(ours, sig, "the same signature as openssl's");
      assert.ok(await opensslVerifies(type, key.publicPem, payload, ours), 'openssl verifies the legacy signature oci-copy made');
    });
  }

  it('the action: a P-384 cosign key file signs the promoted image, and the next promotion, gated by its public key, verifies it; an Ed25519 one the same in the legacy form', async () => {
    for (const [type, format] of [
      [TYPES[1], 'bundle'],
      [TYPES[2], 'legacy'],
    ] as const) {
      const slug = `action-${type.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
      const root = await scene.image(`keys/${slug}`);
      const key = await opensslKey(type);
      const keyFile = join(work, `${slug}.key`);
      const pubFile = join(work, `${slug}.pub`);
      await writeFile(keyFile, encryptCosignKey(key.privateKey, PASSWORD));
      await writeFile(pubFile, key.publicPem);
      const host = scene.registry.host;
      const signed = await runAction(
        {
          source: `${host}/keys/${slug}:1.0`,
          destination: `${host}/keys/${slug}-staged:1.0`,
          'blob-cache': 'false',
          sign: 'key',
          'sign-key': keyFile,
          'sign-key-password': PASSWORD,
          'signature-format': format,
        },
        {},
        ACTION_COMPILED,
      );
      assert.equal(signed.code, 0, signed.stdout);
      const fingerprint = keyFingerprint(createPublicKey(key.privateKey));
      assert.ok(signed.stdout.includes(`Signed ${root.digest} (key, ${format}) as key ${fingerprint}`), signed.stdout);
      const promoted = await runAction(
        {
          source: `${host}/keys/${slug}-staged:1.0`,
          destination: `${host}/keys/${slug}-prod:1.0`,
          'blob-cache': 'false',
          'verify-key': pubFile,
        },
        {},
        ACTION_COMPILED,
      );
      assert.equal(promoted.code, 0, promoted.stdout);
      assert.ok(promoted.stdout.includes(`Verified ${root.digest}: signed by key ${fingerprint}`), promoted.stdout);
      const other = await opensslKey(type);
      await writeFile(pubFile, other.publicPem);
      const refused = await runAction(
        {
          source: `${host}/keys/${slug}-staged:1.0`,
          destination: `${host}/keys/${slug}-other:1.0`,
          'blob-cache': 'false',
          'verify-key': pubFile,
        },
        {},
        ACTION_COMPILED,
      );
      assert.equal(refused.code, 1, refused.stdout);
      assert.ok(refused.stdout.includes(`::error::no signature of ${root.digest} satisfies the policy`), refused.stdout);
    }
  });

  it('a P-384 legacy .sig signed with SHA-256, as cosign signed before it chose the hash by curve, is accepted too', async () => {
    const repo = 'keys/p-384-sha256';
    const root = await scene.image(repo);
    const type = TYPES.find((t) => t.name === 'ECDSA P-384')!;
    const key = await opensslKey(type);
    const payload = simpleSigning(`${scene.registry.host}/${repo}`, root.digest);
    const sig = await opensslSigns({ ...type, digest: '-sha256' }, key.keyPath, payload);
    await pushCosignTag(scene.registry, repo, root, 'sig', [
      {
        payload,
        mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
        annotations: { 'dev.cosignproject.cosign/signature': sig.toString('base64') },
      },
    ]);
    const accepted = await verifyImage(scene.repository(repo), root, scene.policy({ key: key.publicPem }));
    assert.equal(accepted.verified, true, JSON.stringify(accepted.found));
    // The same signature over other bytes is still refused: SHA-256 is a second hash to try, not a pass.
    const other = await scene.image(repo, { tag: '2.0' });
    await pushCosignTag(scene.registry, repo, other, 'sig', [
      {
        payload: simpleSigning(`${scene.registry.host}/${repo}`, other.digest),
        mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
        annotations: { 'dev.cosignproject.cosign/signature': sig.toString('base64') },
      },
    ]);
    await assert.rejects(
      verifyImage(scene.repository(repo), other, scene.policy({ key: key.publicPem })),
      (err: Error) => err instanceof SignatureRefusedError && /its signature does not verify/.test(err.message),
    );
  });

  it('a verify-key cosign cannot sign with is refused in one line naming the setting', async () => {
    const x448 = await opensslKey({ name: 'X448', genpkey: ['-algorithm', 'X448'] });
    assert.throws(
      () => scene.policy({ key: x448.publicPem }),
      (err: Error) =>
        err instanceof InputError &&
        err.message ===
          'input "verify-key" is a x448 key, which cosign does not sign with: give an ECDSA (P-256, P-384, P-521), RSA or Ed25519 public key',
    );
  });

  it('a key cosign cannot sign with is refused in one line naming the file', async () => {
    const { privateKey } = await opensslKey({ name: 'RSA 1024', genpkey: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'] });
    const root = await scene.image('keys/weak');
    await assert.rejects(
      signImage(scene.repository('keys/weak'), root, `${scene.registry.host}/keys/weak`, {
        mode: 'key',
        keyFile: encryptCosignKey(privateKey, PASSWORD),
        password: PASSWORD,
      }),
      (err: Error) => err instanceof InputError && /1024-bit RSA key: signing takes RSA keys of 2048 bits or more/.test(err.message),
    );
    const x448 = await opensslKey({ name: 'X448', genpkey: ['-algorithm', 'X448'] });
    await assert.rejects(
      signImage(scene.repository('keys/weak'), root, `${scene.registry.host}/keys/weak`, {
        mode: 'key',
        keyFile: encryptCosignKey(x448.privateKey, PASSWORD),
        password: PASSWORD,
      }),
      (err: Error) =>
        err instanceof InputError &&
        /holds an x448 key: signing takes an ECDSA \(P-256, P-384, P-521\), RSA or Ed25519 key/.test(err.message),
    );
  });
});
