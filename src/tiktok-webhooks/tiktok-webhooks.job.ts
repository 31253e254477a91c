import { InjectRepository } from '@mikro-orm/nestjs';
import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../common/clock';
import { Shutdown } from '../common/lifecycle/shutdown';
import { PeriodicJob, PeriodicTask } from '../common/periodic-task';
import { TikTokWebhookReceiptRepository } from './tiktok-webhook-receipt.repository';
import { TikTokWebhookReceipt } from './tiktok-webhook-receipt.entity';
import { TikTokWebhookEventsService } from './tiktok-webhook-events.service';

const INTERVAL_MS = 5_000;
const PRUNE_INTERVAL_MS = 3_600_000;
/** docs/tiktok.md §10.1: TikTok redelivers for 72 hours; receipts are kept past that so a late copy stays a duplicate. */
const KEEP_RECEIPTS_MS = 7 * 24 * 3_600_000;

/** Picks up events a crash or a failing handler left pending; prunes old receipts. */
@Injectable()
export class TikTokWebhooksJob extends PeriodicJob {
  constructor(
    processor: TikTokWebhookEventsService,
    @InjectRepository(TikTokWebhookReceipt) receipts: TikTokWebhookReceiptRepository,
    clock: Clock,
    scheduler: SchedulerRegistry,
    shutdown: Shutdown,
  ) {
    // A native DELETE: it needs no context of its own.
    const prune = () => receipts.deleteFinishedBefore(new Date(clock.now().getTime() - KEEP_RECEIPTS_MS));
    super(scheduler, shutdown, [
      new PeriodicTask('tiktok-webhook-recovery', INTERVAL_MS, () => processor.processDue(clock.now())),
      new PeriodicTask('tiktok-webhook-prune', PRUNE_INTERVAL_MS, prune),
    ]);
  }
}
