import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ExecutionContext, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ThrottlerModule, ThrottlerStorageService } from '@nestjs/throttler';
import { Request } from 'express';
import Redis from 'ioredis';
import { authKindOf } from '../common/auth/auth.decorators';
import { AppConfig } from '../config/app-config';
import { REDIS_CLIENT } from '../redis/redis.module';
import { RateLimiter } from './rate-limiter';

const MINUTE_MS = 60_000;

/** One budget per key or IP across all routes (the throttler's default key counts each route apart). */
const budgetAcrossRoutes = (_context: ExecutionContext, tracker: string, name: string) => `${name}:${tracker}`;

/**
 * Rate limits (issue 2 part 6): `api` per API key on every keyed route, `public` per client IP on the routes
 * without a key. The per key+user upload limit needs the form's userId, so uploads call `RateLimiter` after
 * reading it. With REDIS_URL the counters live in Redis, shared by every instance.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [ConfigService, REDIS_CLIENT],
      useFactory: (config: ConfigService<AppConfig, true>, redis: Redis | null) => {
        const limits = config.get('rateLimits', { infer: true });
        return {
          storage: redis ? new ThrottlerStorageRedisService(redis) : new ThrottlerStorageService(),
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
              skipIf: (context) => authKindOf(context) !== 'public',
              getTracker: (req: Record<string, unknown>) => `ip:${String((req as unknown as Request).ip)}`,
            },
          ],
        };
      },
    }),
  ],
  providers: [RateLimiter],
  exports: [RateLimiter],
})
export class RateLimitsModule {}
