/**
 * When a TikTok call may be repeated. Pure: the transport asks after every attempt.
 *
 * - `never`: video/inbox init (an ambiguous init may already have created a post) and the authorization-code
 *   exchange (codes are single use).
 * - `until_sent`: token refresh. Only when the connection never opened, or TikTok answered 5xx / 429 with Retry-After:
 *   assumed not to have rotated the token (if a 5xx did rotate it, the old refresh token meets invalid_grant now or
 *   later alike). A timeout or reset after sending is final.
 * - `safe`: reads, cancel, revoke and chunk PUTs (TikTok: "You should retry submitting this chunk").
 */
export type RetryMode = 'never' | 'until_sent' | 'safe';

export type AttemptOutcome =
  | { kind: 'answered'; httpStatus: number; retryAfter?: string }
  | { kind: 'failed'; phase: 'before_send' | 'after_send' };

export interface RetrySettings {
  maxRetries: number;
  baseDelayMs: number;
  maxRetryAfterSeconds: number;
  maxBackoffMs?: number;
}

export type RetryDecision = { retry: false } | { retry: true; delayMs: number };

const DEFAULT_MAX_BACKOFF_MS = 10_000;
const NO_RETRY: RetryDecision = { retry: false };

/** `retriesDone` counts the retries already made (0 after the first attempt). */
export function decideRetry(
  mode: RetryMode,
  outcome: AttemptOutcome,
  retriesDone: number,
  settings: RetrySettings,
  random: () => number = Math.random,
  now: Date = new Date(),
): RetryDecision {
  if (mode === 'never' || retriesDone >= settings.maxRetries) return NO_RETRY;
  const backoff = (): RetryDecision => ({
    retry: true,
    delayMs: fullJitterDelayMs(retriesDone, settings, random),
  });

  if (outcome.kind === 'failed') {
    return outcome.phase === 'before_send' || mode === 'safe' ? backoff() : NO_RETRY;
  }
  if (outcome.httpStatus >= 500) return backoff();
  if (outcome.httpStatus === 429) {
    // Retry a 429 only when TikTok says when, and only if that is soon enough to be worth waiting for.
    const seconds = parseRetryAfterSeconds(outcome.retryAfter, now);
    if (seconds === undefined || seconds > settings.maxRetryAfterSeconds) return NO_RETRY;
    return { retry: true, delayMs: seconds * 1000 };
  }
  return NO_RETRY;
}

/** Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^retriesDone)). */
export function fullJitterDelayMs(retriesDone: number, settings: RetrySettings, random: () => number = Math.random) {
  const ceiling = Math.min(settings.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS, settings.baseDelayMs * 2 ** retriesDone);
  return Math.floor(random() * ceiling);
}

/** RFC 9110 Retry-After: delay-seconds or an HTTP-date. Undefined when absent or unreadable. */
export function parseRetryAfterSeconds(value: string | undefined, now: Date = new Date()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  // HTTP-date in any of its three forms starts with a day name; Date.parse alone would accept "-1".
  const at = /^[A-Za-z]{3}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
