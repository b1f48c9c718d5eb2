import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as tls from 'node:tls';
import { InputError, messageOf } from '../../../oci/errors.js';
import { printable } from '../../../oci/text.js';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The PEM certificates in `path`, each checked to be one, so a wrong file is named before any
 * connection is made rather than surfacing as an untrusted registry. `what` names the setting.
 */
export async function readCaFile(path: string, what: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : messageOf(err);
    throw new InputError(`${what} ${printable(path)} cannot be read (${why}): give a file of PEM certificates`);
  }
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (!blocks.length) {
    throw new InputError(
      `${what} ${printable(path)} holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the CA certificate in PEM form`,
    );
  }
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch (err) {
      throw new InputError(`${what} ${printable(path)}: certificate ${i + 1} cannot be read (${messageOf(err)}): give PEM certificates`);
    }
  }
  return blocks;
}

/**
 * The certificates Node.js trusts by default (its bundled roots, plus NODE_EXTRA_CA_CERTS and the
 * system store where this Node.js reads them), to which `ca-file` adds: Node's `ca` option
 * replaces the default set rather than extending it.
 */
function defaultCas(): string[] {
  const get = (tls as { getCACertificates?: (kind: 'default') => string[] }).getCACertificates;
  if (get) return get('default');
  // Before Node.js 22.15 there is no way to ask: add NODE_EXTRA_CA_CERTS to the bundled roots by hand.
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  let extras: string[] = [];
  try {
    if (extra) extras = readFileSync(extra, 'utf8').match(PEM_BLOCK) ?? [];
  } catch {
    // Node.js itself only warns about an unreadable NODE_EXTRA_CA_CERTS
  }
  return [...tls.rootCertificates, ...extras];
}

/** The connect options that trust `ca` besides the defaults, or skip verification. */
export function tlsConnectOptions(ca: string[] | undefined, verify: boolean): tls.ConnectionOptions {
  if (!verify) return { rejectUnauthorized: false };
  if (!ca?.length) return {};
  return { ca: [...defaultCas(), ...ca] };
}
