import { createPrivateKey, randomBytes, scrypt, type KeyObject } from 'node:crypto';
import { secretbox } from '@noble/ciphers/salsa.js';
import { InputError } from '../oci/errors.js';
import { signingHash } from './public-key.js';

/**
 * cosign's encrypted private-key file (`cosign generate-key-pair`): a PEM block `ENCRYPTED SIGSTORE
 * PRIVATE KEY` (older files: `ENCRYPTED COSIGN PRIVATE KEY`) whose body is the JSON of
 * go-securesystemslib's `encrypted` package: `{kdf: {name: scrypt, params: {N, r, p}, salt},
 * cipher: {name: nacl/secretbox, nonce}, ciphertext}` (byte fields base64). The key is scrypt of the
 * password, 32 bytes; the plaintext is the private key as PKCS#8 DER.
 */
const ENCRYPTED_TYPES = ['ENCRYPTED SIGSTORE PRIVATE KEY', 'ENCRYPTED COSIGN PRIVATE KEY'];
const PLAIN_TYPES = ['PRIVATE KEY', 'EC PRIVATE KEY'];

/** The scrypt parameters securesystemslib accepts (legacy, standard, OWASP): others are refused before any work, as there. */
const SCRYPT_PARAMS = [
  { N: 32768, r: 8, p: 1 },
  { N: 65536, r: 8, p: 1 },
  { N: 131072, r: 8, p: 1 },
];
/** What `cosign generate-key-pair` writes today. */
const DEFAULT_PARAMS = SCRYPT_PARAMS[1];
const KEY_BYTES = 32;
const NONCE_BYTES = 24;
const SALT_BYTES = 32;

interface EncryptedKey {
  kdf: { name: string; params: { N: number; r: number; p: number }; salt: string };
  cipher: { name: string; nonce: string };
  ciphertext: string;
}

/** Where a key file's password came from, and where to give one, for the lines that say it is wrong or missing. */
export interface PasswordSource {
  /** Where the password was given: `COSIGN_PASSWORD`, `input "sign-key-password"`. */
  from?: string;
  /** Where to give one when none was: `input "sign-key-password" or COSIGN_PASSWORD`. */
  giveIn?: string;
}

/**
 * The private key in a cosign key file. `what` names the file in errors (`input "sign-key"`), and
 * `source` where its password came from (or where to give one). A plain PKCS#8 or SEC1 PEM private
 * key is read too (no password). Errors are one line and never hold the password or the key.
 */
export async function readCosignKeyFile(
  pem: string,
  password: string,
  what = 'the cosign key file',
  source: PasswordSource = {},
): Promise<KeyObject> {
  const block = pemBlock(pem);
  if (!block) throw new InputError(`${what} is not a PEM key file: give the cosign.key that cosign generate-key-pair wrote`);
  if (PLAIN_TYPES.includes(block.type)) {
    try {
      return checkSigningKey(createPrivateKey(pem), what);
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(`${what} holds a ${block.type} that cannot be read`);
    }
  }
  if (!ENCRYPTED_TYPES.includes(block.type)) {
    throw new InputError(
      `${what} holds a PEM ${block.type.length <= 40 ? `"${block.type}"` : 'block'}, not a cosign private key (ENCRYPTED SIGSTORE PRIVATE KEY)`,
    );
  }
  const doc = parseEncrypted(block.body, what);
  const params = doc.kdf.params;
  const key = await deriveKey(password, Buffer.from(doc.kdf.salt, 'base64'), params);
  let plain: Uint8Array;
  try {
    plain = secretbox(key, Buffer.from(doc.cipher.nonce, 'base64')).open(Buffer.from(doc.ciphertext, 'base64'));
  } catch {
    // An empty password is a missing one: saying it is wrong would send the user to check the wrong thing.
    if (!password)
      throw new InputError(
        `${what} is encrypted and no password is given: give the password it was made with in ${source.giveIn ?? source.from ?? 'COSIGN_PASSWORD'}`,
      );
    throw new InputError(
      `${what} could not be decrypted: the password is wrong (or the file was altered); give the password it was made with${source.from ? ` in ${source.from}` : ''}`,
    );
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: Buffer.from(plain), format: 'der', type: 'pkcs8' });
  } catch {
    throw new InputError(`${what} decrypts to something that is not a PKCS#8 private key`);
  }
  return checkSigningKey(privateKey, what);
}

