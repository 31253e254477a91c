import { Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { DueRefreshService } from '../tokens/due-refresh.service';

const JOB = 'token-refresh';

/** Every TOKEN_REFRESH_INTERVAL_SECONDS, refresh the access tokens that expire within the lead window. */
@Injectable()
export class TokenRefreshJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TokenRefreshJob.name);
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly dueRefresh: DueRefreshService,
    private readonly scheduler: SchedulerRegistry,
    private readonly clock: Clock,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  onApplicationBootstrap(): void {
    const intervalMs = this.config.get('tokens', { infer: true }).refreshIntervalSeconds * 1000;
    this.scheduler.addInterval(
      JOB,
      setInterval(() => this.tick(), intervalMs),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', JOB)) this.scheduler.deleteInterval(JOB);
    await this.running;
  }

  /** One scan at a time per instance; other instances are kept apart by the per-connection lease. */
  tick(): void {
    if (this.running) return;
    this.running = this.dueRefresh
      .refreshDue(this.clock.now())
      .catch((error: unknown) => this.logger.error({ err: error }, 'Token refresh scan failed'))
      .finally(() => (this.running = undefined));
  }
}
