import { EntityManager } from '@mikro-orm/core';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../common/clock';
import { TikTokWebhookReceipt } from './tiktok-webhook-receipt.entity';
import { TikTokWebhookReceiptRepository } from './tiktok-webhook-receipt.repository';
import { TikTokWebhookProcessor } from './tiktok-webhook.processor';

const JOB = 'tiktok-webhook-recovery';
const PRUNE_JOB = 'tiktok-webhook-prune';
const INTERVAL_MS = 5_000;
const PRUNE_INTERVAL_MS = 3_600_000;
/** tiktok-api.md §10.1: TikTok redelivers for 72 hours; receipts are kept past that so a late copy stays a duplicate. */
const KEEP_RECEIPTS_MS = 7 * 24 * 3_600_000;

/** Picks up events a crash or a failing handler left pending; prunes old receipts. */
@Injectable()
export class TikTokWebhooksJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TikTokWebhooksJob.name);
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly processor: TikTokWebhookProcessor,
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

  tick(): void {
    if (this.running) return;
    this.running = this.processor
      .processDue(this.clock.now())
      .catch((error: unknown) => this.logger.error({ err: error }, 'TikTok webhook recovery pass failed'))
      .finally(() => (this.running = undefined));
  }

  private async prune(): Promise<void> {
    const repository = this.em.fork().getRepository(TikTokWebhookReceipt) as TikTokWebhookReceiptRepository;
    await repository
      .deleteFinishedBefore(new Date(this.clock.now().getTime() - KEEP_RECEIPTS_MS))
      .catch((error: unknown) => this.logger.error({ err: error }, 'TikTok webhook receipt prune failed'));
  }
}
