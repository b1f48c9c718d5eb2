// A token server for the registry's `auth.token` mode, as the distribution token specification describes:
// it authenticates the caller (basic auth, an OAuth2 password or refresh-token grant, or nobody) and
// signs an ES256 JWT granting the intersection of the scopes asked for and what the caller's policy allows.
import { execFile } from 'node:child_process';
import { X509Certificate, createPrivateKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Actions the caller may perform on a resource (`pull`, `push`, `delete`, or `*` for all). */
export type AccessPolicy = (name: string, type: string) => string[];

export interface TokenServerOptions {
  users?: Record<string, { password: string; access: AccessPolicy }>;
  /** What a caller without credentials may do; without it, such callers are refused. */
  anonymous?: AccessPolicy;
  /** Lifetime of a token in seconds, as `expires_in` tells the client (default 300). */
  expiresIn?: number;
  /**
   * Seconds from now to the JWT's own `exp` (default `expiresIn`). The registry allows 60 s of clock
   * skew, so a token it refuses as expired needs a value below -60.
   */
  signedLifetime?: number;
  service?: string;
  issuer?: string;
}

export interface GrantedAccess {
  type: string;
  name: string;
  actions: string[];
}

/** One token request as the server saw it. */
export interface TokenRequest {
  method: 'GET' | 'POST';
  /** `basic` (GET with credentials), `password` or `refresh_token` (POST grants), or `anonymous`. */
  grant: 'basic' | 'password' | 'refresh_token' | 'anonymous';
  user?: string;
  /** The scopes exactly as asked, one entry per scope. */
  scopes: string[];
  granted: GrantedAccess[];
  /** HTTP status the server answered with. */
  status: number;
}

export interface TokenServer {
  /** `http://127.0.0.1:PORT/token` */
  realm: string;
  service: string;
  issuer: string;
  /** PEM certificate the registry verifies tokens with. */
  certPath: string;
  /** The `auth:` body for `startRegistry({ authYaml })`. */
  authYaml: string;
  requests(): TokenRequest[];
  resetRequests(): void;
  stop(): Promise<void>;
}

export async function startTokenServer(options: TokenServerOptions = {}): Promise<TokenServer> {
  const dir = await mkdtemp(join(tmpdir(), 'oci-copy-token-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  try {
    await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyPath]);
    await run('openssl', [
      'req',
      '-new',
      '-x509',
      '-key',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      '/CN=oci-copy test token issuer',
    ]);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`openssl could not make the token signing key: ${(err as Error).message.split('\n')[0]}`);
  }
  const key = createPrivateKey(await readFile(keyPath));
  const certDer = new X509Certificate(await readFile(certPath)).raw.toString('base64');

  const service = options.service ?? 'oci-copy-test-registry';
  const issuer = options.issuer ?? 'oci-copy-test-token-issuer';
  const expiresIn = options.expiresIn ?? 300;
  const signedLifetime = options.signedLifetime ?? expiresIn;
  const users = options.users ?? {};
  const refreshTokens = new Map<string, string>();
  let log: TokenRequest[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/token' || (req.method !== 'GET' && req.method !== 'POST')) {
      return reply(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'token endpoint is /token' }] });
    }
    const method = req.method;
    let scopes: string[];
    // who the caller claims to be, and whether the claim holds
    let attempt: { grant: TokenRequest['grant']; user?: string; ok: boolean };
    let wantRefresh: boolean;
    if (method === 'GET') {
      scopes = splitScopes(url.searchParams.getAll('scope'));
      attempt = authenticateBasic(req.headers.authorization, users);
      wantRefresh = url.searchParams.get('offline_token') === 'true';
    } else {
      const form = new URLSearchParams(await readBody(req));
      scopes = splitScopes(form.getAll('scope'));
      wantRefresh = form.get('access_type') === 'offline';
      const grantType = form.get('grant_type');
      if (grantType === 'password') {
        const user = form.get('username') ?? '';
        const ok = Object.hasOwn(users, user) && users[user].password === form.get('password');
        attempt = { grant: 'password', user, ok };
      } else if (grantType === 'refresh_token') {
        const user = refreshTokens.get(form.get('refresh_token') ?? '');
        attempt = { grant: 'refresh_token', user, ok: user !== undefined };
      } else {
        log.push({ method, grant: 'anonymous', scopes, granted: [], status: 400 });
        return reply(res, 400, { error: 'unsupported_grant_type', error_description: `grant_type ${grantType}` });
      }
    }
    if (!attempt.ok || (attempt.grant === 'anonymous' && !options.anonymous)) {
      log.push({ method, grant: attempt.grant, user: attempt.user, scopes, granted: [], status: 401 });
      if (method === 'GET') res.setHeader('WWW-Authenticate', 'Basic realm="oci-copy test token server"');
      const message = attempt.grant === 'anonymous' ? 'authentication required' : 'bad credentials';
      return reply(res, 401, { errors: [{ code: 'UNAUTHORIZED', message }] });
    }
    const caller = attempt;
    const policy = caller.grant === 'anonymous' ? options.anonymous! : users[caller.user!].access;
    const granted = grant(scopes, policy);
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt(key, certDer, {
      iss: issuer,
      sub: caller.user ?? '',
      aud: service,
      exp: now + signedLifetime,
      nbf: Math.min(now, now + signedLifetime) - 10,
      iat: now,
      jti: randomBytes(16).toString('hex'),
      access: granted,
    });
    log.push({ method, grant: caller.grant, user: caller.user, scopes, granted, status: 200 });
    const body: Record<string, unknown> = {
      token,
      access_token: token,
      expires_in: expiresIn,
      issued_at: new Date(now * 1000).toISOString(),
    };
    if (wantRefresh && caller.grant !== 'anonymous') {
      const refresh = randomBytes(24).toString('hex');
      refreshTokens.set(refresh, caller.user!);
      body.refresh_token = refresh;
    }
    return reply(res, 200, body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => reply(res, 500, { errors: [{ code: 'UNKNOWN', message: err.message }] }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const realm = `http://127.0.0.1:${port}/token`;
  const authYaml = [
    '  token:',
    `    realm: ${realm}`,
    `    service: ${service}`,
    `    issuer: ${issuer}`,
    `    rootcertbundle: ${certPath}`,
  ].join('\n');

  return {
    realm,
    service,
    issuer,
    certPath,
    authYaml,
    requests: () => [...log],
    resetRequests: () => {
      log = [];
    },
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `scope` may repeat, and one value may hold several space-separated scopes. */
function splitScopes(values: string[]): string[] {
  return values.flatMap((v) => v.split(' ')).filter(Boolean);
}

/** `repository:NAME:pull,push` → type, name, actions; the name is everything between the first and last colon. */
export function parseScope(scope: string): GrantedAccess | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last === first) return undefined;
  const actions = scope
    .slice(last + 1)
    .split(',')
    .filter(Boolean);
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions };
}

