/*
 * The two parts of undici this project sends requests with: `Agent` (keep-alive pools per origin)
 * and `request`. Importing the package root would load all of undici (fetch, WebSocket, caches,
 * mocks, proxies) at start-up: about 40 ms of every run of the CLI, for nothing.
 */
import AgentModule from 'undici/lib/dispatcher/agent.js';
import requestModule from 'undici/lib/api/api-request.js';
import type { Agent as UndiciAgent, Dispatcher } from 'undici';

export const Agent: typeof UndiciAgent = AgentModule;

/** `dispatcher.request(options)` for any dispatcher, without the methods the package root adds to them. */
export function request(dispatcher: Dispatcher, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
  return requestModule.call(dispatcher, options);
}
