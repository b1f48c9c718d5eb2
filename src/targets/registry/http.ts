import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { request } from './undici-core.js';
import { DOCKER_HUB, isLoopbackRegistry } from '../../oci/reference.js';
import { CancelledError, InputError, messageOf, OciCopyError } from '../../oci/errors.js';
import { abortReason, linkSignals, pause, throwIfAborted } from '../../cancel/index.js';
import { BrokenAnswerError, isRetryableStatus, RegistryError, statusLine } from './errors.js';
import { openNetwork, type NetworkOptions } from './network/dispatcher.js';
import { fatalNetworkError, throughProxy, type SettingVoice } from './network/failures.js';
import { authScheme, type HttpObserver } from './network/observer.js';
import type { ProxyChoice } from './network/proxy.js';
import type { RequestRate } from './network/request-rate.js';
import { quoted } from '../../oci/text.js';

/** Retries as oras-go does them: 5 tries, 250 ms × 2ⁿ ±10 %, each wait clamped to 200 ms–3 s. */
export interface RetryPolicy {
  maxTries: number;
  baseDelayMs: number;
  minDelayMs: number;
  maxDelayMs: number;
  /**
   * The longest one wait may be. A registry whose `Retry-After` asks for longer is not waited for:
   * its answer stands, and the failure says how long it asked (see `tooLongToWait`).
   */
  maxWaitMs: number;
  /** No retry starts once this much time has passed since the first try. */
  maxTotalMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxTries: 5,
  baseDelayMs: 250,
  minDelayMs: 200,
  maxDelayMs: 3000,
  maxWaitMs: 60_000,
  maxTotalMs: 120_000,
};

export interface Timeouts {
  /** From the request being sent to the response headers arriving. */
  headersMs: number;
  /** Longest silence while a response body streams. */
  bodyIdleMs: number;
  connectMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { headersMs: 60_000, bodyIdleMs: 60_000, connectMs: 15_000 };

/** The environment variable that sets how long a registry may stay silent, in seconds. */
export const TIMEOUT_ENV = 'OCI_COPY_TIMEOUT_SECONDS';

/**
 * Timeouts from `OCI_COPY_TIMEOUT_SECONDS` (0.1 to 3600): the longest wait for an answer and the
 * longest silence within one, for registries slower than the defaults allow, or quicker failure.
 * Connecting never waits longer than the default. Undefined when unset.
 */
export function timeoutsFromEnv(env: NodeJS.ProcessEnv): Timeouts | undefined {
  const raw = env[TIMEOUT_ENV]?.trim();
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(raw) || seconds < 0.1 || seconds > 3600) {
    throw new InputError(`environment variable ${TIMEOUT_ENV} is ${quoted(raw)}: use a number of seconds from 0.1 to 3600`);
  }
  const ms = Math.round(seconds * 1000);
  return { headersMs: ms, bodyIdleMs: ms, connectMs: Math.min(ms, DEFAULT_TIMEOUTS.connectMs) };
}

/** The wait before try `attempt + 1` (attempt counts from 0). */
export function backoffDelay(attempt: number, policy: RetryPolicy = DEFAULT_RETRY, random: () => number = Math.random): number {
  const raw = policy.baseDelayMs * 2 ** attempt * (0.9 + 0.2 * random());
  return Math.round(Math.min(policy.maxDelayMs, Math.max(policy.minDelayMs, raw)));
}

/** `Retry-After` as milliseconds from `now`: delta seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^[0-9]+$/.test(v)) return Number(v) * 1000;
  const when = Date.parse(v);
  if (Number.isNaN(when)) return undefined;
  return Math.max(0, when - now);
}

/** `https://host`, or `http://host` on loopback or when plain HTTP is allowed. Docker Hub's API lives on registry-1. */
export function registryBaseUrl(registry: string, plainHttp = false): URL {
  const host = registry === DOCKER_HUB ? 'registry-1.docker.io' : registry;
  return new URL(`${plainHttp || isLoopbackRegistry(registry) ? 'http' : 'https'}://${host}`);
}

export type RequestBody = string | Uint8Array | Readable;

