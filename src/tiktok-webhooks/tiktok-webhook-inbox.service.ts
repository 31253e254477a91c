import { InjectRepository } from '@mikro-orm/nestjs';
import { HttpStatus, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash } from 'node:crypto';
import { Clock } from '../common/clock';
import { verifySignature } from '../common/crypto/signature';
import { AppError, ValidationFailedError } from '../common/errors/app-error';
import { AppConfig } from '../config/app-config';
import { parseTikTokWebhookEnvelope, tiktokEventLabel, TikTokWebhookEnvelope } from './tiktok-webhook-event';
import { TikTokWebhookReceiptRepository } from './tiktok-webhook-receipt.repository';
import { TikTokWebhookReceipt } from './tiktok-webhook-receipt.entity';
import { TikTokWebhookEventsService } from './tiktok-webhook-events.service';
import { tiktokWebhooksReceivedTotal } from './tiktok-webhooks.metrics';

export interface WebhookReceivedResponse {
  received: true;
  duplicate: boolean;
}

/**
 * The front door of TikTok's webhooks: checks the signature over the exact bytes, the age and the client, stores
 * the event once, and hands it to the processor after answering (docs/tiktok.md §10.1: answer 200 at once).
 */
@Injectable()
export class TikTokWebhookInbox {
  private readonly tiktok: AppConfig['tiktok'];

  constructor(
    @InjectRepository(TikTokWebhookReceipt) private readonly receipts: TikTokWebhookReceiptRepository,
    private readonly processor: TikTokWebhookEventsService,
    private readonly clock: Clock,
    config: ConfigService<AppConfig, true>,
  ) {
    this.tiktok = config.get('tiktok', { infer: true });
  }

  async accept(rawBody: Buffer | undefined, signature: string | undefined): Promise<WebhookReceivedResponse> {
    if (!rawBody || rawBody.length === 0) throw this.refuse('unverified', 'malformed', 'Expected a JSON body.');
    const now = this.clock.now();
    // docs/tiktok.md §10.4: HMAC-SHA256 with the client secret over `t.body`, constant time, then the age of `t`.
    const check = verifySignature(
      signature,
      this.tiktok.clientSecret,
      rawBody,
      Math.floor(now.getTime() / 1000),
      this.tiktok.webhookToleranceSeconds,
    );
    if (!check.ok) {
      tiktokWebhooksReceivedTotal.inc({ event: 'unverified', outcome: check.reason });
      throw new AppError('unauthorized', 'TikTok-Signature is missing, invalid or stale.', HttpStatus.UNAUTHORIZED, {
        reason: check.reason,
      });
    }
    const envelope = parseTikTokWebhookEnvelope(rawBody);
    if (!envelope) throw this.refuse('unverified', 'malformed', 'Not a TikTok webhook envelope.');
    const event = tiktokEventLabel(envelope.event);
    if (envelope.clientKey !== this.tiktok.clientKey) {
      throw this.refuse(event, 'foreign_client', 'The webhook is for another TikTok client.');
    }
    const id = await this.receipts.insertUnlessSeen({
      dedupKey: dedupKeyOf(envelope),
      event: envelope.event,
      userOpenId: envelope.userOpenId,
      createTime: envelope.createTime,
      content: envelope.content,
      nextAttemptAt: now,
      receivedAt: now,
    });
    tiktokWebhooksReceivedTotal.inc({ event, outcome: id ? 'accepted' : 'duplicate' });
    if (id) this.processor.processSoon(id);
    return { received: true, duplicate: !id };
  }

  private refuse(event: string, outcome: string, message: string): AppError {
    tiktokWebhooksReceivedTotal.inc({ event, outcome });
    return new ValidationFailedError(message, { reason: outcome });
  }
}

/** docs/tiktok.md §10.1: redeliveries repeat these fields (the signature's `t` may differ, so not the header). */
function dedupKeyOf(envelope: TikTokWebhookEnvelope): string {
  return createHash('sha256')
    .update(JSON.stringify([envelope.event, envelope.createTime, envelope.userOpenId, envelope.content]))
    .digest('hex');
}
