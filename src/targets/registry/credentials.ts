import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError, messageOf } from '../../oci/errors.js';
import { DOCKER_HUB } from '../../oci/reference.js';
import { printable, quoted } from '../../oci/text.js';

/** What to log in with: a user and password, or an identity (refresh) token from `docker login`. */
export interface Credentials {
  username?: string;
  password?: string;
  identityToken?: string;
}

export interface CredentialOptions {
  username?: string;
  password?: string;
  /** The directory holding `config.json`; default `$DOCKER_CONFIG`, else `~/.docker`. */
  configDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Told every secret found (passwords, tokens, `auth` strings), so they can be masked before anything logs. */
  onSecret?: (secret: string) => void;
  /** Used when neither explicit credentials nor the Docker config have any. */
  fallback?: Credentials;
  /** Where the explicit credentials come from, or would: `--dest-creds`. */
  givenFrom?: string;
  /** Where the fallback comes from, for messages. */
  fallbackFrom?: string;
}

/** Credentials and where they were found, or every place looked, for a message that says which. */
export interface CredentialLookup {
  credentials?: Credentials;
  /** `/root/.docker/config.json`, `docker-credential-pass (credHelpers in …)`, the explicit ones' origin. */
  from?: string;
  /** Each place looked with what it held, in order: `/root/.docker/config.json (no such file)`. */
  looked: string[];
}

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

