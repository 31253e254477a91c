import {
  BigIntType,
  Entity,
  EntityRepositoryType,
  Enum,
  Index,
  Opt,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TikTokWebhookReceiptRepository } from './tiktok-webhook-receipt.repository';

export const RECEIPT_STATUSES = ['pending', 'processed', 'ignored', 'failed'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

/**
 * One TikTok webhook event, stored before we answer 200: the receipt that makes a redelivery a no-op
 * (`dedupKey`) and the pending work a crash cannot lose (`status`, leased like the outbox).
 */
@Entity({ repository: () => TikTokWebhookReceiptRepository })
@Index({ properties: ['status', 'nextAttemptAt'] })
export class TikTokWebhookReceipt {
  [EntityRepositoryType]?: TikTokWebhookReceiptRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  /** sha256 of event, create_time, user_openid and content: what stays the same across TikTok's redeliveries. */
  @Property({ length: 64 })
  @Unique()
  dedupKey: string;

  @Property({ length: 100 })
  event: string;

  @Property({ length: 128 })
  userOpenId: string;

  @Property({ type: new BigIntType('number') })
  createTime: number;

  @Property({ type: 'text' })
  content: string;

  @Enum({ items: [...RECEIPT_STATUSES] })
  status: ReceiptStatus & Opt = 'pending';

  @Property()
  attempts: number & Opt = 0;

  @Property({ type: 'datetime' })
  nextAttemptAt: Date;

  @Property({ type: 'datetime', nullable: true })
  leaseUntil: (Date & Opt) | null = null;

  @Property({ length: 64, nullable: true })
  leaseOwner: (string & Opt) | null = null;

  @Property({ length: 500, nullable: true })
  lastError: (string & Opt) | null = null;

  @Property({ type: 'datetime' })
  receivedAt: Date;

  @Property({ type: 'datetime', nullable: true })
  processedAt: (Date & Opt) | null = null;
}
