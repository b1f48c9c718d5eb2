import type { Console } from './console.js';
import type { Flag } from './flags.js';
import { UsageError } from './flags.js';

/** The two sides a command line gives credentials for, as their flags and variables spell them. */
export type Side = 'src' | 'dest';

/** A user and password, and the flags or variables they came from (or were looked for in), for messages. */
export interface GivenCredentials {
  username?: string;
  password?: string;
  from: string;
}

/** The credential flags of one side: `--src-creds`, `--src-username`, `--src-password-stdin`. */
export function credentialFlags(side: Side): Flag[] {
  const which = side === 'src' ? 'the source' : 'the destination';
  return [
    {
      name: `${side}-creds`,
      kind: 'string',
      value: 'USER[:PASSWORD]',
      help: `credentials for ${which} registry (a password here shows in ps: prefer the two below)`,
    },
    { name: `${side}-username`, kind: 'string', value: 'USER', help: `user for ${which} registry` },
    { name: `${side}-password-stdin`, kind: 'boolean', help: `read ${which} registry's password or token from standard input` },
  ];
}

/** `OCI_COPY_SRC_USERNAME`, `OCI_COPY_DEST_PASSWORD`: credentials that stay out of `ps`. */
export function credentialVariables(side: Side): { username: string; password: string } {
  const prefix = `OCI_COPY_${side.toUpperCase()}_`;
  return { username: `${prefix}USERNAME`, password: `${prefix}PASSWORD` };
}

/** Longest password read from standard input: a token is a few kilobytes at most. */
const MAX_STDIN_PASSWORD = 64 * 1024;

/**
 * One side's credentials from its flags and variables: the user from `--src-creds USER[:PASSWORD]`,
 * `--src-username` or `OCI_COPY_SRC_USERNAME`; the password from `--src-creds`,
 * `--src-password-stdin` or `OCI_COPY_SRC_PASSWORD`. Flags win over variables; giving the same
 * thing twice, a password without a user or a user without a password is an error.
 */
export async function readCredentials(
  side: Side,
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  stdin: () => Promise<string>,
): Promise<GivenCredentials> {
  const creds = values[`${side}-creds`] as string | undefined;
  const userFlag = values[`${side}-username`] as string | undefined;
  const fromStdin = values[`${side}-password-stdin`] === true;
  const vars = credentialVariables(side);
  const credsFlag = `--${side}-creds`;
  const colon = creds?.indexOf(':') ?? -1;
  if (creds !== undefined && (colon === 0 || creds === ''))
    throw new UsageError(`${credsFlag} names no user: give ${credsFlag} USER[:PASSWORD]`);
  if (creds !== undefined && userFlag !== undefined)
    throw new UsageError(`${credsFlag} and --${side}-username both name the user: give one`);
  const inline = creds !== undefined && colon > 0 ? creds.slice(colon + 1) : undefined;
  if (inline !== undefined && fromStdin)
    throw new UsageError(`${credsFlag} gives a password and --${side}-password-stdin another: give one`);

  const user: [string, string] | undefined =
    creds !== undefined
      ? [colon > 0 ? creds.slice(0, colon) : creds, credsFlag]
      : userFlag !== undefined
        ? [userFlag, `--${side}-username`]
        : env[vars.username]
          ? [env[vars.username]!, vars.username]
          : undefined;
  let password: [string, string] | undefined;
  if (inline !== undefined) password = [inline, credsFlag];
  else if (fromStdin) password = [await stdin(), `--${side}-password-stdin`];
  else if (env[vars.password]) password = [env[vars.password]!, vars.password];

  if (!user && !password) return { from: `${credsFlag}, ${vars.username}` };
  if (!user)
    throw new UsageError(
      `a password is given in ${password![1]} but no user: give ${credsFlag} USER, --${side}-username USER or ${vars.username}`,
    );
  if (!password) {
    throw new UsageError(
      `${user[1]} names user ${user[0]} but no password: add :PASSWORD, --${side}-password-stdin, or set ${vars.password}`,
    );
  }
  const from = user[1] === password[1] ? user[1] : `${user[1]} and ${password[1]}`;
  return { username: user[0], password: password[0], from };
}

/**
 * The password piped in on standard input, without its final line break (as `docker login
 * --password-stdin` reads it). A terminal is refused: the password would show as it is typed.
 */
export async function readStdinPassword(stdin: AsyncIterable<Buffer | string> & { isTTY?: boolean }, flag: string): Promise<string> {
  if (stdin.isTTY) {
    throw new UsageError(
      `${flag} reads the password from standard input, which is a terminal: pipe it in (printf '%s' "$TOKEN" | oci-copy … ${flag})`,
    );
  }
  let text = '';
  for await (const chunk of stdin) {
    text += chunk.toString();
    if (text.length > MAX_STDIN_PASSWORD)
      throw new UsageError(`${flag}: standard input holds more than ${MAX_STDIN_PASSWORD} bytes, which is no password`);
  }
  const password = text.replace(/\r?\n$/, '');
  if (!password) throw new UsageError(`${flag}: standard input was empty: pipe the password in`);
  return password;
}

/** A terminal's standard input, which can be put in raw mode to read a password unechoed. */
export interface TerminalInput {
  isTTY: boolean;
  setRawMode(raw: boolean): unknown;
  setEncoding(encoding: BufferEncoding): unknown;
  on(event: 'data', listener: (chunk: string) => void): unknown;
  off(event: 'data', listener: (chunk: string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

/**
 * Asks for a password on the terminal, as cosign does: the prompt on standard error, what is typed
 * not echoed, up to Enter; Backspace takes back a character, Ctrl-C or Ctrl-D gives up.
 */
export function promptPassword(stdin: TerminalInput, console: Console, prompt: string): Promise<string> {
  console.ask(prompt);
  stdin.setEncoding('utf8');
  stdin.setRawMode(true);
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      console.answered();
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004')
          return done(new UsageError('no password given (the prompt was left with Ctrl-C or Ctrl-D): nothing written'));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else if (ch >= ' ') typed += ch;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}
