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
import { NOTIFICATION_TYPES, NotificationType } from './notification.types';
import { OutboxMessageRepository } from './outbox-message.repository';

export const OUTBOX_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/**
 * One notification to a tenant, written in the transaction of the state change it reports. `seq` orders the
 * messages of one `orderingKey`; the lease lets exactly one worker (of any instance) send a message at a time.
 */
@Entity({ repository: () => OutboxMessageRepository })
// The worker's scan: pending and due.
@Index({ properties: ['status', 'nextAttemptAt'] })
// "Is an earlier message of this key still pending?"
@Index({ properties: ['orderingKey', 'status'] })
@Index({ properties: ['tenantId', 'seq'] })
export class OutboxMessage {
  [EntityRepositoryType]?: OutboxMessageRepository;

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  seq: number & Opt;

  /** The notification's public `id`; receivers deduplicate on it. */
  @Property({ type: 'uuid' })
  @Unique()
  id: string;

  @Property({ type: 'uuid' })
  tenantId: string;

  @Enum({ items: [...NOTIFICATION_TYPES] })
  type: NotificationType;

  @Property({ type: 'json' })
  data: object;

  @Property({ length: 200 })
  orderingKey: string;

  @Property({ type: 'datetime' })
  occurredAt: Date;

  @Enum({ items: [...OUTBOX_STATUSES] })
  status: OutboxStatus;

  @Property({ type: 'integer' })
  attempts: number;

  @Property({ type: 'datetime' })
  nextAttemptAt: Date;

  @Property({ type: 'datetime', nullable: true })
  leaseUntil: Date | null;

  @Property({ length: 64, nullable: true })
  leaseOwner: string | null;

  @Property({ type: 'datetime', nullable: true })
  lastAttemptAt: Date | null;

  @Property({ type: 'integer', nullable: true })
  lastStatus: number | null;

  @Property({ length: 500, nullable: true })
  lastError: string | null;

  @Property({ type: 'datetime', nullable: true })
  deliveredAt: Date | null;

  @Property({ type: 'datetime' })
  createdAt: Date;
}
