import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../common/clock';
import { PeriodicTask } from '../common/periodic-task';
import { AppConfig } from '../config/app-config';
import { DueRefreshService } from '../tokens/due-refresh.service';

/** Every TOKEN_REFRESH_INTERVAL_SECONDS, refresh the access tokens that expire within the lead window. */
@Injectable()
export class TokenRefreshJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(
    dueRefresh: DueRefreshService,
    clock: Clock,
    config: ConfigService<AppConfig, true>,
    private readonly scheduler: SchedulerRegistry,
  ) {
    const intervalMs = config.get('tokens', { infer: true }).refreshIntervalSeconds * 1000;
    this.task = new PeriodicTask('token-refresh', intervalMs, () => dueRefresh.refreshDue(clock.now()));
  }

  onApplicationBootstrap(): void {
    this.task.start(this.scheduler);
  }

  /** Before the database closes, so a refresh in progress stores its rotated tokens. */
  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop(this.scheduler);
  }
}