export interface HttpRequest {
  method: string;
  url: URL;
  /** Lower-case names. */
  headers?: Record<string, string>;
  body?: RequestBody;
  /** Follow redirects by hand (default true, at most 10). */
  followRedirects?: boolean;
  /**
   * Fail on any redirect instead of following it: what is sent (an upload, a manifest) and the
   * credentials with it go to the registry that was asked, or nowhere.
   */
  refuseRedirects?: boolean;
  /** Retry transient failures; default: when the request can be sent again as is (no stream body, not POST or PATCH). */
  retry?: boolean;
  /** Ends the request, its retries and the waits between them, with the signal's reason. */
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Always consume or discard it. */
  body: Readable;
  /** Where the response came from, after redirects. */
  url: URL;
  /** How many tries it took. */
  tries: number;
}

export interface HttpOptions {
  /** The dispatcher to send through; when given, the caller owns it and closes it. */
  dispatcher?: Dispatcher;
  userAgent?: string;
  timeouts?: Partial<Timeouts>;
  retry?: Partial<RetryPolicy>;
  /** Trust, verification and proxies for the dispatcher this client makes (not for a given one). */
  network?: NetworkOptions;
  /** Told of every request and answer, and every retry (`--debug`, progress). */
  observer?: HttpObserver;
  /** How a failure's fix names a setting (`set plain-http: true` or `add --plain-http`). */
  voice?: SettingVoice;
  /** Spaces the requests to each host (`requests-per-second`); share one across a run's pools. */
  requestRate?: RequestRate;
}

export const USER_AGENT = 'oci-copy/0.1';
const MAX_REDIRECTS = 10;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];
const NOT_TRANSIENT = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_ABORTED',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  // A pool that was closed or destroyed never opens again: no retry can reach it.
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  // A registry that sends more headers than a client takes sends them again.
  'UND_ERR_HEADERS_OVERFLOW',
]);

