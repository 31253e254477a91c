import { HttpStatus, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  HealthIndicatorService,
  MikroOrmHealthIndicator,
} from '@nestjs/terminus';
import Redis from 'ioredis';
import { AppError } from '../common/errors/app-error';
import { Shutdown } from '../common/lifecycle/shutdown';
import { MalwareScanner } from '../malware-scan/malware-scanner';
import { REDIS_CLIENT } from '../redis/redis.module';
import { MediaStorage } from '../storage/media-storage';

@Injectable()
export class HealthService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: MikroOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
    private readonly scanner: MalwareScanner,
    private readonly shutdown: Shutdown,
    private readonly storage: MediaStorage,
  ) {}

  /** Ready means not shutting down, and every backing service answers: the database, and Redis, the malware scanner and the media bucket when configured. */
  async checkReadiness(): Promise<HealthCheckResult> {
    // From the first moment of shutdown, so the balancer stops sending requests before the instance goes away.
    if (this.shutdown.draining) {
      throw new AppError(
        'service_unavailable',
        'Not ready: this instance is shutting down.',
        HttpStatus.SERVICE_UNAVAILABLE,
        {
          shuttingDown: true,
        },
      );
    }
    const checks: HealthIndicatorFunction[] = [() => this.database.pingCheck('database', { timeout: 2000 })];
    if (this.redis) checks.push(() => this.pingRedis(this.redis as Redis));
    // Uploads fail closed without the scanner, so an instance that cannot reach it is not ready.
    if (this.scanner.kind !== 'off') checks.push(() => this.pingMalwareScanner());
    // Received videos live in the bucket: without it an instance can neither take nor send one.
    if (this.storage.kind === 's3') checks.push(() => this.pingMediaStorage());
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const down = Object.keys(result.error ?? {}).join(', ');
      throw new AppError('service_unavailable', `Not ready: ${down} unavailable.`, HttpStatus.SERVICE_UNAVAILABLE, {
        checks: result.details,
      });
    }
  }

  private async pingRedis(redis: Redis) {
    const indicator = this.indicators.check('redis');
    try {
      await redis.ping();
      return indicator.up();
    } catch {
      return indicator.down({ message: 'Redis did not answer PING' });
    }
  }

  private async pingMediaStorage() {
    const indicator = this.indicators.check('media_storage');
    try {
      await this.storage.ping();
      return indicator.up({ storage: this.storage.kind });
    } catch {
      return indicator.down({ storage: this.storage.kind, message: 'The media bucket did not answer' });
    }
  }

  private async pingMalwareScanner() {
    const indicator = this.indicators.check('malware_scanner');
    try {
      await this.scanner.ping();
      return indicator.up({ scanner: this.scanner.kind });
    } catch {
      return indicator.down({ scanner: this.scanner.kind, message: 'The malware scanner did not answer PING' });
    }
  }
}
