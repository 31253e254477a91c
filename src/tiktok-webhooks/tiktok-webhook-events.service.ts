import { CreateRequestContext } from '@mikro-orm/core';
import { InjectRepository } from '@mikro-orm/nestjs';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { ConnectionEvents } from '../tokens/connection-events';
import { UploadStateService } from '../uploads/upload-state.service';
import { retryDelayMs } from '../notifications/delivery-backoff';
import { readTikTokWebhookAction, tiktokEventLabel } from './tiktok-webhook-event';
import { ReceiptStatus, TikTokWebhookReceipt } from './tiktok-webhook-receipt.entity';
import { TikTokWebhookReceiptRepository } from './tiktok-webhook-receipt.repository';
import { tiktokWebhooksProcessedTotal } from './tiktok-webhooks.metrics';

/** Longer than handling one event can take, so a live lease is never taken over. */
const LEASE_MS = 60_000;
/** A handler that keeps throwing (our bug or our database) is retried this often, then left as failed. */
const MAX_ATTEMPTS = 10;
const BATCH_SIZE = 100;

export type ProcessResult = 'applied' | 'ignored' | 'invalid' | 'retry' | 'failed';

const FINISHED_AS: Record<ProcessResult, { status: ReceiptStatus; lastError: string | null }> = {
  applied: { status: 'processed', lastError: null },
  ignored: { status: 'ignored', lastError: null },
  invalid: { status: 'failed', lastError: 'invalid content' },
  retry: { status: 'pending', lastError: 'handler error' },
  failed: { status: 'failed', lastError: 'handler error' },
};

/**
 * Applies stored TikTok events: right after the 200 (`processSoon`), and on a schedule for whatever a crash or an
 * error left pending (`processDue`). Each receipt is leased, so one worker handles it at a time; the handlers are
 * idempotent (compare-and-swap state changes), so a crash after the change and before the mark does no harm.
 */
@Injectable()
export class TikTokWebhookEventsService implements OnApplicationShutdown {
  private readonly logger = new Logger(TikTokWebhookEventsService.name);
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectRepository(TikTokWebhookReceipt) private readonly receipts: TikTokWebhookReceiptRepository,
    private readonly uploads: UploadStateService,
    private readonly connections: ConnectionEvents,
    private readonly clock: Clock,
  ) {}

  /**
   * One event at a time, in arrival order: TikTok sends `complete` and `publicly_available` for one publish within
   * milliseconds, and applying them side by side would make one lose the upload's compare-and-swap.
   */
  processSoon(id: string): void {
    const work = this.queue
      .then(() => this.process(id, this.clock.now()))
      .catch((error: unknown) => this.logger.error({ err: error, receiptId: id }, 'TikTok webhook processing failed'));
    this.queue = work;
  }

  /** Whatever is pending and due, through the same one-at-a-time queue. */
  processDue(now: Date): Promise<number> {
    const run = this.queue.then(() => this.processDueNow(now));
    this.queue = run.catch(() => undefined);
    return run;
  }

  @CreateRequestContext<TikTokWebhookEventsService>((service) => service.receipts)
  private async processDueNow(now: Date): Promise<number> {
    const ids = await this.receipts.findDueIds(now, BATCH_SIZE);
    for (const id of ids) await this.process(id, now);
    return ids.length;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue;
  }

  /**
   * Returns undefined when another worker holds the receipt or it is already done. Each receipt in a context of its
   * own: it runs after the webhook's request has ended, or in the recovery pass.
   */
  @CreateRequestContext<TikTokWebhookEventsService>((service) => service.receipts)
  async process(id: string, now: Date): Promise<ProcessResult | undefined> {
    const owner = randomUUID();
    const receipt = await this.receipts.claim(id, owner, now, LEASE_MS);
    if (!receipt) return undefined;
    let result: ProcessResult;
    try {
      result = await this.apply(receipt);
    } catch (error) {
      result = receipt.attempts + 1 >= MAX_ATTEMPTS ? 'failed' : 'retry';
      this.logger.error({ err: error, receiptId: id, event: receipt.event }, 'TikTok webhook handler threw');
    }
    await this.finish(receipt, owner, result, now);
    tiktokWebhooksProcessedTotal.inc({ event: tiktokEventLabel(receipt.event), outcome: result });
    return result;
  }

  private async apply(receipt: TikTokWebhookReceipt): Promise<ProcessResult> {
    const action = readTikTokWebhookAction(receipt.event, receipt.content);
    switch (action.kind) {
      case 'publish':
        await this.uploads.applyTikTokPublishEvent(action.publishId, action.event);
        return 'applied';
      case 'authorization_removed':
        await this.connections.markAuthorizationRemoved(receipt.userOpenId, action.reason, receipt.createTime);
        return 'applied';
      case 'ignored':
        this.logger.log({ receiptId: receipt.id, event: receipt.event }, 'Ignoring a TikTok event we do not handle');
        return 'ignored';
      case 'invalid':
        this.logger.warn(
          { receiptId: receipt.id, event: receipt.event, problem: action.problem },
          'Unusable TikTok event',
        );
        return 'invalid';
    }
  }

  private async finish(receipt: TikTokWebhookReceipt, owner: string, result: ProcessResult, now: Date): Promise<void> {
    const { status, lastError } = FINISHED_AS[result];
    const attempts = receipt.attempts + 1;
    await this.receipts.recordOutcome(receipt.id, owner, {
      status,
      attempts,
      lastError,
      nextAttemptAt: result === 'retry' ? new Date(now.getTime() + retryDelayMs(attempts)) : receipt.nextAttemptAt,
      processedAt: status === 'pending' ? null : now,
    });
  }
}