export function header(res: { headers: HttpResponse['headers'] }, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Closes a response body nobody will read. undici reports a body destroyed before its end as an
 * 'error' event (RequestAbortedError): without a listener that event would end the process.
 */
export function dropBody(body: Readable): void {
  body.on('error', () => {});
  if (!body.destroyed) body.destroy();
}

/** Reads and forgets a response body, so the connection goes back to the pool. */
export async function discard(res: HttpResponse): Promise<void> {
  const body = res.body as Readable & { dump?: (opts?: { limit: number }) => Promise<void> };
  try {
    if (body.dump) await body.dump({ limit: 256 * 1024 });
    else dropBody(body);
  } catch {
    // a body that failed while being thrown away changes nothing
  }
}

/** Reads a small body (an error, a token, a manifest) up to `limit` bytes. */
export async function readBody(res: HttpResponse, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of res.body) {
      total += (chunk as Buffer).length;
      if (total > limit) {
        dropBody(res.body);
        throw new RegistryError(`response from ${res.url.host} is larger than ${limit} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof OciCopyError) throw err;
    // A cut or stalled body: worth another try, like a cut connection before the headers.
    throw new BrokenAnswerError(`${res.url.host} broke off its answer after ${total} bytes: ${messageOf(err)}`, true);
  }
  return Buffer.concat(chunks);
}

/**
 * HTTP for registries: one keep-alive pool, redirects followed by hand (credentials never cross to
 * another origin), per-request timeouts, and retries with backoff on transient failures.
 */
export class HttpClient {
  readonly dispatcher: Dispatcher;
  private readonly owned: boolean;
  private readonly userAgent: string;
  readonly timeouts: Timeouts;
  readonly retry: RetryPolicy;
  readonly voice?: SettingVoice;
  /** The proxy a request to a URL goes through, for messages. */
  readonly proxyFor: (url: URL) => ProxyChoice | undefined;
  private readonly observer?: HttpObserver;
  private readonly requestRate?: RequestRate;

  /** Fires on `close()`: whatever is still sending or waiting to retry ends at once. */
  private readonly closing = new AbortController();

  constructor(options: HttpOptions = {}) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.userAgent = options.userAgent ?? USER_AGENT;
    this.owned = !options.dispatcher;
    this.voice = options.voice;
    this.observer = options.observer;
    this.requestRate = options.requestRate;
    const network = options.dispatcher ? undefined : openNetwork(options.network ?? {}, this.timeouts.connectMs);
    this.dispatcher = options.dispatcher ?? network!.dispatcher;
    this.proxyFor = network ? (url) => network.proxyFor(url) : () => undefined;
  }

  /**
   * Sends `req`, following redirects and retrying what may pass on another try. After `close()`,
   * or once `req.signal` fires, nothing more is sent or waited for: the request fails at once.
   */
  async send(req: HttpRequest): Promise<HttpResponse> {
    if (this.closing.signal.aborted) throw new CancelledError(`the connection pool for ${req.url.host} is closed`);
    const { signal, dispose } = linkSignals(this.closing.signal, req.signal);
    let res: HttpResponse;
    try {
      res = await this.sendUntilDone({ ...req, signal });
    } catch (err) {
      dispose();
      throw err;
    }
    // The body streams on after the headers: cancelling must reach it too, until it is done.
    if (res.body.destroyed || res.body.readableEnded) dispose();
    else res.body.once('close', dispose);
    return res;
  }

  private async sendUntilDone(req: HttpRequest & { signal: AbortSignal }): Promise<HttpResponse> {
    const replayable = !(req.body instanceof Readable) && req.method !== 'POST' && req.method !== 'PATCH';
    const retry = (req.retry ?? replayable) && !(req.body instanceof Readable);
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const tries = attempt + 1;
      let res: HttpResponse | undefined;
      let error: unknown;
      try {
        throwIfAborted(req.signal);
        res = await this.follow(req);
        res.tries = tries;
      } catch (err) {
        // A cancelled request ends with the reason it was cancelled, however undici put it.
        if (req.signal.aborted) throw abortReason(req.signal);
        if (!isTransient(err)) throw hostileAnswer(req.url, err) ?? err;
        error = err;
      }
      if (res && (!isRetryableStatus(res.status) || this.tooLongToWait(res) !== undefined)) return res;
      const more = retry && tries < this.retry.maxTries;
      const delay = this.retryDelay(attempt, res);
      if (!more || Date.now() - started + delay > this.retry.maxTotalMs) {
        if (res) return res;
        const failure = transportError(req.url, error, tries, this.timeouts, delay);
        failure.message = throughProxy(failure.message, this.proxyFor(req.url));
        throw failure;
      }
      if (res) await discard(res);
      this.observer?.({
        type: 'retry',
        method: req.method,
        url: req.url,
        attempt: tries + 1,
        maxTries: this.retry.maxTries,
        delayMs: delay,
        reason: res ? statusLine(res.status) : messageOf(error),
      });
      await pause(delay, req.signal);
    }
  }

  /** The wait before try `attempt + 2`: the answer's `Retry-After` (never above the cap), else backoff. */
  retryDelay(attempt: number, res?: { headers: HttpResponse['headers'] }): number {
    const after = res ? parseRetryAfter(header(res, 'retry-after')) : undefined;
    return after !== undefined ? Math.min(after, this.retry.maxWaitMs) : backoffDelay(attempt, this.retry);
  }

  /**
   * How long an answer's `Retry-After` asks to wait, in milliseconds, when that is longer than any
   * one wait may be; undefined otherwise. Such an answer is not retried: a registry cannot keep a
   * job asleep for as long as it likes.
   */
  tooLongToWait(res: { headers: HttpResponse['headers'] }): number | undefined {
    const after = parseRetryAfter(header(res, 'retry-after'));
    return after !== undefined && after > this.retry.maxWaitMs ? after : undefined;
  }

  /** Tells the observer a decision about how a registry is reached (a line of its own). */
  note(url: URL, text: string): void {
    this.observer?.({ type: 'note', url, text });
  }

  /** Ends every connection at once, abandoning what is in flight; retries waiting end too, later sends are refused. */
  async destroy(): Promise<void> {
    this.closing.abort(new CancelledError('the connection pool is closed'));
    if (this.owned) await this.dispatcher.destroy();
  }

  /** Ends the client: requests in flight and retries waiting are cancelled, later sends refused. */
  async close(): Promise<void> {
    this.closing.abort(new CancelledError('the connection pool is closed'));
    if (this.owned) await this.dispatcher.close();
  }

  private async follow(req: HttpRequest): Promise<HttpResponse> {
    let { method, url, body } = req;
    const headers: Record<string, string> = { 'user-agent': this.userAgent, ...req.headers };
    for (let hops = 0; ; hops++) {
      const res = await this.once(method, url, headers, body, req.signal);
      const location = header(res, 'location');
      if (req.followRedirects === false || !REDIRECTS.has(res.status) || !location) return res;
      await discard(res);
      if (hops >= MAX_REDIRECTS) throw new RegistryError(`${url.host} redirected more than ${MAX_REDIRECTS} times`);
      const next = redirectTarget(location, url);
      if (req.refuseRedirects) {
        throw new RegistryError(
          `${url.host} answered a ${method} with a ${res.status} redirect to ${next.host}: refusing to send uploads or credentials anywhere but ${url.host}`,
        );
      }
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new RegistryError(`${url.host} redirected to an unsupported URL scheme ${next.protocol}`);
      }
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        if (method !== 'HEAD') method = 'GET';
        body = undefined;
        delete headers['content-type'];
        delete headers['content-length'];
      } else if (body instanceof Readable) {
        throw new RegistryError(`${url.host} redirected an upload (${res.status}); it cannot be sent again from here`, true);
      } else if (body !== undefined && next.origin !== url.origin) {
        // A body may hold a secret (a refresh token) or content meant for this registry only.
        throw new RegistryError(
          `${url.host} redirected a ${method} with content to another host (${next.host}); refusing to send it there`,
        );
      }
      if (next.origin !== url.origin) for (const h of CREDENTIAL_HEADERS) delete headers[h];
      url = next;
    }
  }

  private async once(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: RequestBody | undefined,
    signal?: AbortSignal,
  ): Promise<HttpResponse> {
    // Every request, retry and redirect hop passes here: the one place a request rate can hold.
    if (this.requestRate) {
      const wait = this.requestRate.delay(url.host);
      if (wait > 0) await pause(wait, signal);
    }
    const started = Date.now();
    const auth = authScheme(headers.authorization);
    let res: Dispatcher.ResponseData;
    try {
      res = await this.request(method, url, headers, body, signal);
    } catch (err) {
      this.observer?.({ type: 'failure', method, url, error: messageOf(err), ms: Date.now() - started, auth });
      // What no retry cures (a certificate, HTTPS to a plain-HTTP port, a name) fails here, at once.
      throw fatalNetworkError(err, url, this.voice, this.proxyFor(url)) ?? err;
    }
    this.observer?.({ type: 'response', method, url, status: res.statusCode, ms: Date.now() - started, auth });
    return { status: res.statusCode, headers: res.headers, body: res.body, url, tries: 1 };
  }

  private request(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: RequestBody | undefined,
    signal?: AbortSignal,
  ): Promise<Dispatcher.ResponseData> {
    return request(this.dispatcher, {
      signal,
      origin: url.origin,
      path: url.pathname + url.search,
      method: method as Dispatcher.HttpMethod,
      headers,
      body: body ?? null,
      // undici closes the connection after every HEAD unless told not to; registries send no HEAD body.
      ...(method === 'HEAD' ? { reset: false } : {}),
      headersTimeout: this.timeouts.headersMs,
      bodyTimeout: this.timeouts.bodyIdleMs,
    });
  }
}

/** Where a redirect's `Location` leads; one that is not a URL is the registry's error, not worth another try. */
function redirectTarget(location: string, from: URL): URL {
  try {
    return new URL(location, from);
  } catch {
    throw new RegistryError(`${from.host} redirected to a Location that is not a URL: ${quoted(location, 200)}`);
  }
}

/** An answer no client takes, named for the registry that sent it; undefined for other failures. */
function hostileAnswer(url: URL, err: unknown): RegistryError | undefined {
  const code = (err as { code?: unknown })?.code;
  if (code === 'UND_ERR_HEADERS_OVERFLOW')
    return new RegistryError(`${url.host} answered with more header bytes than any registry sends (over 16 KiB)`);
  return undefined;
}

/** Network failures and timeouts may pass on another try; our own errors (bad content, bad input) do not. */
export function isTransient(err: unknown): boolean {
  if (err instanceof OciCopyError) return err instanceof RegistryError && err.retryable;
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && NOT_TRANSIENT.has(code)) return false;
  return err instanceof Error;
}

/** One line naming the host, what happened, and how often it was tried. */
export function transportError(url: URL, err: unknown, tries: number, timeouts: Timeouts, retryAfterMs?: number): RegistryError {
  const code = (err as { code?: unknown })?.code;
  const after = tries > 1 ? ` after ${tries} tries` : '';
  let what: string;
  if (code === 'UND_ERR_HEADERS_TIMEOUT') what = `${url.host} did not answer within ${timeouts.headersMs / 1000} s`;
  else if (code === 'UND_ERR_BODY_TIMEOUT') what = `${url.host} stopped sending for ${timeouts.bodyIdleMs / 1000} s`;
  else if (code === 'UND_ERR_CONNECT_TIMEOUT') what = `cannot connect to ${url.host} within ${timeouts.connectMs / 1000} s`;
  else if (err instanceof RegistryError) what = err.message;
  else what = `cannot reach ${url.host}: ${messageOf(err)}`;
  return new RegistryError(`${what}${after}`, true, undefined, undefined, retryAfterMs);
}
