import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Redis from 'ioredis';
import { Clock } from '../common/clock';
import { AppError } from '../common/errors/app-error';
import { AppConfig } from '../config/app-config';
import { REDIS_CLIENT } from '../redis/redis.module';

/** One failure more in the source's window; the window starts with its first failure. */
const RECORD_FAILURE = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

/** In memory, expired counts are swept once this many sources are kept, and the oldest go past it. */
const MAX_SOURCES = 100_000;

/**
 * Wrong API and admin keys per source address, in a fixed window (AUTH_FAILURES_PER_WINDOW per
 * AUTH_FAILURE_WINDOW_SECONDS). Past the limit every key-checked request from that address is refused, right keys
 * included, so a guess can no longer be told from a miss. Kept in Redis when REDIS_URL is set, like the rate limits.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly inMemory = new Map<string, { count: number; resetAt: number }>();

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
    private readonly clock: Clock,
    config: ConfigService<AppConfig, true>,
  ) {
    const limits = config.get('rateLimits', { infer: true });
    this.limit = limits.authFailuresPerWindow;
    this.windowMs = limits.authFailureWindowSeconds * 1000;
  }

  /** Throws `rate_limited` (429 with Retry-After) while `source` is past its limit. */
  async assertNotBlocked(source: string): Promise<void> {
    const { count, msLeft } = await this.read(source);
    if (count < this.limit) return;
    const retryAfterSeconds = Math.max(1, Math.ceil(msLeft / 1000));
    throw new AppError(
      'rate_limited',
      `Too many wrong keys from this address; retry in ${retryAfterSeconds} s.`,
      HttpStatus.TOO_MANY_REQUESTS,
      { retryAfterSeconds },
    );
  }

  async recordFailure(source: string): Promise<void> {
    const key = this.key(source);
    const redis = this.redis;
    if (redis) {
      await inRedis(() => redis.eval(RECORD_FAILURE, 1, key, this.windowMs));
      return;
    }
    const now = this.clock.now().getTime();
    if (this.inMemory.size >= MAX_SOURCES) this.sweep(now);
    const entry = this.inMemory.get(key);
    if (entry && entry.resetAt > now) entry.count += 1;
    else this.inMemory.set(key, { count: 1, resetAt: now + this.windowMs });
  }

  private async read(source: string): Promise<{ count: number; msLeft: number }> {
    const key = this.key(source);
    const redis = this.redis;
    if (redis) {
      const [count, msLeft] = await inRedis(() => Promise.all([redis.get(key), redis.pttl(key)]));
      return { count: Number(count ?? 0), msLeft };
    }
    const now = this.clock.now().getTime();
    const entry = this.inMemory.get(key);
    return entry && entry.resetAt > now ? { count: entry.count, msLeft: entry.resetAt - now } : { count: 0, msLeft: 0 };
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.inMemory) if (entry.resetAt <= now) this.inMemory.delete(key);
    // Insertion order: the first keys are the oldest windows.
    for (const key of this.inMemory.keys()) {
      if (this.inMemory.size < MAX_SOURCES) break;
      this.inMemory.delete(key);
    }
  }

  private key(source: string): string {
    return `auth-failures:${source}`;
  }
}

async function inRedis<T>(command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch {
    throw new AppError(
      'service_unavailable',
      'The rate-limit store (Redis) is unavailable; retry shortly.',
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }
}
