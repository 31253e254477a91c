import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { type Dispatcher, request } from 'undici';
import { TikTokUnavailableError } from './tiktok-api.error';
import { TikTokApiMetrics, type TikTokRequestOutcome } from './tiktok-api.metrics';
import { type AttemptOutcome, decideRetry, type RetryMode, type RetrySettings } from './retry-policy';
import { classifyTransportFailure, isTimeout } from './transport-failure';

export interface TikTokHttpRequest {
  /** Metric label and error detail; never the URL (upload URLs carry a token). */
  endpoint: string;
  retry: RetryMode;
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  /** Built per attempt so that a retried chunk PUT re-opens its file range. */
  body?: () => string | Readable;
  timeoutMs: number;
}

export interface TikTokHttpResponse {
  httpStatus: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export function headerValue(response: TikTokHttpResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * One HTTP exchange with TikTok, repeated as retry-policy.ts allows. Returns the last answer whatever its
 * status (the caller reads TikTok's verdict from the body); throws TikTokUnavailableError when no answer came.
 */
export class TikTokHttp {
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly settings: RetrySettings,
    private readonly metrics: TikTokApiMetrics,
    private readonly random: () => number = Math.random,
  ) {}

  async send(req: TikTokHttpRequest): Promise<TikTokHttpResponse> {
    for (let retriesDone = 0; ; retriesDone++) {
      const started = performance.now();
      const elapsed = () => (performance.now() - started) / 1000;
      let outcome: AttemptOutcome;
      let answer: TikTokHttpResponse | undefined;
      let failure: unknown;
      try {
        answer = await this.attempt(req);
        this.metrics.observeAttempt(req.endpoint, TikTokApiMetrics.outcomeOf(answer.httpStatus), elapsed());
        outcome = {
          kind: 'answered',
          httpStatus: answer.httpStatus,
          retryAfter: headerValue(answer, 'retry-after'),
        };
      } catch (error) {
        const failureKind = classifyTransportFailure(error);
        const label: TikTokRequestOutcome = isTimeout(error) ? 'timeout' : 'network_error';
        this.metrics.observeAttempt(req.endpoint, label, elapsed());
        if (failureKind === 'local') throw error;
        failure = error;
        outcome = { kind: 'failed', phase: failureKind };
      }

      const decision = decideRetry(req.retry, outcome, retriesDone, this.settings, this.random);
      if (!decision.retry) {
        if (answer) return answer;
        throw new TikTokUnavailableError({
          endpoint: req.endpoint,
          reason: isTimeout(failure) ? 'timeout' : 'network',
          deliveryUnknown: outcome.kind === 'failed' && outcome.phase === 'after_send',
        });
      }
      this.metrics.countRetry(req.endpoint);
      await delay(decision.delayMs);
    }
  }

  private async attempt(req: TikTokHttpRequest): Promise<TikTokHttpResponse> {
    const body = req.body?.();
    try {
      const response = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body,
        dispatcher: this.dispatcher,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      });
      const text = await response.body.text();
      return {
        httpStatus: response.statusCode,
        headers: response.headers,
        text,
      };
    } finally {
      // A file stream left open by a failed attempt would leak a descriptor per retry.
      if (body && typeof body !== 'string' && !body.destroyed) body.destroy();
    }
  }
}
