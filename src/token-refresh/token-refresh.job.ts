import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../common/clock';
import { PeriodicJob, PeriodicTask } from '../common/periodic-task';
import { AppConfig } from '../config/app-config';
import { DueRefreshService } from '../tokens/due-refresh.service';

/**
 * Every TOKEN_REFRESH_INTERVAL_SECONDS, refresh the access tokens that expire within the lead window; stopped before
 * the database closes, so a refresh in progress stores its rotated tokens.
 */
@Injectable()
export class TokenRefreshJob extends PeriodicJob {
  constructor(
    dueRefresh: DueRefreshService,
    clock: Clock,
    config: ConfigService<AppConfig, true>,
    scheduler: SchedulerRegistry,
  ) {
    const intervalMs = config.get('tokens', { infer: true }).refreshIntervalSeconds * 1000;
    super(scheduler, [new PeriodicTask('token-refresh', intervalMs, () => dueRefresh.refreshDue(clock.now()))]);
  }
}
