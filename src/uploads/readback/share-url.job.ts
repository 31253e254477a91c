import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../../common/clock';
import { Shutdown } from '../../common/lifecycle/shutdown';
import { PeriodicJob, PeriodicTask } from '../../common/periodic-task';
import { ShareUrlClaimsService } from './share-url-claims.service';

const INTERVAL_MS = 1_000;

/** Every second, tries to find the posts of published uploads whose read-back is due (docs/design.md). */
@Injectable()
export class ShareUrlJob extends PeriodicJob {
  constructor(claims: ShareUrlClaimsService, clock: Clock, scheduler: SchedulerRegistry, shutdown: Shutdown) {
    super(scheduler, shutdown, [
      new PeriodicTask('share-url-read-back', INTERVAL_MS, (stopRequested) =>
        claims.runDue(clock.now(), stopRequested),
      ),
    ]);
  }
}
