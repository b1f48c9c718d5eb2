import { generateKeyPairSync } from 'node:crypto';
import { lstat, rm, writeFile } from 'node:fs/promises';
import { OperationError } from '../oci/errors.js';
import { quoted } from '../oci/text.js';
import { writeCosignKeyFile } from '../signatures/cosign-key.js';
import { keyFingerprint, publicKeyPem } from '../signatures/public-key.js';
import type { CommandIO } from './copy-command.js';
import { ExitCode } from './exit-codes.js';
import { parseFlags, UsageError, type Flag } from './flags.js';
import { flagRows, formatHelp, type Help } from './help.js';
import { promptPassword, type TerminalInput } from './passwords.js';

const KEY_FLAGS: Flag[] = [
  { name: 'output-key-prefix', kind: 'string', value: 'PREFIX', help: 'write PREFIX.key and PREFIX.pub (default cosign)' },
  { name: 'help', kind: 'boolean', short: 'h', help: 'print this help and exit' },
];

export const KEY_HELP: Help = {
  usage: ['oci-copy generate-key-pair [--output-key-prefix PREFIX]'],
  summary:
    "Makes an ECDSA P-256 key pair, as cosign generate-key-pair does: cosign.key, the private key encrypted in cosign's format (scrypt and nacl/secretbox), and cosign.pub, the public key. The password comes from COSIGN_PASSWORD, or is asked for twice on a terminal. Sign with --sign key --sign-key cosign.key; verify with --verify-key cosign.pub (or cosign verify --key cosign.pub). Existing files are never overwritten.",
  sections: [
    { title: 'options', rows: flagRows(KEY_FLAGS) },
    { title: 'environment', rows: [['COSIGN_PASSWORD', 'the password of the private key (set and empty: no password)']] },
    {
      title: 'examples',
      lines: [
        'oci-copy generate-key-pair',
        'COSIGN_PASSWORD="$(cat pw.txt)" oci-copy generate-key-pair --output-key-prefix release',
        'oci-copy --sign key --sign-key cosign.key ghcr.io/acme/app-dev:1.2 ghcr.io/acme/app:1.2',
      ],
    },
  ],
};

/**
 * `oci-copy generate-key-pair`: cosign's key pair, for a user without cosign. The printed fingerprint
 * is the one the job summary shows for signatures made with this key.
 */
export async function keyCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseFlags('oci-copy generate-key-pair', KEY_FLAGS, argv);
  if (values.help) {
    io.stdout.write(formatHelp(KEY_HELP));
    return ExitCode.Done;
  }
  if (positionals.length)
    throw new UsageError(
      `generate-key-pair takes no arguments (${quoted(positionals[0])}): give --output-key-prefix PREFIX to name the files`,
    );
  const prefix = typeof values['output-key-prefix'] === 'string' ? values['output-key-prefix'].trim() : 'cosign';
  if (!prefix) throw new UsageError('--output-key-prefix is empty: give a file name without .key, e.g. release');
  const keyFile = `${prefix}.key`;
  const pubFile = `${prefix}.pub`;
  // Before the password is asked for: a file in the way is said first.
  for (const path of [keyFile, pubFile]) if (await exists(path)) throw alreadyThere(path);
  const password = await keyPassword(io);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await create(keyFile, await writeCosignKeyFile(privateKey, password), 0o600);
  try {
    await create(pubFile, publicKeyPem(publicKey), 0o644);
  } catch (err) {
    await rm(keyFile, { force: true });
    throw err;
  }
  io.console.line(`Private key written to ${keyFile}`);
  io.console.final(`Public key written to ${pubFile} (fingerprint ${keyFingerprint(publicKey)})`);
  return ExitCode.Done;
}

/** cosign's rule: COSIGN_PASSWORD when it is set (empty too), else asked twice on a terminal. */
async function keyPassword(io: CommandIO): Promise<string> {
  const fromEnv = io.env.COSIGN_PASSWORD;
  if (fromEnv !== undefined) return fromEnv;
  const stdin = io.stdin as CommandIO['stdin'] & Partial<TerminalInput>;
  if (!stdin.isTTY || typeof stdin.setRawMode !== 'function') {
    throw new UsageError(
      'COSIGN_PASSWORD is not set and standard input is not a terminal to ask on: set COSIGN_PASSWORD (empty for a key without password)',
    );
  }
  const terminal = stdin as TerminalInput;
  const first = await promptPassword(terminal, io.console, 'Enter password for private key: ');
  const again = await promptPassword(terminal, io.console, 'Enter password for private key again: ');
  if (first !== again) throw new UsageError('the two passwords differ: nothing written; run generate-key-pair again');
  return first;
}

const alreadyThere = (path: string) =>
  new UsageError(`${quoted(path)} already exists: move it away, or give --output-key-prefix PREFIX for other file names`);

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Writes a new file; one that exists is left as it is. */
async function create(path: string, text: string, mode: number): Promise<void> {
  try {
    await writeFile(path, text, { flag: 'wx', mode });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw alreadyThere(path);
    throw new OperationError(`${quoted(path)} cannot be written (${code ?? 'unknown error'})`);
  }
}
