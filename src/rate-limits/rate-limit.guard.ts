import { ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { SkipThrottle, ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { Response } from 'express';

/** The throttler guard, answering with the plain `Retry-After` header docs/errors.md promises on 429. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    context
      .switchToHttp()
      .getResponse<Response>()
      .setHeader('Retry-After', String(Math.max(1, detail.timeToBlockExpire)));
    return super.throwThrottlingException(context, detail);
  }
}

/** Probes, scrapers and static pages are never rate limited (a bare @SkipThrottle() skips only a throttler named "default"). */
export const SkipRateLimits = () => SkipThrottle({ api: true, public: true, webhooks: true });

const RATE_LIMIT_BUDGET = 'rate-limit-budget';

/** TikTok's webhooks spend their own per-IP budget, so a burst on the connect flow never holds them back. */
export const WebhookRateLimit = () => SetMetadata(RATE_LIMIT_BUDGET, 'webhooks');

export function isWebhookRoute(context: ExecutionContext): boolean {
  return Reflect.getMetadata(RATE_LIMIT_BUDGET, context.getHandler()) === 'webhooks';
}
