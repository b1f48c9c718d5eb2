// bcrypt hashes for the registry's htpasswd auth, which accepts nothing else. Node's crypto has no
// bcrypt, but the system's crypt(3) does (libxcrypt, on Debian and Ubuntu): perl (always present on
// Debian) and python3 reach it.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function bcryptSalt(cost = 5): string {
  const bytes = randomBytes(22);
  let salt = '';
  for (let i = 0; i < 21; i++) salt += BCRYPT_ALPHABET[bytes[i] % 64];
  // The 22nd character carries only 2 bits; strict crypt(3) implementations want one of these four.
  salt += '.Oeu'[bytes[21] % 4];
  return `$2b$${String(cost).padStart(2, '0')}$${salt}`;
}

/** A bcrypt hash of `password`. The password goes through the environment, not the command line. */
export async function bcryptHash(password: string): Promise<string> {
  const salt = bcryptSalt();
  const env = { ...process.env, BCRYPT_PASSWORD: password, BCRYPT_SALT: salt };
  const attempts: Array<[string, string[]]> = [
    ['perl', ['-e', 'print crypt($ENV{BCRYPT_PASSWORD}, $ENV{BCRYPT_SALT})']],
    ['python3', ['-c', 'import crypt, os; print(crypt.crypt(os.environ["BCRYPT_PASSWORD"], os.environ["BCRYPT_SALT"]), end="")']],
  ];
  const failures: string[] = [];
  for (const [cmd, args] of attempts) {
    try {
      const { stdout } = await run(cmd, args, { env });
      const hash = stdout.trim();
      if (hash.startsWith(salt) && hash.length === 60) return hash;
      failures.push(`${cmd}: crypt(3) has no bcrypt`);
    } catch (err) {
      failures.push(`${cmd}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`cannot make a bcrypt hash for htpasswd (${failures.join('; ')})`);
}

/** The lines of an htpasswd file for these users. */
export async function htpasswdFile(users: Array<{ user: string; password: string }>): Promise<string> {
  const lines = [];
  for (const { user, password } of users) {
    if (user.includes(':')) throw new Error(`htpasswd user name "${user}" contains a colon`);
    lines.push(`${user}:${await bcryptHash(password)}`);
  }
  return `${lines.join('\n')}\n`;
}
