import { createHash, type KeyObject } from 'node:crypto';
import type { SignInputs } from '../../../signatures/parse-settings.js';
import { readCosignKeyFile } from '../../../signatures/cosign-key.js';

/**
 * The cosign key files a job signs with, each decrypted once (scrypt makes that slow): the step's
 * and every entry's, however many entries name the same file. Remembered by a hash of the file and
 * its password, never by either.
 */
export class SigningKeys {
  private readonly keys = new Map<string, Promise<KeyObject>>();

  /** The private key `sign` names (mode `key`); a wrong password is an `InputError` naming where the key was given. */
  key(sign: SignInputs): Promise<KeyObject> {
    const pem = sign.keyPem ?? '';
    const password = sign.password ?? '';
    const id = createHash('sha256').update(pem).update('\0').update(password).digest('hex');
    let key = this.keys.get(id);
    if (!key) this.keys.set(id, (key = readCosignKeyFile(pem, password, sign.keyName, sign.passwordSource)));
    return key;
  }
}
