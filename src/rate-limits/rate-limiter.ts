import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, ThrottlerStorage } from '@nestjs/throttler';
import { AppError } from '../common/errors/app-error';

/** Counts against a named limit in the same storage as the guards (Redis when configured). */
@Injectable()
export class RateLimiter {
  constructor(@InjectThrottlerStorage() private readonly storage: ThrottlerStorage) {}

  /** Throws `rate_limited` (429, with `retryAfterSeconds` in details) when `key` is over `limit` per minute. */
  async consume(name: string, key: string, limit: number): Promise<void> {
    const ttl = 60_000;
    const result = await this.storage.increment(`${name}:${key}`, ttl, limit, ttl, name);
    if (result.isBlocked) {
      const retryAfterSeconds = Math.max(1, result.timeToBlockExpire);
      throw new AppError(
        'rate_limited',
        `Too many requests; retry in ${retryAfterSeconds} s.`,
        HttpStatus.TOO_MANY_REQUESTS,
        {
          retryAfterSeconds,
        },
      );
    }
  }
}
