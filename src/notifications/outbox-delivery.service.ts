import { CreateRequestContext } from '@mikro-orm/core';
import { InjectRepository } from '@mikro-orm/nestjs';
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { signPayload } from '../common/crypto/signature';
import { TenantsService } from '../tenants/tenants.service';
import { nextAttemptAt } from './delivery-backoff';
import { NotificationSender, SendOutcome } from './notification-sender';
import { OutboxMessage } from './outbox-message.entity';
import { OutboxMessageRepository } from './outbox-message.repository';
import { notificationsTotal, outboxBacklog, outboxOldestPendingAgeSeconds } from './notifications.metrics';
import { runPool } from '../common/run-pool';

const BATCH_SIZE = 100;
const CONCURRENCY = 8;
/** Longer than a send can take (SEND_TIMEOUT_MS plus the bookkeeping), so a live lease is never taken over. */
const LEASE_MS = 60_000;

export type DeliveryResult = 'delivered' | 'retry' | 'failed';
export type DeliverySummary = Record<DeliveryResult, number>;

/**
 * The read side of the outbox: sends due notifications at least once, one at a time per ordering key, each claimed
 * with a lease (a conditional UPDATE) so several instances never send the same message at once.
 */
@Injectable()
export class OutboxDeliveryService {
  private readonly logger = new Logger(OutboxDeliveryService.name);

  constructor(
    @InjectRepository(OutboxMessage) private readonly messages: OutboxMessageRepository,
    private readonly tenants: TenantsService,
    private readonly sender: NotificationSender,
    private readonly clock: Clock,
  ) {}

  /** `stopRequested` (shutdown) ends the pass between messages; each send releases its own lease. */
  @CreateRequestContext<OutboxDeliveryService>((service) => service.messages)
  async deliverDue(now: Date, stopRequested: () => boolean = () => false): Promise<DeliverySummary> {
    const summary: DeliverySummary = { delivered: 0, retry: 0, failed: 0 };
    const tried = new Set<number>();
    while (!stopRequested()) {
      // A delivered head makes the next message of its key sendable, so scan again until nothing new is left.
      const sendable = (await this.messages.findSendable(now, BATCH_SIZE + tried.size)).filter(
        (message) => !tried.has(message.seq),
      );
      if (sendable.length === 0) break;
      sendable.forEach((message) => tried.add(message.seq));
      await runPool(sendable, CONCURRENCY, stopRequested, async (message) => {
        const result = await this.deliverOne(message, now);
        if (result) summary[result] += 1;
      });
    }
    await this.updateGauges(now);
    return summary;
  }

  private async deliverOne(message: OutboxMessage, now: Date): Promise<DeliveryResult | undefined> {
    const owner = randomUUID();
    if (!(await this.messages.claim(message.seq, owner, now, LEASE_MS))) return undefined;
    const outcome = await this.send(message).catch((error: unknown): SendOutcome => {
      this.logger.error({ err: error, notificationId: message.id }, 'Could not prepare a notification');
      return { delivered: false, error: 'internal_error' };
    });
    return this.record(message, owner, outcome, now);
  }

  private async send(message: OutboxMessage): Promise<SendOutcome> {
    const target = await this.tenants.webhookTarget(message.tenantId);
    if (!target) return { delivered: false, error: 'no_webhook_url' };
    const body = JSON.stringify({
      id: message.id,
      type: message.type,
      occurredAt: message.occurredAt.toISOString(),
      data: message.data,
    });
    // Signed at the moment of sending, so the receiver's freshness check measures our send, not our backlog.
    const signature = signPayload(target.secret, body, Math.floor(this.clock.now().getTime() / 1000));
    return this.sender.post(target.url, body, signature);
  }

  private async record(
    message: OutboxMessage,
    owner: string,
    outcome: SendOutcome,
    now: Date,
  ): Promise<DeliveryResult> {
    const attempts = message.attempts + 1;
    const common = {
      attempts,
      lastAttemptAt: now,
      lastStatus: outcome.status ?? null,
    };
    if (outcome.delivered) {
      await this.messages.recordAttempt(message.seq, owner, {
        ...common,
        status: 'delivered',
        deliveredAt: now,
        lastError: null,
      });
      notificationsTotal.inc({ type: message.type, outcome: 'delivered' });
      return 'delivered';
    }
    const lastError = outcome.error.slice(0, 500);
    const retryAt = nextAttemptAt(message.createdAt, now, attempts);
    await this.messages.recordAttempt(message.seq, owner, {
      ...common,
      lastError,
      ...(retryAt ? { nextAttemptAt: retryAt } : { status: 'failed' as const }),
    });
    const result = retryAt ? 'retry' : 'failed';
    notificationsTotal.inc({ type: message.type, outcome: result });
    // No URL in the log: tenants may put credentials in query strings.
    const context = { notificationId: message.id, tenantId: message.tenantId, type: message.type, attempts, lastError };
    if (retryAt) this.logger.warn(context, 'Notification delivery failed; will retry');
    else this.logger.error(context, 'Gave up delivering a notification after 24 hours');
    return result;
  }

  private async updateGauges(now: Date): Promise<void> {
    outboxBacklog.set(await this.messages.countPending());
    const oldest = await this.messages.oldestPendingCreatedAt();
    outboxOldestPendingAgeSeconds.set(oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0);
  }
}
