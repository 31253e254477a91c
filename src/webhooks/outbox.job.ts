import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../common/clock';
import { OutboxDeliveryService } from './outbox-delivery.service';
import { OutboxMessage } from './outbox-message.entity';
import { OutboxMessageRepository } from './outbox-message.repository';
import { EntityManager } from '@mikro-orm/core';

const JOB = 'outbox-delivery';
const PRUNE_JOB = 'outbox-prune';
/** Notifications go out within about a second of their commit. */
const INTERVAL_MS = 1_000;
const PRUNE_INTERVAL_MS = 3_600_000;
/** What the admin deliveries list can still show. */
const KEEP_FINISHED_MS = 7 * 24 * 3_600_000;

/** Sends due notifications every second; once an hour, forgets finished ones older than a week. */
@Injectable()
export class OutboxJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxJob.name);
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly delivery: OutboxDeliveryService,
    private readonly em: EntityManager,
    private readonly scheduler: SchedulerRegistry,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.addInterval(
      JOB,
      setInterval(() => this.tick(), INTERVAL_MS),
    );
    this.scheduler.addInterval(
      PRUNE_JOB,
      setInterval(() => void this.prune(), PRUNE_INTERVAL_MS),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    for (const name of [JOB, PRUNE_JOB]) {
      if (this.scheduler.doesExist('interval', name)) this.scheduler.deleteInterval(name);
    }
    await this.running;
  }

  /** One pass at a time per instance; other instances are kept apart by the per-message lease. */
  tick(): void {
    if (this.running) return;
    this.running = this.delivery
      .deliverDue(this.clock.now())
      .catch((error: unknown) => this.logger.error({ err: error }, 'Outbox delivery pass failed'))
      .finally(() => (this.running = undefined));
  }

  private async prune(): Promise<void> {
    const repository = this.em.fork().getRepository(OutboxMessage) as OutboxMessageRepository;
    await repository
      .deleteFinishedBefore(new Date(this.clock.now().getTime() - KEEP_FINISHED_MS))
      .catch((error: unknown) => this.logger.error({ err: error }, 'Outbox prune failed'));
  }
}
