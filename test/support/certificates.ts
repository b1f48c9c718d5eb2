// A certificate authority and a server certificate it signed, made by openssl for one test run.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificates {
  /** The CA's certificate, PEM: what `ca-file` points at. */
  caPath: string;
  caPem: string;
  /** The server's certificate and key, PEM: what the registry serves. */
  certificate: string;
  key: string;
}

/** A CA and a server certificate for `names` (DNS names or IP addresses), valid for two days. */
export async function makeCertificates(dir: string, names: string[]): Promise<TestCertificates> {
  const caKey = join(dir, 'ca.key');
  const caPath = join(dir, 'ca.pem');
  const key = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const certificate = join(dir, 'server.pem');
  const ext = join(dir, 'server.ext');
  const curve = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  try {
    await run('openssl', ['req', '-x509', ...curve, '-keyout', caKey, '-out', caPath, '-days', '2', '-subj', '/CN=oci-copy test CA']);
    await run('openssl', ['req', ...curve, '-keyout', key, '-out', csr, '-subj', `/CN=${names[0]}`]);
    const san = names.map((n) => (/^[0-9.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
    await writeFile(ext, `subjectAltName=${san}\nbasicConstraints=CA:FALSE\n`);
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      caPath,
      '-CAkey',
      caKey,
      '-CAcreateserial',
      '-out',
      certificate,
      '-days',
      '2',
      '-extfile',
      ext,
    ]);
  } catch (err) {
    throw new Error(`openssl could not make the test certificates: ${(err as Error).message.split('\n')[0]}`);
  }
  return { caPath, caPem: await readFile(caPath, 'utf8'), certificate, key };
}