/** The asked-for actions the policy allows, merged per resource. */
function grant(scopes: string[], policy: AccessPolicy): GrantedAccess[] {
  const byResource = new Map<string, GrantedAccess>();
  for (const scope of scopes) {
    const asked = parseScope(scope);
    if (!asked) continue;
    const allowed = policy(asked.name, asked.type);
    const actions = asked.actions.filter((a) => allowed.includes('*') || allowed.includes(a));
    const key = `${asked.type}:${asked.name}`;
    const entry = byResource.get(key) ?? { type: asked.type, name: asked.name, actions: [] };
    for (const a of actions) if (!entry.actions.includes(a)) entry.actions.push(a);
    byResource.set(key, entry);
  }
  return [...byResource.values()].filter((e) => e.actions.length > 0);
}

function authenticateBasic(
  header: string | undefined,
  users: NonNullable<TokenServerOptions['users']>,
): { grant: 'basic' | 'anonymous'; user?: string; ok: boolean } {
  if (!header) return { grant: 'anonymous', ok: true };
  const m = /^Basic\s+(\S+)$/i.exec(header);
  if (!m) return { grant: 'basic', ok: false };
  const decoded = Buffer.from(m[1], 'base64').toString();
  const colon = decoded.indexOf(':');
  if (colon < 0) return { grant: 'basic', ok: false };
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  return { grant: 'basic', user, ok: Object.hasOwn(users, user) && users[user].password === password };
}

function signJwt(key: KeyObject, certDer: string, claims: Record<string, unknown>): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const signingInput = `${b64({ typ: 'JWT', alg: 'ES256', x5c: [certDer] })}.${b64(claims)}`;
  // JWS wants the raw r||s signature, not DER.
  const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error('token request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString();
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
