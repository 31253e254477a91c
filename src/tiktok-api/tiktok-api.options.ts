/** Injection token for the client's options; the config layer provides the value. */
export const TIKTOK_API_OPTIONS = Symbol('TIKTOK_API_OPTIONS');

export interface TikTokApiOptions {
  clientKey: string;
  clientSecret: string;
  /** `https://open.tiktokapis.com` live, the sandbox's URL otherwise; a path prefix is kept. */
  apiBaseUrl: string;
  /** Per attempt: connect, and each wait for headers or body. Default 15000. */
  requestTimeoutMs?: number;
  /** Per chunk PUT attempt. Default 300000 (a final chunk may be 128 MB). */
  uploadTimeoutMs?: number;
  /** Retries after the first attempt, where retry-policy.ts allows them. Default 3. */
  maxRetries?: number;
  /** Full-jitter backoff base. Default 250. */
  retryBaseDelayMs?: number;
  /** A 429 whose Retry-After is longer than this is returned instead of waited for. Default 60. */
  maxRetryAfterSeconds?: number;
}

export type ResolvedTikTokApiOptions = Required<TikTokApiOptions>;

export function resolveTikTokApiOptions(options: TikTokApiOptions): ResolvedTikTokApiOptions {
  return {
    ...options,
    apiBaseUrl: options.apiBaseUrl.replace(/\/+$/, ''),
    requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
    uploadTimeoutMs: options.uploadTimeoutMs ?? 300_000,
    maxRetries: options.maxRetries ?? 3,
    retryBaseDelayMs: options.retryBaseDelayMs ?? 250,
    maxRetryAfterSeconds: options.maxRetryAfterSeconds ?? 60,
  };
}
