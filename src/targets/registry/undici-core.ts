/*
 * The parts of undici this project sends requests with: `Agent` (keep-alive pools per origin),
 * `request`, and, only when a proxy variable is set, `ProxyAgent`. Importing the package root would
 * load all of undici (fetch, WebSocket, caches, mocks, proxies) at start-up: about 40 ms of every
 * run of the CLI, for nothing. The proxy agent alone costs a few milliseconds more, so it is
 * required on first use, not imported.
 */
import { createRequire } from 'node:module';
import AgentModule from 'undici/lib/dispatcher/agent.js';
import DispatcherModule from 'undici/lib/dispatcher/dispatcher.js';
import requestModule from 'undici/lib/api/api-request.js';
import type { Agent as UndiciAgent, Dispatcher as UndiciDispatcher, Pool as UndiciPool, ProxyAgent as UndiciProxyAgent } from 'undici';

export const Agent: typeof UndiciAgent = AgentModule;
/** The base class of every dispatcher (an EventEmitter with `compose`). */
export const DispatcherBase: typeof UndiciDispatcher = DispatcherModule;

const require = createRequire(import.meta.url);

/**
 * undici's `ProxyAgent`, loaded the first time a proxy is needed. It opens tunnels with the
 * `connect` method that the package root adds to every dispatcher; its pool to the proxy gets that
 * method of its own instead.
 */
export function newProxyAgent(options: UndiciProxyAgent.Options): UndiciProxyAgent {
  const ProxyAgent = require('undici/lib/dispatcher/proxy-agent.js') as typeof UndiciProxyAgent;
  const Pool = require('undici/lib/dispatcher/pool.js') as typeof UndiciPool;
  const connect = require('undici/lib/api/api-connect.js') as UndiciDispatcher['connect'];
  return new ProxyAgent({
    ...options,
    clientFactory: (origin: URL, opts: object) => Object.assign(new Pool(origin, opts), { connect }),
  });
}

/** `dispatcher.request(options)` for any dispatcher, without the methods the package root adds to them. */
export function request(dispatcher: UndiciDispatcher, options: UndiciDispatcher.RequestOptions): Promise<UndiciDispatcher.ResponseData> {
  return requestModule.call(dispatcher, options);
}
