/*
 * The parts of undici this project sends requests with: `Agent` (keep-alive pools per origin),
 * `request`, and, only when a request goes through a proxy, `ProxyAgent`. Importing the package
 * root would load all of undici (fetch, WebSocket, caches, mocks, proxies) at start-up: about 40 ms
 * of every run of the CLI, for nothing.
 */
import AgentModule from 'undici/lib/dispatcher/agent.js';
import DispatcherModule from 'undici/lib/dispatcher/dispatcher.js';
import requestModule from 'undici/lib/api/api-request.js';
import type { Agent as UndiciAgent, Dispatcher as UndiciDispatcher, ProxyAgent as UndiciProxyAgent } from 'undici';

export const Agent: typeof UndiciAgent = AgentModule;
/** The base class of every dispatcher (an EventEmitter with `compose`). */
export const DispatcherBase: typeof UndiciDispatcher = DispatcherModule;

/**
 * A maker of undici's `ProxyAgent`, loaded the first time a proxy is needed (a dynamic import, so
 * the bundle keeps it in a chunk of its own). The agent opens tunnels with the `connect` method
 * that the package root adds to every dispatcher; its pool to the proxy gets that method of its own.
 */
export function loadProxyAgent(): Promise<(options: UndiciProxyAgent.Options) => UndiciProxyAgent> {
  proxyAgentMaker ??= Promise.all([
    import('undici/lib/dispatcher/proxy-agent.js'),
    import('undici/lib/dispatcher/pool.js'),
    import('undici/lib/api/api-connect.js'),
  ]).then(
    ([{ default: ProxyAgent }, { default: Pool }, { default: connect }]) =>
      (options) =>
        new ProxyAgent({ ...options, clientFactory: (origin: URL, opts: object) => Object.assign(new Pool(origin, opts), { connect }) }),
  );
  return proxyAgentMaker;
}
let proxyAgentMaker: Promise<(options: UndiciProxyAgent.Options) => UndiciProxyAgent> | undefined;

/** `dispatcher.request(options)` for any dispatcher, without the methods the package root adds to them. */
export function request(dispatcher: UndiciDispatcher, options: UndiciDispatcher.RequestOptions): Promise<UndiciDispatcher.ResponseData> {
  return requestModule.call(dispatcher, options);
}
