import type { Dispatcher } from 'undici';
import { Agent, DispatcherBase, loadProxyAgent } from '../undici-core.js';
import { proxyFor, proxyFromEnv, type ProxyChoice, type ProxySettings } from './proxy.js';
import { tlsConnectOptions } from './tls.js';

/** How registries are reached: whom to trust, and the environment the proxy variables are read from. */
export interface NetworkOptions {
  /** PEM certificates trusted besides the system's (`ca-file`). */
  ca?: string[];
  /** false: accept any certificate (`tls-verify: false`). Default true. */
  tlsVerify?: boolean;
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Told a proxy password found in a variable, to mask it before anything logs. */
  onSecret?: (secret: string) => void;
}

/** The dispatcher requests go through, and which proxy (if any) it picks for a URL. */
export interface Network {
  dispatcher: Dispatcher;
  proxyFor(url: URL): ProxyChoice | undefined;
}

const POOL = { keepAliveTimeout: 30_000, connections: 16 };

/**
 * A keep-alive pool per origin, trusting `ca` or verifying nothing, and, when a proxy variable is
 * set, a router that sends each origin through its proxy or straight there. Requests reach a proxy
 * only through a CONNECT tunnel, plain-HTTP registries too: the proxy sees a host and port, never a
 * request, so the registry's credentials never reach it (only the proxy's own, on the CONNECT).
 */
export function openNetwork(options: NetworkOptions, connectTimeoutMs: number): Network {
  const tls = tlsConnectOptions(options.ca, options.tlsVerify !== false);
  const direct = new Agent({ ...POOL, connect: { timeout: connectTimeoutMs, ...tls } });
  const settings = proxyFromEnv(options.env ?? process.env, options.onSecret);
  if (!settings) return { dispatcher: direct, proxyFor: () => undefined };
  const router = new ProxyRouter(
    direct,
    settings,
    (choice) =>
      new DeferredDispatcher(
        loadProxyAgent().then((make) =>
          make({
            ...POOL,
            uri: choice.url.href,
            proxyTunnel: true,
            requestTls: { timeout: connectTimeoutMs, ...tls },
            proxyTls: { timeout: connectTimeoutMs, ...tls },
          }),
        ),
      ),
  );
  return { dispatcher: router, proxyFor: (url) => proxyFor(settings, url) };
}

/**
 * A dispatcher made of others, which it closes or destroys together; `parts` says which they are
 * by then. The callback and promise forms of both are undici's.
 */
abstract class Composite extends DispatcherBase {
  protected abstract parts(): Promise<Dispatcher[]>;

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    return settle(
      this.parts().then((parts) => Promise.all(parts.map((d) => d.close()))),
      callback,
    );
  }

  override destroy(): Promise<void>;
  override destroy(err: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(errOrCallback?: Error | null | (() => void), callback?: () => void): Promise<void> | void {
    const [err, cb] = typeof errOrCallback === 'function' ? [null, errOrCallback] : [errOrCallback ?? null, callback];
    return settle(
      this.parts().then((parts) => Promise.all(parts.map((d) => d.destroy(err)))),
      cb,
    );
  }
}

/** Dispatches each request to the proxy its origin needs (made on first use), or to the direct pool. */
class ProxyRouter extends Composite {
  private readonly viaProxy = new Map<string, Dispatcher>();

  constructor(
    private readonly direct: Dispatcher,
    private readonly settings: ProxySettings,
    private readonly makeProxyAgent: (choice: ProxyChoice) => Dispatcher,
  ) {
    super();
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.pick(new URL(String(options.origin))).dispatch(options, handler);
  }

  private pick(url: URL): Dispatcher {
    const choice = proxyFor(this.settings, url);
    if (!choice) return this.direct;
    let agent = this.viaProxy.get(choice.url.href);
    if (!agent) {
      agent = this.makeProxyAgent(choice);
      this.viaProxy.set(choice.url.href, agent);
    }
    return agent;
  }

  protected parts(): Promise<Dispatcher[]> {
    return Promise.resolve([this.direct, ...this.viaProxy.values()]);
  }
}

/**
 * A dispatcher that exists before its module is loaded: requests made meanwhile are handed on once
 * it is, so the synchronous `dispatch` of the router never waits on an import.
 */
class DeferredDispatcher extends Composite {
  private ready?: Dispatcher;
  private failure?: Error;

  constructor(private readonly loading: Promise<Dispatcher>) {
    super();
    loading.then(
      (d) => (this.ready = d),
      (err: Error) => (this.failure = err),
    );
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (this.ready) return this.ready.dispatch(options, handler);
    const fail = (err: Error) => (handler as { onError?: (err: Error) => void }).onError?.(err);
    if (this.failure) fail(this.failure);
    else
      this.loading
        .then((d) => d.dispatch(options, handler))
        .catch((err: Error) => {
          try {
            fail(err);
          } catch {
            // the handler's own failure has nowhere further to go
          }
        });
    return true;
  }

  protected parts(): Promise<Dispatcher[]> {
    return this.loading.then(
      (d) => [d],
      () => [],
    );
  }
}

/** A dispatcher's close or destroy, as a promise or through a callback, as its caller asked. */
function settle(work: Promise<unknown>, callback?: () => void): Promise<void> | void {
  const done = work.then(() => undefined);
  if (!callback) return done;
  void done.then(callback, callback);
}
