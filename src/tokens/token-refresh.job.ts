import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../common/clock';
import { Shutdown } from '../common/lifecycle/shutdown';
import { PeriodicJob, PeriodicTask } from '../common/periodic-task';
import { AppConfig } from '../config/app-config';
import { DueRefreshService } from './due-refresh.service';

/**
 * Every TOKEN_REFRESH_INTERVAL_SECONDS, refresh the access tokens that expire within the lead window; at shutdown no
 * new refresh starts, and the ones in progress store their rotated tokens before the database closes.
 */
@Injectable()
export class TokenRefreshJob extends PeriodicJob {
  constructor(
    dueRefresh: DueRefreshService,
    clock: Clock,
    config: ConfigService<AppConfig, true>,
    scheduler: SchedulerRegistry,
    shutdown: Shutdown,
  ) {
    const intervalMs = config.get('tokens', { infer: true }).refreshIntervalSeconds * 1000;
    super(scheduler, shutdown, [
      new PeriodicTask('token-refresh', intervalMs, (stopRequested) =>
        dueRefresh.refreshDue(clock.now(), stopRequested),
      ),
    ]);
  }
}
