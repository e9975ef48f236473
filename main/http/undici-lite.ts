/**
 * The parts of undici the bridge uses (a keep-alive Agent, `request`, the error classes), loaded from undici's own
 * files instead of its index: the index also loads fetch, WebSocket, the cache, mocks and more, about 8 MB of resident
 * memory and ~100 ms of start-up that no request needs. undici is pinned to an exact version in package.json, which
 * keeps these file paths stable; undici-lite.test.ts proves them against the installed copy.
 */
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import type { Agent as UndiciAgent, Dispatcher, errors as UndiciErrors } from 'undici';

// undici parses HTTP with llhttp compiled to WebAssembly. After the first request V8 recompiles that module with its
// optimizing tier in the background, which takes ~35 MB of transient compiler memory (the process's peak RSS) and
// keeps ~10 MB of code, to speed up a parser that is under 1 % of the bridge's CPU. Set before undici compiles it;
// the bridge runs no other WebAssembly.
setFlagsFromString('--liftoff-only');

const load = createRequire(import.meta.url);

export const Agent = load('undici/lib/dispatcher/agent.js') as typeof UndiciAgent;
export const errors = load('undici/lib/core/errors.js') as typeof UndiciErrors;
const dispatchRequest = load('undici/lib/api/api-request.js') as (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
const { getGlobalDispatcher } = load('undici/lib/global.js') as { getGlobalDispatcher(): Dispatcher };

export type { Dispatcher };

export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & {
  method: Dispatcher.HttpMethod;
  /** Default: undici's global agent. */
  dispatcher?: Dispatcher;
};

/** undici's `request(url, options)`: one HTTP exchange on `dispatcher`. */
export function request(url: string | URL, { dispatcher, ...options }: RequestOptions): Promise<Dispatcher.ResponseData> {
  const target = typeof url === 'string' ? new URL(url) : url;
  return dispatchRequest.call(dispatcher ?? getGlobalDispatcher(), { ...options, origin: target.origin, path: `${target.pathname}${target.search}` });
}
