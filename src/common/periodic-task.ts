import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

/**
 * Runs `work` every `intervalMs` (registered with @nestjs/schedule's registry), never two passes at once in one
 * instance; instances are kept apart by the leases the work itself takes. `stop` waits for the pass in progress.
 */
export class PeriodicTask {
  private readonly logger: Logger;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<unknown>,
  ) {
    this.logger = new Logger(name);
  }

  start(scheduler: SchedulerRegistry): void {
    scheduler.addInterval(
      this.name,
      setInterval(() => this.tick(), this.intervalMs),
    );
  }

  async stop(scheduler: SchedulerRegistry): Promise<void> {
    if (scheduler.doesExist('interval', this.name)) scheduler.deleteInterval(this.name);
    await this.running;
  }

  tick(): void {
    if (this.running) return;
    this.running = this.work()
      .catch((error: unknown) => this.logger.error({ err: error }, `${this.name} pass failed`))
      .finally(() => (this.running = undefined));
  }
}

/** A job's periodic tasks: started with the app, stopped before the database closes (a pass in progress finishes). */
export abstract class PeriodicJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected constructor(
    private readonly scheduler: SchedulerRegistry,
    private readonly tasks: PeriodicTask[],
  ) {}

  onApplicationBootstrap(): void {
    this.tasks.forEach((task) => task.start(this.scheduler));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.tasks.map((task) => task.stop(this.scheduler)));
  }
}
