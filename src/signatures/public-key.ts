import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

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
