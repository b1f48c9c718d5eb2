// openssl as the judge of a signature oci-copy wrote: it shares no code with oci-copy.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * True when openssl verifies `signature` over `data` with the public key `publicPem`: `openssl dgst
 * DIGEST -verify` for RSA and ECDSA (a DER signature over the hash), `openssl pkeyutl -verify
 * -rawin` when `digest` is undefined (Ed25519 signs the message itself). The files go to a new
 * folder in `workDir`.
 */
export async function opensslVerifies(
  workDir: string,
  publicPem: string,
  data: Buffer,
  signature: Buffer,
  digest: string | undefined,
): Promise<boolean> {
  const dir = await mkdtemp(join(workDir, 'openssl-'));
  const [pub, message, sig] = [join(dir, 'pub.pem'), join(dir, 'data'), join(dir, 'sig')];
  await Promise.all([writeFile(pub, publicPem), writeFile(message, data), writeFile(sig, signature)]);
  const args = digest
    ? ['dgst', digest, '-verify', pub, '-signature', sig, message]
    : ['pkeyutl', '-verify', '-pubin', '-inkey', pub, '-rawin', '-in', message, '-sigfile', sig];
  try {
    const { stdout } = await run('openssl', args);
    return /Verified OK|Signature Verified Successfully/.test(stdout);
  } catch {
    return false;
  }
}