/** A cosign key file holding `privateKey` (ECDSA P-256, P-384, P-521, RSA or Ed25519), encrypted with `password`, as cosign writes one. */
export async function writeCosignKeyFile(privateKey: KeyObject, password: string): Promise<string> {
  checkSigningKey(privateKey, 'the key');
  const salt = randomBytes(SALT_BYTES);
  const nonce = randomBytes(NONCE_BYTES);
  const key = await deriveKey(password, salt, DEFAULT_PARAMS);
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  const ciphertext = secretbox(key, nonce).seal(der);
  const doc: EncryptedKey = {
    kdf: { name: 'scrypt', params: DEFAULT_PARAMS, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: Buffer.from(ciphertext).toString('base64'),
  };
  const body = Buffer.from(JSON.stringify(doc))
    .toString('base64')
    .replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${ENCRYPTED_TYPES[0]}-----\n${body}-----END ${ENCRYPTED_TYPES[0]}-----\n`;
}

/** Signing here takes the keys cosign holds: ECDSA P-256, P-384 and P-521, RSA (2048 bits or more), Ed25519; others are refused up front. */
function checkSigningKey(key: KeyObject, what: string): KeyObject {
  if (signingHash(key) === undefined)
    throw new InputError(
      `${what} holds ${key.asymmetricKeyType === 'ec' ? `an EC key on ${key.asymmetricKeyDetails?.namedCurve}` : `an ${key.asymmetricKeyType ?? 'unknown'} key`}: signing takes an ECDSA (P-256, P-384, P-521), RSA or Ed25519 key (cosign generate-key-pair makes an ECDSA P-256 one)`,
    );
  if (key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048)
    throw new InputError(
      `${what} holds a ${key.asymmetricKeyDetails?.modulusLength}-bit RSA key: signing takes RSA keys of 2048 bits or more`,
    );
  return key;
}

function pemBlock(pem: string): { type: string; body: Buffer } | undefined {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(pem);
  if (!m) return undefined;
  return { type: m[1], body: Buffer.from(m[2].replace(/\s+/g, ''), 'base64') };
}

function parseEncrypted(body: Buffer, what: string): EncryptedKey {
  let doc: EncryptedKey;
  try {
    doc = JSON.parse(body.toString('utf8')) as EncryptedKey;
  } catch {
    throw new InputError(`${what} is damaged: its body is not the JSON cosign writes`);
  }
  const str = (v: unknown) => typeof v === 'string';
  if (!doc?.kdf || !doc.cipher || !str(doc.ciphertext) || !str(doc.kdf.salt) || !str(doc.cipher.nonce) || !doc.kdf.params) {
    throw new InputError(`${what} is damaged: it lacks kdf, cipher or ciphertext`);
  }
  if (doc.kdf.name !== 'scrypt') throw new InputError(`${what} uses the key derivation "${String(doc.kdf.name).slice(0, 40)}", not scrypt`);
  if (doc.cipher.name !== 'nacl/secretbox')
    throw new InputError(`${what} uses the cipher "${String(doc.cipher.name).slice(0, 40)}", not nacl/secretbox`);
  const p = doc.kdf.params;
  if (!SCRYPT_PARAMS.some((q) => q.N === p.N && q.r === p.r && q.p === p.p)) {
    throw new InputError(
      `${what} asks for scrypt parameters cosign never writes (N=${Number(p.N)}, r=${Number(p.r)}, p=${Number(p.p)}): refused`,
    );
  }
  if (Buffer.from(doc.cipher.nonce, 'base64').length !== NONCE_BYTES)
    throw new InputError(`${what} is damaged: its nonce is not ${NONCE_BYTES} bytes`);
  return doc;
}

function deriveKey(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is below what N=2^16 takes.
    scrypt(
      Buffer.from(password, 'utf8'),
      salt,
      KEY_BYTES,
      { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}
