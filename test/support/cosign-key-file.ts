// cosign's encrypted key file, written and read here with other code than oci-copy's: scrypt from
// node:crypto and nacl's secretbox from tweetnacl, following go-securesystemslib's `encrypted`
// package (salt 32 bytes, nonce 24, key 32, JSON with base64 byte fields) and cosign's PEM type.
import { createPrivateKey, randomBytes, scryptSync, type KeyObject } from 'node:crypto';
import nacl from 'tweetnacl';

export const SIGSTORE_PEM_TYPE = 'ENCRYPTED SIGSTORE PRIVATE KEY';

export function encryptCosignKey(privateKey: KeyObject, password: string, N = 65536): string {
  const salt = randomBytes(32);
  const nonce = randomBytes(24);
  const key = scryptSync(Buffer.from(password), salt, 32, { N, r: 8, p: 1, maxmem: 512 * 1024 * 1024 });
  const plain = privateKey.export({ type: 'pkcs8', format: 'der' });
  const box = nacl.secretbox(new Uint8Array(plain), new Uint8Array(nonce), new Uint8Array(key));
  const json = JSON.stringify({
    kdf: { name: 'scrypt', params: { N, r: 8, p: 1 }, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: Buffer.from(box).toString('base64'),
  });
  const body = Buffer.from(json)
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n');
  return `-----BEGIN ${SIGSTORE_PEM_TYPE}-----\n${body}\n-----END ${SIGSTORE_PEM_TYPE}-----\n`;
}

export function decryptCosignKey(pem: string, password: string): KeyObject {
  const m = /-----BEGIN ([A-Z ]+)-----([\s\S]+?)-----END \1-----/.exec(pem);
  if (!m || (m[1] !== SIGSTORE_PEM_TYPE && m[1] !== 'ENCRYPTED COSIGN PRIVATE KEY')) throw new Error('not a cosign key file');
  const doc = JSON.parse(Buffer.from(m[2].replace(/\s+/g, ''), 'base64').toString('utf8'));
  const { N, r, p } = doc.kdf.params;
  const key = scryptSync(Buffer.from(password), Buffer.from(doc.kdf.salt, 'base64'), 32, { N, r, p, maxmem: 512 * 1024 * 1024 });
  const plain = nacl.secretbox.open(
    new Uint8Array(Buffer.from(doc.ciphertext, 'base64')),
    new Uint8Array(Buffer.from(doc.cipher.nonce, 'base64')),
    new Uint8Array(key),
  );
  if (!plain) throw new Error('wrong password');
  return createPrivateKey({ key: Buffer.from(plain), format: 'der', type: 'pkcs8' });
}
