import { InjectRepository } from '@mikro-orm/nestjs';
import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../common/clock';
import { Shutdown } from '../common/lifecycle/shutdown';
import { PeriodicJob, PeriodicTask } from '../common/periodic-task';
import { OutboxDeliveryService } from './outbox-delivery.service';
import { OutboxMessageRepository } from './outbox-message.repository';
import { OutboxMessage } from './outbox-message.entity';

/** Notifications go out within about a second of their commit. */
const INTERVAL_MS = 1_000;
const PRUNE_INTERVAL_MS = 3_600_000;
/** What the admin deliveries list can still show. */
const KEEP_FINISHED_MS = 7 * 24 * 3_600_000;

/** Sends due notifications every second; once an hour, forgets finished ones older than a week. */
@Injectable()
export class OutboxJob extends PeriodicJob {
  constructor(
    delivery: OutboxDeliveryService,
    @InjectRepository(OutboxMessage) messages: OutboxMessageRepository,
    clock: Clock,
    scheduler: SchedulerRegistry,
    shutdown: Shutdown,
  ) {
    // A native DELETE: it needs no context of its own.
    const prune = () => messages.deleteFinishedBefore(new Date(clock.now().getTime() - KEEP_FINISHED_MS));
    super(scheduler, shutdown, [
      new PeriodicTask('outbox-delivery', INTERVAL_MS, (stopRequested) =>
        delivery.deliverDue(clock.now(), stopRequested),
      ),
      new PeriodicTask('outbox-prune', PRUNE_INTERVAL_MS, prune),
    ]);
  }
}
