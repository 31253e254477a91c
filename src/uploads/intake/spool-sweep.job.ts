import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../../common/clock';
import { Shutdown } from '../../common/lifecycle/shutdown';
import { PeriodicJob, PeriodicTask } from '../../common/periodic-task';
import { SpoolSweeper } from './spool-sweeper';

const INTERVAL_MS = 15 * 60_000;

/** Sweeps the spool at start (what the last run left) and every quarter of an hour. */
@Injectable()
export class SpoolSweepJob extends PeriodicJob {
  private readonly task: PeriodicTask;

  constructor(sweeper: SpoolSweeper, clock: Clock, scheduler: SchedulerRegistry, shutdown: Shutdown) {
    const task = new PeriodicTask('upload-spool-sweep', INTERVAL_MS, () => sweeper.sweep(clock.now()));
    super(scheduler, shutdown, [task]);
    this.task = task;
  }

  override onApplicationBootstrap(): void {
    super.onApplicationBootstrap();
    this.task.tick();
  }
}
