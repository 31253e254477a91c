import type * as Undici from 'undici';

// undici's index also loads fetch, WebSocket, EventSource, its caches, interceptors and mocks: ~1.9 MiB of source
// and ~3 MiB of heap in every process, none of which the gateway calls. Agent and request() need only these files.
/* eslint-disable @typescript-eslint/no-require-imports */
const Dispatcher = require('undici/lib/dispatcher/dispatcher') as typeof Undici.Dispatcher;
const dispatcherApi = require('undici/lib/api') as object;
export const Agent = require('undici/lib/dispatcher/agent') as typeof Undici.Agent;
/* eslint-enable @typescript-eslint/no-require-imports */
export type Agent = Undici.Agent;
export type Dispatcher = Undici.Dispatcher;

// What undici's index does: request() (and the other verbs) are methods every dispatcher inherits.
Object.assign(Dispatcher.prototype, dispatcherApi);

export type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & {
  method?: Undici.Dispatcher.HttpMethod;
  /** Always named: the gateway never sends through undici's global dispatcher. */
  dispatcher: Undici.Dispatcher;
};

/** undici's `request(url, options)`, for an absolute http(s) URL and an explicit dispatcher. */
export function request(
  url: string,
  { dispatcher, ...options }: RequestOptions,
): Promise<Undici.Dispatcher.ResponseData> {
  const { origin, pathname, search } = new URL(url);
  return dispatcher.request({
    ...options,
    origin,
    path: search ? `${pathname}${search}` : pathname,
    // undici's own default for a request without a method
    method: options.method ?? (options.body ? 'PUT' : 'GET'),
  });
}
