import { ExecutionContext, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import { Request } from 'express';
import type Redis from 'ioredis';
import { authKindOf } from '../common/auth/auth.decorators';
import { AppConfig } from '../config/app-config';
import { REDIS_CLIENT } from '../redis/redis.module';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { InMemoryThrottlerStorage } from './in-memory-throttler-storage';
import { isWebhookRoute } from './rate-limit.guard';
import { RateLimiter } from './rate-limiter';

const MINUTE_MS = 60_000;

/** `req.ip` is the socket's address, or the client's as named by a proxy TRUST_PROXY trusts. */
const clientIp = (req: Record<string, unknown>) => `ip:${String((req as unknown as Request).ip)}`;

/** One budget per key or IP across all routes (the throttler's default key counts each route apart). */
const budgetAcrossRoutes = (_context: ExecutionContext, tracker: string, name: string) => `${name}:${tracker}`;

/** Loaded only with REDIS_URL, like the Redis client it drives (src/redis/redis.module.ts). */
function redisThrottlerStorage(redis: Redis) {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { ThrottlerStorageRedisService } =
    require('@nest-lab/throttler-storage-redis') as typeof import('@nest-lab/throttler-storage-redis');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return new ThrottlerStorageRedisService(redis);
}

/**
 * Rate limits: `api` per API key on every keyed route, `public` per client IP on the routes without a key (the
 * connect flow), `webhooks` per client IP on TikTok's webhooks. The per key+user upload limit needs the form's
 * userId, so uploads call `RateLimiter` after reading it; wrong keys per address are counted by
 * `AuthFailureLimiter`. With REDIS_URL the counters live in Redis, shared by every instance.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [ConfigService, REDIS_CLIENT],
      useFactory: (config: ConfigService<AppConfig, true>, redis: Redis | null) => {
        const limits = config.get('rateLimits', { infer: true });
        return {
          storage: redis ? redisThrottlerStorage(redis) : new InMemoryThrottlerStorage(),
          generateKey: budgetAcrossRoutes,
          throttlers: [
            {
              name: 'api',
              ttl: MINUTE_MS,
              limit: limits.apiPerMinute,
              skipIf: (context) => authKindOf(context) !== 'api-key',
              getTracker: (req: Record<string, unknown>) =>
                `key:${(req as unknown as Request).tenant?.apiKeyId ?? 'none'}`,
            },
            {
              name: 'public',
              ttl: MINUTE_MS,
              limit: limits.publicPerMinute,
              skipIf: (context) => authKindOf(context) !== 'public' || isWebhookRoute(context),
              getTracker: clientIp,
            },
            {
              name: 'webhooks',
              ttl: MINUTE_MS,
              limit: limits.webhooksPerMinute,
              skipIf: (context) => !isWebhookRoute(context),
              getTracker: clientIp,
            },
          ],
        };
      },
    }),
  ],
  providers: [RateLimiter, AuthFailureLimiter],
  exports: [RateLimiter, AuthFailureLimiter],
})
export class RateLimitsModule {}
