import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Shutdown } from './lifecycle/shutdown';

/** Asked between items by a pass that handles many: true once the task is stopping (finish the item, take no more). */
export type StopRequested = () => boolean;

/**
 * Runs `work` every `intervalMs` (registered with @nestjs/schedule's registry), never two passes at once in one
 * instance; instances are kept apart by the leases the work itself takes. `halt` ends the schedule and asks the pass
 * in progress to stop between items; `stop` also waits for it.
 */
export class PeriodicTask {
  private readonly logger: Logger;
  private running: Promise<unknown> | undefined;
  private halted = false;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: (stopRequested: StopRequested) => Promise<unknown>,
  ) {
    this.logger = new Logger(name);
  }

  start(scheduler: SchedulerRegistry): void {
    scheduler.addInterval(
      this.name,
      setInterval(() => this.tick(), this.intervalMs),
    );
  }

  halt(scheduler: SchedulerRegistry): void {
    this.halted = true;
    if (scheduler.doesExist('interval', this.name)) scheduler.deleteInterval(this.name);
  }

  async stop(scheduler: SchedulerRegistry): Promise<void> {
    this.halt(scheduler);
    await this.running;
  }

  tick(): void {
    if (this.running || this.halted) return;
    this.running = this.work(() => this.halted)
      .catch((error: unknown) => this.logger.error({ err: error }, `${this.name} pass failed`))
      .finally(() => (this.running = undefined));
  }
}

/**
 * A job's periodic tasks: started with the app; from the first moment of shutdown they take no new items, and the
 * passes in progress finish (within the grace period) before the database closes. Each item's lease is released as
 * the item ends, so another instance takes the rest at once.
 */
export abstract class PeriodicJob implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  protected constructor(
    private readonly scheduler: SchedulerRegistry,
    private readonly shutdown: Shutdown,
    private readonly tasks: PeriodicTask[],
  ) {}

  onApplicationBootstrap(): void {
    this.tasks.forEach((task) => task.start(this.scheduler));
  }

  onModuleDestroy(): void {
    this.tasks.forEach((task) => task.halt(this.scheduler));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.shutdown.withinGrace(Promise.all(this.tasks.map((task) => task.stop(this.scheduler))));
  }
}
