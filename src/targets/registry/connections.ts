import { RegistryClient, registryHttpClient, type RegistryClientOptions } from './client.js';
import type { HttpClient } from './http.js';

export interface RateLimitNote {
  registry: string;
  remaining: number;
  limit?: number;
  windowSeconds?: number;
}

/**
 * The registry clients of one run: one HTTP connection pool per registry host, shared by every
 * repository and both sides of the copy, and one client (authentication state, tokens) per host
 * and side, shared by every repository of that host. A sync of forty images to one registry then
 * opens its connections and fetches its tokens once.
 */
export class RegistryConnections {
  private readonly pools = new Map<string, HttpClient>();
  private readonly clients = new Map<string, RegistryClient>();

  /** The client for `registry` on `side` (credentials differ by side), made on first use. */
  client(registry: string, side: string, options: RegistryClientOptions): RegistryClient {
    const key = `${side}\u0000${registry}`;
    let client = this.clients.get(key);
    if (!client) {
      let http = this.pools.get(registry);
      if (!http) this.pools.set(registry, (http = options.http ?? registryHttpClient(options)));
      client = new RegistryClient(registry, { ...options, http });
      this.clients.set(key, client);
    }
    return client;
  }

  /** What each registry last said of its pull limits (`ratelimit-remaining`), when it said anything. */
  rateLimits(): RateLimitNote[] {
    const newest = new Map<string, NonNullable<RegistryClient['rateLimit']>>();
    for (const client of this.clients.values()) {
      const seen = client.rateLimit;
      const held = newest.get(client.registry);
      if (seen && (!held || seen.at > held.at)) newest.set(client.registry, seen);
    }
    return [...newest].map(([registry, { remaining, limit, windowSeconds }]) => ({
      registry,
      remaining,
      ...(limit !== undefined ? { limit } : {}),
      ...(windowSeconds !== undefined ? { windowSeconds } : {}),
    }));
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    this.clients.clear();
    await Promise.allSettled(pools.map((p) => p.close()));
  }
}
