import { Readable } from 'node:stream';
import { isLoopbackRegistry } from '../../oci/reference.js';
import { RegistryAuth } from './auth.js';
import { lookupCredentials, type CredentialOptions } from './credentials.js';
import { isRetryableStatus, registryErrorDetail, RegistryError, statusLine } from './errors.js';
import { dropBody, header, HttpClient, readBody, registryBaseUrl, type HttpOptions, type HttpRequest, type HttpResponse } from './http.js';
import { httpsOnlyError, isHttpsServerAnswer } from './network/failures.js';
import { DEFAULT_CHUNK_BYTES, type UploadMode } from './upload.js';

export interface RegistryClientOptions extends HttpOptions, Omit<CredentialOptions, 'env'> {
  /** Speak plain HTTP to a registry off loopback. */
  plainHttp?: boolean;
  env?: NodeJS.ProcessEnv;
  /** An HTTP client to share with other repositories of the same run; the owner closes it. */
  http?: HttpClient;
}

/** Longest 400 body read to tell an HTTPS server's complaint from a registry's error. */
const HTTPS_ANSWER_LIMIT = 64 * 1024;

/** One registry host: its base URL, the shared HTTP client and the authentication state. */
export class RegistryClient {
  readonly http: HttpClient;
  private baseUrl: URL;
  private readonly auth: RegistryAuth;
  private readonly ownsHttp: boolean;
  /** How blobs go up to this host, for every repository of the job: what a 413 or `OCI-Chunk-Min-Length` taught stays. */
  readonly uploads: UploadMode = { chunked: false, chunkBytes: DEFAULT_CHUNK_BYTES };

  constructor(
    readonly registry: string,
    options: RegistryClientOptions = {},
  ) {
    this.baseUrl = registryBaseUrl(registry, options.plainHttp);
    this.ownsHttp = !options.http;
    this.http = options.http ?? registryHttpClient(options);
    const client = this;
    this.auth = new RegistryAuth({
      registry,
      get origin() {
        return client.base.origin;
      },
      http: this.http,
      credentials: () => lookupCredentials(registry, options),
      onSecret: options.onSecret,
      allowPlainRealm: options.plainHttp,
    });
  }

  /** `https://host`, or `http://host` on loopback (until it turns out to speak HTTPS) or with plain HTTP allowed. */
  get base(): URL {
    return this.baseUrl;
  }

  /** A URL on this registry: `path` starts with `/v2/`. */
  url(path: string): URL {
    return new URL(path, this.base);
  }

  /**
   * Sends a request to this registry with the authorization `scopes` need. Whatever writes (POST,
   * PUT, PATCH, DELETE) is never redirected: a registry that answers an upload with a redirect to
   * another host would otherwise receive our content there, and the next request our credentials.
   */
  async send(req: HttpRequest, scopes: string[]): Promise<HttpResponse> {
    const writes = req.method !== 'GET' && req.method !== 'HEAD';
    const res = await this.auth.send(writes ? { ...req, refuseRedirects: true } : req, scopes);
    this.noteRateLimit(res);
    if (res.status !== 400 || req.url.protocol !== 'http:' || req.url.origin !== this.base.origin) return res;
    return this.unlessHttpsServer(req, scopes, res);
  }

  /**
   * A 400 to plain HTTP may be an HTTPS server saying so. On loopback, where plain HTTP was only
   * assumed, the registry is spoken to over HTTPS from then on and the request sent again; off
   * loopback plain HTTP was asked for, and the error says to stop asking.
   */
  private async unlessHttpsServer(req: HttpRequest, scopes: string[], res: HttpResponse): Promise<HttpResponse> {
    let body: Buffer | undefined;
    if (req.method !== 'HEAD') body = await readBody(res, HTTPS_ANSWER_LIMIT);
    else {
      dropBody(res.body);
      if (Object.keys(res.headers).length) {
        // A HEAD answer has no body to read the complaint from: ask again with a GET (nginx answers
        // with headers). An answer too long for a complaint is not one: the HEAD's 400 stands.
        const again = await this.http.send({ method: 'GET', url: req.url, ...(req.signal ? { signal: req.signal } : {}) });
        body = await readBody(again, HTTPS_ANSWER_LIMIT).catch(() => undefined);
      }
    }
    const answer = { ...res, body: Readable.from(body && req.method !== 'HEAD' ? [body] : []) };
    if (!isHttpsServerAnswer(res.headers, body?.toString('utf8'))) return answer;
    if (!isLoopbackRegistry(this.registry)) throw httpsOnlyError(req.url, this.http.voice);
    this.baseUrl = new URL(`https://${this.base.host}`);
    this.http.note(req.url, `${this.registry} answered plain HTTP as an HTTPS server does: speaking HTTPS to it from here on`);
    if (req.body instanceof Readable) {
      throw new RegistryError(`${this.registry} speaks HTTPS: sending again over HTTPS`, true, 400, undefined, 0);
    }
    return this.send({ ...req, url: new URL(req.url.pathname + req.url.search, this.base) }, scopes);
  }

