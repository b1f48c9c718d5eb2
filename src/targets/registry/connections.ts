import { laterRateLimit, RegistryClient, registryHttpClient, type RegistryClientOptions } from './client.js';
import type { HttpClient } from './http.js';

export interface RateLimitNote {
  registry: string;
  remaining: number;
  limit?: number;
  windowSeconds?: number;
  /** When the registry said its window resets (`ratelimit-reset`, ms since the epoch); Docker Hub does not say. */
  resetsAt?: number;
}

/** `76 of 100 pulls left per 6 h`: what a registry said of its pull limit, without its name. */
export function pullsLeft(note: RateLimitNote): string {
  const window = note.windowSeconds ? ` per ${formatWindow(note.windowSeconds)}` : '';
  return `${note.remaining}${note.limit !== undefined ? ` of ${note.limit}` : ''} pulls left${window}`;
}

/** `21600` → `6 h`, `90` → `90 s`: a rate-limit window as Docker Hub states them. */
export function formatWindow(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/**
 * The registry clients of one run: one HTTP connection pool per registry host and network settings,
 * shared by every repository and by both sides of the copy when their settings agree, and one
 * client (authentication state, tokens) per host and side, shared by every repository of that
 * host. A sync of forty images to one registry then opens its connections and fetches its tokens
 * once; a side that trusts other certificates or goes through another proxy gets its own pool.
 */
export class RegistryConnections {
  private readonly pools = new Map<string, HttpClient>();
  private readonly clients = new Map<string, RegistryClient>();
  private notesAtClose?: RateLimitNote[];

  /** The client for `registry` on `side` (credentials differ by side), made on first use. */
  client(registry: string, side: string, options: RegistryClientOptions): RegistryClient {
    const key = `${side}\u0000${registry}`;
    let client = this.clients.get(key);
    if (!client) {
      const pool = poolKey(registry, options);
      let http = this.pools.get(pool);
      if (!http) this.pools.set(pool, (http = options.http ?? registryHttpClient(options)));
      client = new RegistryClient(registry, { ...options, http });
      this.clients.set(key, client);
    }
    return client;
  }

  /** What each registry last said of its pull limits (`ratelimit-remaining`), when it said anything. */
  rateLimits(): RateLimitNote[] {
    if (this.notesAtClose) return this.notesAtClose;
    const newest = new Map<string, NonNullable<RegistryClient['rateLimit']>>();
    for (const client of this.clients.values()) {
      const now = laterRateLimit(newest.get(client.registry), client.rateLimit);
      if (now) newest.set(client.registry, now);
    }
    return [...newest].map(([registry, seen]) => noteOf(registry, seen));
  }

  /** What `registry` last said of its pull limit, on either side (a pull budget asks before each copy). */
  rateLimitOf(registry: string): RateLimitNote | undefined {
    if (this.notesAtClose) return this.notesAtClose.find((n) => n.registry === registry);
    let newest: RegistryClient['rateLimit'];
    for (const client of this.clients.values()) {
      if (client.registry === registry) newest = laterRateLimit(newest, client.rateLimit);
    }
    return newest && noteOf(registry, newest);
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    // What the registries said stays readable after the run: the report comes after the close.
    this.notesAtClose = this.rateLimits();
    this.pools.clear();
    this.clients.clear();
    await Promise.allSettled(pools.map((p) => p.close()));
  }
}

function noteOf(registry: string, { remaining, limit, windowSeconds, resetsAt }: NonNullable<RegistryClient['rateLimit']>): RateLimitNote {
  return {
    registry,
    remaining,
    ...(limit !== undefined ? { limit } : {}),
    ...(windowSeconds !== undefined ? { windowSeconds } : {}),
    ...(resetsAt !== undefined ? { resetsAt } : {}),
  };
}

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'];

/** What a pool is made of besides its host: trust, verification, proxies, timeouts and retries. */
function poolKey(registry: string, options: RegistryClientOptions): string {
  const env = options.network?.env ?? options.env ?? process.env;
  return JSON.stringify([
    registry,
    options.network?.ca ?? [],
    options.network?.tlsVerify ?? true,
    PROXY_VARIABLES.map((name) => env[name] ?? null),
    options.timeouts ?? {},
    options.retry ?? {},
    options.userAgent ?? null,
  ]);
}
