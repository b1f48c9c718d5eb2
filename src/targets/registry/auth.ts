import { Readable } from 'node:stream';
import { credentialHint, type CredentialLookup, type Credentials } from './credentials.js';
import { challengeScopes, parseChallenges, type Challenge } from './challenge.js';
import { registryErrorDetail, RegistryError, statusLine } from './errors.js';
import { discard, readBody, type HttpClient, type HttpRequest, type HttpResponse } from './http.js';
import { parseBoundedJson } from '../../oci/json.js';
import { isLoopbackHostname } from '../../oci/reference.js';

/** `repository:<name>:pull` and friends, as the distribution token spec writes them. */
export const pullScope = (repository: string) => `repository:${repository}:pull`;
export const pushScope = (repository: string) => `repository:${repository}:pull,push`;
/** What a DELETE needs under token auth (distribution asks for `delete`, not `push`). */
export const deleteScope = (repository: string) => `repository:${repository}:delete`;

/** Merges scopes on the same resource (`…:pull` + `…:push` → `…:pull,push`) and sorts them, so equal sets share a key. */
export function normalizeScopes(scopes: string[]): string[] {
  const byResource = new Map<string, Set<string>>();
  for (const scope of scopes) {
    const at = scope.lastIndexOf(':');
    if (at <= 0) continue;
    const resource = scope.slice(0, at);
    const actions = byResource.get(resource) ?? new Set<string>();
    for (const a of scope.slice(at + 1).split(',')) if (a) actions.add(a);
    byResource.set(resource, actions);
  }
  return [...byResource].map(([resource, actions]) => `${resource}:${[...actions].sort().join(',')}`).sort();
}

export interface AuthOptions {
  /** host[:port], for messages */
  registry: string;
  /** `https://host[:port]`: the only origin credentials are ever sent to (token realms aside). */
  origin: string;
  http: HttpClient;
  /** Looked up once, on the first challenge. */
  credentials: () => Promise<CredentialLookup>;
  onSecret?: (secret: string) => void;
  /** Accept a token realm over plain HTTP off loopback (only when the registry itself is allowed plain HTTP). */
  allowPlainRealm?: boolean;
}

interface Token {
  value: string;
  expiresAt: number;
}

const DEFAULT_TOKEN_LIFETIME_S = 60;
const CLIENT_ID = 'oci-copy';

/**
 * Anonymous, basic and bearer-token authentication for one registry. It learns the scheme from the
 * first 401, then authorizes every later request up front; bearer tokens are cached per scope set
 * and renewed before they expire.
 */
export class RegistryAuth {
  private scheme: 'basic' | 'bearer' | undefined;
  private realm: URL | undefined;
  private service: string | undefined;
  private readonly tokens = new Map<string, Token>();
  private readonly pending = new Map<string, Promise<string>>();
  private lookup: Promise<CredentialLookup> | undefined;

  constructor(private readonly options: AuthOptions) {}

  /** Sends `req` with the authorization `scopes` need, answering one challenge if the registry asks. */
  async send(req: HttpRequest, scopes: string[]): Promise<HttpResponse> {
    if (req.url.origin !== this.options.origin) {
      // Never the registry's credentials to another host, whatever URL a registry answer led to.
      const { authorization: _a, ...headers } = req.headers ?? {};
      return this.options.http.send({ ...req, headers });
    }
    const first = await this.authorization(scopes, false);
    const res = await this.options.http.send(withAuthorization(req, first));
    if (res.status !== 401 || res.url.origin !== req.url.origin) return res;
    const challenge = pickChallenge(res);
    if (!challenge) return res;
    let wanted = scopes;
    if (challenge.scheme === 'bearer') {
      this.learnBearer(challenge);
      wanted = [...scopes, ...challengeScopes(challenge)];
    } else {
      const creds = await this.credentials();
      if (!creds?.password && !creds?.username) return res;
      if (this.scheme === 'basic' && first) return res; // the credentials were refused
      this.scheme = 'basic';
    }
    if (req.body instanceof Readable) {
      await discard(res);
      throw new RegistryError(`${this.options.registry} asked to authenticate again during an upload`, true, 401);
    }
    const second = await this.authorization(wanted, true);
    await discard(res);
    return this.options.http.send(withAuthorization(req, second));
  }

  private async credentials(): Promise<Credentials | undefined> {
    this.lookup ??= this.options.credentials();
    return (await this.lookup).credentials;
  }

