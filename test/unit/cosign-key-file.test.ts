import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { InputError } from '../../src/oci/errors.js';
import { readCosignKeyFile, writeCosignKeyFile } from '../../src/signatures/cosign-key.js';
import { decryptCosignKey, encryptCosignKey } from '../support/cosign-key-file.js';

const PASSWORD = 'correct horse battery staple';
const der = (k: KeyObject) => (k.type === 'public' ? k : createPublicKey(k)).export({ type: 'spki', format: 'der' });
const samePublic = (a: KeyObject, b: KeyObject) => der(a).equals(der(b));

async function refuses(pem: string, password: string, pattern: RegExp): Promise<void> {
  await assert.rejects(readCosignKeyFile(pem, password, 'input "sign-key"'), (err: unknown) => {
    assert.ok(err instanceof InputError, String(err));
    assert.ok(!err.message.includes('\n'), err.message);
    assert.ok(!err.message.includes(password) || password === '', 'the password is never shown');
    assert.match(err.message, pattern);
    return true;
  });
}

describe('cosign key files', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  it('reads a key file made by other code (tweetnacl and scrypt), with each scrypt strength cosign writes', async () => {
    for (const N of [32768, 65536]) {
      const key = await readCosignKeyFile(encryptCosignKey(privateKey, PASSWORD, N), PASSWORD);
      assert.equal(key.type, 'private');
      assert.ok(samePublic(key, publicKey), `N=${N}: the same key`);
      // the key signs what the public key verifies
      const sig = sign('sha256', Buffer.from('payload'), key);
      assert.ok(verify('sha256', Buffer.from('payload'), publicKey, sig));
    }
  });

  it('writes a key file that other code (tweetnacl and scrypt) decrypts, in cosign PEM', async () => {
    const pem = await writeCosignKeyFile(privateKey, PASSWORD);
    assert.match(pem, /^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n$/);
    const body = JSON.parse(Buffer.from(pem.split('\n').slice(1, -2).join(''), 'base64').toString('utf8'));
    assert.deepEqual(body.kdf.params, { N: 65536, r: 8, p: 1 });
    assert.equal(body.kdf.name, 'scrypt');
    assert.equal(body.cipher.name, 'nacl/secretbox');
    assert.equal(Buffer.from(body.kdf.salt, 'base64').length, 32);
    assert.equal(Buffer.from(body.cipher.nonce, 'base64').length, 24);
    assert.ok(samePublic(decryptCosignKey(pem, PASSWORD), publicKey));
    assert.throws(() => decryptCosignKey(pem, 'wrong'), /wrong password/);
  });

  it('reads the older ENCRYPTED COSIGN PRIVATE KEY type, and a plain PKCS#8 key', async () => {
    const old = encryptCosignKey(privateKey, PASSWORD, 32768).replaceAll('ENCRYPTED SIGSTORE PRIVATE KEY', 'ENCRYPTED COSIGN PRIVATE KEY');
    assert.ok(samePublic(await readCosignKeyFile(old, PASSWORD), publicKey));
    assert.ok(samePublic(await readCosignKeyFile(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), ''), publicKey));
  });

  it('refuses a wrong password in one line, without the password', async () => {
    await refuses(
      encryptCosignKey(privateKey, PASSWORD, 32768),
      'hunter2',
      /^input "sign-key" could not be decrypted: the password is wrong/,
    );
  });

  it('says a missing password is missing, not wrong, and where to give one; a wrong one, where it came from', async () => {
    const pem = encryptCosignKey(privateKey, PASSWORD, 32768);
    await assert.rejects(
      readCosignKeyFile(pem, '', 'input "sign-key"', { giveIn: 'input "sign-key-password" or COSIGN_PASSWORD' }),
      (err: Error) => {
        assert.equal(
          err.message,
          'input "sign-key" is encrypted and no password is given: give the password it was made with in input "sign-key-password" or COSIGN_PASSWORD',
        );
        return err instanceof InputError;
      },
    );
    await assert.rejects(
      readCosignKeyFile(pem, 'hunter2', 'entry 2, field "sign-key"', { from: 'entry 2, field "sign-key-password"' }),
      (err: Error) => {
        assert.match(
          err.message,
          /^entry 2, field "sign-key" could not be decrypted: the password is wrong .*in entry 2, field "sign-key-password"$/,
        );
        assert.ok(!err.message.includes('COSIGN_PASSWORD'), err.message);
        return err instanceof InputError;
      },
    );
  });

  it('refuses what is not a cosign key, a damaged file, costly scrypt parameters and keys it cannot sign with', async () => {
    await refuses('hello', PASSWORD, /is not a PEM key file/);
    await refuses(
      publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      PASSWORD,
      /holds a PEM "PUBLIC KEY", not a cosign private key/,
    );
    const damaged = `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n${Buffer.from('{"kdf":').toString('base64')}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n`;
    await refuses(damaged, PASSWORD, /is damaged: its body is not the JSON cosign writes/);
    const pem = encryptCosignKey(privateKey, PASSWORD, 32768);
    const doc = JSON.parse(Buffer.from(pem.split('\n').slice(1, -2).join(''), 'base64').toString('utf8'));
    doc.kdf.params.N = 1 << 24;
    const costly = `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n${Buffer.from(JSON.stringify(doc)).toString('base64')}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n`;
    await refuses(costly, PASSWORD, /asks for scrypt parameters cosign never writes \(N=16777216, r=8, p=1\): refused/);
    const x448 = generateKeyPairSync('x448');
    await refuses(
      encryptCosignKey(x448.privateKey, PASSWORD, 32768),
      PASSWORD,
      /holds an x448 key: signing takes an ECDSA \(P-256, P-384, P-521\), RSA or Ed25519 key/,
    );
    const secp256k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    await refuses(encryptCosignKey(secp256k1.privateKey, PASSWORD, 32768), PASSWORD, /holds an EC key on secp256k1: signing takes/);
  });
});
