import { Counter, Histogram, register } from 'prom-client';

export type TikTokRequestOutcome = '2xx' | '4xx' | '429' | '5xx' | 'other' | 'network_error' | 'timeout';

const DURATION = 'tiktok_api_request_duration_seconds';
const RETRIES = 'tiktok_api_retries_total';

/**
 * Metrics in prom-client's default registry. Looked up before creating, because several app instances
 * (e2e tests) share one process and registering a name twice throws.
 */
export class TikTokApiMetrics {
  private readonly duration: Histogram<'endpoint' | 'outcome'>;
  private readonly retries: Counter<'endpoint'>;

  constructor() {
    this.duration =
      (register.getSingleMetric(DURATION) as Histogram<'endpoint' | 'outcome'> | undefined) ??
      new Histogram({
        name: DURATION,
        help: 'Duration of HTTP requests to TikTok, one observation per attempt.',
        labelNames: ['endpoint', 'outcome'],
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      });
    this.retries =
      (register.getSingleMetric(RETRIES) as Counter<'endpoint'> | undefined) ??
      new Counter({
        name: RETRIES,
        help: 'Requests to TikTok repeated after a retryable failure.',
        labelNames: ['endpoint'],
      });
  }

  observeAttempt(endpoint: string, outcome: TikTokRequestOutcome, seconds: number): void {
    this.duration.observe({ endpoint, outcome }, seconds);
  }

  countRetry(endpoint: string): void {
    this.retries.inc({ endpoint });
  }

  static outcomeOf(httpStatus: number): TikTokRequestOutcome {
    if (httpStatus === 429) return '429';
    if (httpStatus >= 500) return '5xx';
    if (httpStatus >= 400) return '4xx';
    if (httpStatus >= 200 && httpStatus < 300) return '2xx';
    return 'other';
  }
}
