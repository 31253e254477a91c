import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/** Closes the shared Redis connection with the app. */
@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}

/** One Redis connection when REDIS_URL is set (shared rate limits, readiness); `null` on the embedded defaults. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>): Redis | null => {
        const url = config.get('redis', { infer: true }).url;
        if (!url) return null;
        // Loaded only with REDIS_URL: without it the client library would be memory spent for nothing.
        /* eslint-disable @typescript-eslint/no-require-imports */
        const { default: RedisClient } = require('ioredis') as typeof import('ioredis');
        /* eslint-enable @typescript-eslint/no-require-imports */
        // Fail fast per command while Redis is down instead of queueing requests behind a dead connection.
        return new RedisClient(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
      },
    },
    RedisCloser,
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule {}