  /** The pull limit the registry last reported (`ratelimit-remaining: 76;w=21600`), and when. */
  rateLimit?: { remaining: number; limit?: number; windowSeconds?: number; resetsAt?: number; at: number };

  private noteRateLimit(res: HttpResponse): void {
    const remaining = parseRateLimit(header(res, 'ratelimit-remaining'));
    if (!remaining || res.url.origin !== this.base.origin) return;
    const limit = parseRateLimit(header(res, 'ratelimit-limit'));
    // The IETF draft's `RateLimit-Reset: <seconds>`, where a registry sends it (Docker Hub does not).
    const reset = parseRateLimit(header(res, 'ratelimit-reset'));
    const at = Date.now();
    this.rateLimit = laterRateLimit(this.rateLimit, {
      remaining: remaining.count,
      ...(limit ? { limit: limit.count } : {}),
      ...(remaining.windowSeconds !== undefined ? { windowSeconds: remaining.windowSeconds } : {}),
      ...(reset ? { resetsAt: at + reset.count * 1000 } : {}),
      at,
    });
  }

  /** Throws the one-line error for an unexpected answer, with the registry's own error code. */
  async fail(res: HttpResponse, operation: string): Promise<never> {
    let detail: { code?: string; text?: string } = {};
    try {
      detail = registryErrorDetail((await readBody(res, 64 * 1024)).toString('utf8'));
    } catch {
      // the status alone will do
    }
    const after = res.tries > 1 ? ` after ${res.tries} tries` : '';
    const asked = this.http.tooLongToWait(res);
    const hint =
      asked !== undefined
        ? `: ${this.registry} asks to wait ${formatWait(asked)} before another try (Retry-After), longer than the ${formatWait(this.http.retry.maxWaitMs)} oci-copy waits at once; try again later`
        : res.status === 401 || res.status === 403
          ? `: ${await this.auth.credentialHint(res.status)}`
          : '';
    const retryable = isRetryableStatus(res.status) && asked === undefined;
    throw new RegistryError(
      `${operation}: ${statusLine(res.status)}${after}${detail.text ? ` (${detail.text})` : ''}${hint}`,
      retryable,
      res.status,
      detail.code,
      retryable ? this.http.retryDelay(res.tries - 1, res) : undefined,
    );
  }

  /** After a failure (an interrupt among them) requests still in flight are abandoned, not waited for. */
  async close(outcome: 'success' | 'failure' = 'success'): Promise<void> {
    if (!this.ownsHttp) return;
    await (outcome === 'failure' ? this.http.destroy() : this.http.close());
  }
}

/** `90 s`, `24 h`: a wait as a person reads it. */
function formatWait(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

/** The HTTP client (connection pool, proxies, trust) a registry's options ask for. */
export function registryHttpClient(options: RegistryClientOptions): HttpClient {
  return new HttpClient({ ...options, network: { env: options.env, onSecret: options.onSecret, ...options.network } });
}

/** `76;w=21600` → 76 pulls in a window of 21,600 s; undefined when absent or unreadable. */
export function parseRateLimit(value: string | undefined): { count: number; windowSeconds?: number } | undefined {
  const m = /^\s*([0-9]{1,12})\s*(?:;\s*w\s*=\s*([0-9]{1,12}))?/.exec(value ?? '');
  if (!m) return undefined;
  return { count: Number(m[1]), ...(m[2] ? { windowSeconds: Number(m[2]) } : {}) };
}

/** Prefixes transport failures with the operation, so every error says what failed and where. */
export async function during<T>(operation: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof RegistryError && !err.message.startsWith(operation)) {
      const Kind = err.constructor as typeof RegistryError;
      throw new Kind(`${operation}: ${err.message}`, err.retryable, err.status, err.code, err.retryAfterMs);
    }
    throw err;
  }
}

/** Answers this close together come from requests in flight at once, in any order. */
const SAME_MOMENT_MS = 5000;

/**
 * Which of two pull-limit reports says where the count stands now. Requests sent together are
 * answered in any order, and the count only falls while they are: of two reports a few seconds
 * apart, the lower is the later count. Further apart, the later report wins (a window that rolled
 * on gives pulls back).
 */
export function laterRateLimit<T extends { remaining: number; at: number }>(held: T | undefined, seen: T): T;
export function laterRateLimit<T extends { remaining: number; at: number }>(held: T | undefined, seen: T | undefined): T | undefined;
export function laterRateLimit<T extends { remaining: number; at: number }>(held: T | undefined, seen: T | undefined): T | undefined {
  if (!held || !seen) return seen ?? held;
  if (Math.abs(seen.at - held.at) < SAME_MOMENT_MS) return seen.remaining <= held.remaining ? seen : held;
  return seen.at > held.at ? seen : held;
}