interface DockerConfig {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

const HUB_ALIASES = [DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'];
/** The key Docker's tools store Hub credentials under, and the server URL its helpers expect. */
const HUB_SERVER_URL = 'https://index.docker.io/v1/';
const HELPER_TIMEOUT_MS = 30_000;

/** `https://index.docker.io/v1/` → `index.docker.io`; `Ghcr.io/` → `ghcr.io`. */
export function normalizeRegistryKey(key: string): string {
  return key
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
}

function sameRegistry(key: string, registry: string): boolean {
  const k = normalizeRegistryKey(key);
  const r = registry.toLowerCase();
  if (k === r) return true;
  return HUB_ALIASES.includes(r) && HUB_ALIASES.includes(k);
}

/**
 * Credentials for `registry`: the explicit ones when given, else what `docker login` (or
 * docker/login-action) left in the Docker config: a credential helper, the credentials store, or `auths`.
 * Undefined means anonymous.
 */
export async function findCredentials(registry: string, options: CredentialOptions = {}): Promise<Credentials | undefined> {
  return (await lookupCredentials(registry, options)).credentials;
}

/** `findCredentials`, saying where the credentials came from or where none were. */
export async function lookupCredentials(registry: string, options: CredentialOptions = {}): Promise<CredentialLookup> {
  const secret = (s: string | undefined) => {
    if (s) options.onSecret?.(s);
    return s;
  };
  const given = options.givenFrom ?? 'the given username and password';
  if (options.username || options.password) {
    secret(options.password);
    return { credentials: { username: options.username ?? '', password: options.password ?? '' }, from: given, looked: [given] };
  }
  const looked = [`${given} (none given)`];
  const found = await fromDockerConfig(registry, options, secret, looked);
  if (found) return { ...found, looked };
  if (options.fallback) {
    secret(options.fallback.password);
    const from = options.fallbackFrom ?? 'the fallback token';
    return { credentials: options.fallback, from, looked: [...looked, from] };
  }
  return { looked };
}

async function fromDockerConfig(
  registry: string,
  options: CredentialOptions,
  secret: (s?: string) => string | undefined,
  looked: string[],
): Promise<{ credentials: Credentials; from: string } | undefined> {
  const env = options.env ?? process.env;
  const dir = options.configDir ?? (env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'));
  const file = join(dir, 'config.json');
  const config = await readConfig(file);
  if (typeof config === 'string') {
    looked.push(`${printable(file)} (${config})`);
    return undefined;
  }

  const helperKey = Object.keys(config.credHelpers ?? {}).find((k) => sameRegistry(k, registry));
  const helper = helperKey ? config.credHelpers![helperKey] : config.credsStore;
  if (helper) {
    const found = await fromHelper(helper, HUB_ALIASES.includes(registry) ? HUB_SERVER_URL : registry, env, secret);
    const from = `docker-credential-${printable(helper)} (${helperKey ? 'credHelpers' : 'credsStore'} in ${printable(file)})`;
    if (found) return { credentials: found, from };
    looked.push(`${from}: nothing for ${printable(registry)}`);
    if (helperKey) return undefined;
  }

  const entries = Object.entries(config.auths ?? {});
  const entry =
    entries.find(([k]) => normalizeRegistryKey(k) === registry.toLowerCase()) ?? entries.find(([k]) => sameRegistry(k, registry));
  const found = entry ? fromEntry(entry[1], file, secret) : undefined;
  if (found) return { credentials: found, from: printable(file) };
  looked.push(`${printable(file)} (${entry ? 'an auths entry with no credentials' : 'no auths entry'} for ${printable(registry)})`);
  return undefined;
}

/**
 * The end of a 401 or 403 message: whether credentials were found, and where. A 401 with
 * credentials means they were refused; without, that some are needed. A 403 means they (or
 * anonymous access) do not grant the operation.
 */
export function credentialHint(registry: string, status: number, lookup: CredentialLookup): string {
  const host = printable(registry);
  if (!lookup.credentials) return `no credentials for ${host}: looked in ${lookup.looked.join(', ')}`;
  if (status === 403) return `the credentials for ${host} (from ${lookup.from}) do not allow this: check what the account may do`;
  return `the credentials for ${host} (from ${lookup.from}) were refused: check the user name and password or token`;
}

/** The Docker config, or why there is none to read (`no such file`, `cannot be read: EACCES`). */
async function readConfig(file: string): Promise<DockerConfig | string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file' : `cannot be read: ${code ?? messageOf(err)}`;
  }
  try {
    const parsed = JSON.parse(text) as DockerConfig;
    return parsed && typeof parsed === 'object' ? parsed : 'not a JSON object';
  } catch {
    throw new InputError(`${file} is not valid JSON: fix or remove it (docker login writes it)`);
  }
}

function fromEntry(entry: AuthEntry, file: string, secret: (s?: string) => string | undefined): Credentials | undefined {
  secret(entry.auth);
  secret(entry.password);
  secret(entry.identitytoken);
  if (entry.identitytoken) return { username: entry.username, identityToken: entry.identitytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new InputError(`${file} has an "auth" entry that is not base64 of user:password`);
    secret(decoded.slice(colon + 1));
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username || entry.password) return { username: entry.username ?? '', password: entry.password ?? '' };
  return undefined;
}

/** Asks `docker-credential-<name> get`, as Docker does: the server URL on stdin, JSON on stdout. */
async function fromHelper(
  name: string,
  serverUrl: string,
  env: NodeJS.ProcessEnv,
  secret: (s?: string) => string | undefined,
): Promise<Credentials | undefined> {
  const program = `docker-credential-${name}`;
  // Loaded here: only a Docker config that names a helper runs one.
  const { spawn } = await import('node:child_process');
  const { code, stdout, spawnError } = await new Promise<{ code: number | null; stdout: string; spawnError?: Error }>((resolve) => {
    const child = spawn(program, ['get'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    // A helper waiting on a keychain prompt must not hang the copy.
    const timer = setTimeout(() => child.kill('SIGKILL'), HELPER_TIMEOUT_MS);
    timer.unref();
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, stdout: '', spawnError: err });
    });
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve({ code: c, stdout: out });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(serverUrl);
  });
  if (spawnError) {
    throw new InputError(
      `the Docker config names credential helper ${quoted(name)} but ${program} cannot be run: install it or remove it from config.json`,
    );
  }
  // Helpers exit non-zero with "credentials not found" when they hold nothing for this server.
  if (code !== 0) return undefined;
  let answer: { Username?: string; Secret?: string };
  try {
    answer = JSON.parse(stdout) as { Username?: string; Secret?: string };
  } catch {
    throw new InputError(`${program} get did not answer with JSON`);
  }
  if (!answer.Secret) return undefined;
  secret(answer.Secret);
  if (answer.Username === '<token>') return { identityToken: answer.Secret };
  return { username: answer.Username ?? '', password: answer.Secret };
}
