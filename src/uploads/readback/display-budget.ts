import { Injectable } from '@nestjs/common';
import { RateLimiter } from '../../rate-limits/rate-limiter';

/** docs/tiktok.md §5.5: the Display API (video/list, video/query) allows 600 requests a minute per access token. */
export const DISPLAY_CALLS_PER_MINUTE = 600;

/**
 * Counts video/list and video/query calls per connection (one token at a time) in the rate-limit store, so the
 * videos endpoint and the read-back of share URLs together stay under TikTok's limit on every instance.
 */
@Injectable()
export class DisplayBudget {
  constructor(private readonly rateLimiter: RateLimiter) {}

  /** Throws `rate_limited` (with `retryAfterSeconds`) when the minute's calls are spent. */
  spend(connectionId: string): Promise<void> {
    return this.rateLimiter.consume('tiktok-display', connectionId, DISPLAY_CALLS_PER_MINUTE);
  }
}
