import { createHash, createPublicKey, sign as signData, verify as verifyData, type KeyObject } from 'node:crypto';

/** `SHA256:<base64 without padding>` of the key's DER (SubjectPublicKeyInfo), as `ssh-keygen -l` writes fingerprints. */
export function keyFingerprint(key: KeyObject): string {
  const der = key.export({ type: 'spki', format: 'der' });
  return `SHA256:${createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`;
}

/** The key's SubjectPublicKeyInfo as PEM (`-----BEGIN PUBLIC KEY-----`), the form of `cosign.pub`. */
export function publicKeyPem(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'pem' }).toString();
}

/** Whether two keys are the same public key. */
export function sameKey(a: KeyObject, b: KeyObject): boolean {
  const der = (k: KeyObject) => (k.type === 'private' ? createPublicKey(k) : k).export({ type: 'spki', format: 'der' });
  return der(a).equals(der(b));
}

/**
 * The hash a key signs with, as cosign and sigstore-go choose it by key type: SHA-256 for ECDSA
 * P-256 and for RSA (PKCS#1 v1.5), SHA-384 for P-384, SHA-512 for P-521, none for Ed25519 (which
 * signs the message itself). `undefined` for a key cosign cannot hold.
 */
export function signingHash(key: KeyObject): string | null | undefined {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'sha256';
    case 'ed25519':
      return null;
    case 'ec':
      switch (key.asymmetricKeyDetails?.namedCurve) {
        case 'prime256v1':
        case 'P-256':
          return 'sha256';
        case 'secp384r1':
        case 'P-384':
          return 'sha384';
        case 'secp521r1':
        case 'P-521':
          return 'sha512';
      }
  }
  return undefined;
}

/** The key's kind in words, for lines: `ECDSA P-384`, `RSA 3072`, `Ed25519`. */
export function keyKind(key: KeyObject): string {
  const d = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'ec') return `ECDSA ${curveName(d?.namedCurve)}`;
  if (key.asymmetricKeyType === 'rsa') return `RSA ${d?.modulusLength ?? ''}`.trim();
  if (key.asymmetricKeyType === 'ed25519') return 'Ed25519';
  return key.asymmetricKeyType ?? 'unknown';
}

function curveName(curve?: string): string {
  return { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' }[curve ?? ''] ?? curve ?? 'unknown curve';
}

/** `data` signed with `key` by the hash its type takes (`signingHash`). */
export function signWithKey(key: KeyObject, data: Buffer): Buffer {
  const hash = signingHash(key);
  if (hash === undefined) throw new Error(`a ${keyKind(key)} key cannot sign here`);
  return signData(hash, data, key);
}

/**
 * Whether `signature` over `data` verifies with `key`, by the hash its type takes. An ECDSA key on
 * P-384 or P-521 is also taken with SHA-256: cosign before its signing-algorithm option
 * signed with SHA-256 whatever the curve, and verifies so still.
 */
export function verifiesWithKey(key: KeyObject, data: Buffer, signature: Buffer): boolean {
  const hash = signingHash(key);
  if (hash === undefined) return false;
  const hashes = key.asymmetricKeyType === 'ec' && hash !== 'sha256' ? [hash, 'sha256'] : [hash];
  return hashes.some((h) => {
    try {
      return verifyData(h, data, key, signature);
    } catch {
      return false;
    }
  });
}