  /** What a 401 or 403 says of credentials: none found (and where it looked), or which were refused. */
  async credentialHint(status: number): Promise<string> {
    this.lookup ??= this.options.credentials();
    return credentialHint(this.options.registry, status, await this.lookup);
  }

  private learnBearer(challenge: Challenge): void {
    const realm = challenge.params.realm;
    let url: URL;
    try {
      url = new URL(realm ?? '');
    } catch {
      throw new RegistryError(`${this.options.registry} sent a bearer challenge without a valid realm`);
    }
    const plainOk = url.protocol === 'http:' && (isLoopbackHostname(url.hostname) || this.options.allowPlainRealm);
    if (url.protocol !== 'https:' && !plainOk) {
      throw new RegistryError(
        `${this.options.registry} asks for tokens from ${url.origin}, which is not HTTPS: refusing to send credentials there`,
      );
    }
    if (this.realm?.href !== url.href || this.service !== challenge.params.service) this.tokens.clear();
    this.scheme = 'bearer';
    this.realm = url;
    this.service = challenge.params.service;
  }

  /** The `authorization` header for `scopes`, or undefined while the registry has asked for none. */
  private async authorization(scopes: string[], fresh: boolean): Promise<string | undefined> {
    if (this.scheme === 'basic') {
      const c = await this.credentials();
      return `Basic ${Buffer.from(`${c?.username ?? ''}:${c?.password ?? ''}`).toString('base64')}`;
    }
    if (this.scheme !== 'bearer') return undefined;
    const normalized = normalizeScopes(scopes);
    const key = normalized.join(' ');
    const cached = this.tokens.get(key);
    if (cached && !fresh && cached.expiresAt > Date.now()) return `Bearer ${cached.value}`;
    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.fetchToken(normalized, key).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return `Bearer ${await pending}`;
  }

  private async fetchToken(scopes: string[], key: string): Promise<string> {
    const realm = new URL(this.realm!.href);
    const creds = await this.credentials();
    let res: HttpResponse;
    if (creds?.identityToken) {
      // docker login's identity token is an OAuth2 refresh token: exchange it with a POST.
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identityToken, client_id: CLIENT_ID });
      if (this.service) form.set('service', this.service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      res = await this.options.http.send({
        method: 'POST',
        url: realm,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        retry: true,
      });
    } else {
      if (this.service) realm.searchParams.set('service', this.service);
      for (const scope of scopes) realm.searchParams.append('scope', scope);
      const headers: Record<string, string> = {};
      if (creds?.username || creds?.password) {
        headers.authorization = `Basic ${Buffer.from(`${creds.username ?? ''}:${creds.password ?? ''}`).toString('base64')}`;
      }
      res = await this.options.http.send({ method: 'GET', url: realm, headers });
    }
    const what = `a token for ${scopes.join(' ') || 'the registry'} from ${realm.host}`;
    const body = (await readBody(res, 1024 * 1024)).toString('utf8');
    if (res.status !== 200) {
      const detail = registryErrorDetail(body).text;
      const hint = res.status === 401 || res.status === 403 ? `: ${await this.credentialHint(res.status)}` : '';
      throw new RegistryError(
        `getting ${what}: ${statusLine(res.status)}${detail ? ` (${detail})` : ''}${hint}`,
        res.status >= 500 || res.status === 429,
        res.status,
      );
    }
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      parsed = (parseBoundedJson(body) ?? {}) as typeof parsed;
    } catch {
      throw new RegistryError(`getting ${what}: the answer is not JSON`);
    }
    const value = typeof parsed.token === 'string' && parsed.token ? parsed.token : parsed.access_token;
    if (typeof value !== 'string' || !value) throw new RegistryError(`getting ${what}: the answer holds no token`);
    this.options.onSecret?.(value);
    const lifetime = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : DEFAULT_TOKEN_LIFETIME_S;
    // Renew a little early, so a token does not expire between being chosen and being checked.
    const margin = Math.min(10, lifetime / 10);
    this.tokens.set(key, { value, expiresAt: Date.now() + (lifetime - margin) * 1000 });
    return value;
  }
}

function withAuthorization(req: HttpRequest, authorization: string | undefined): HttpRequest {
  if (!authorization) return req;
  return { ...req, headers: { ...req.headers, authorization } };
}

/** Bearer when offered (it works for anonymous pulls too), else Basic. */
function pickChallenge(res: HttpResponse): Challenge | undefined {
  const raw = res.headers['www-authenticate'];
  const values = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const all = values.flatMap((v) => parseChallenges(v));
  return all.find((c) => c.scheme === 'bearer') ?? all.find((c) => c.scheme === 'basic');
}
