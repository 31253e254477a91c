import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { Tenant } from '../tenants/tenant.entity';
import { OutboxEvent } from './notification.types';
import { OutboxMessage } from './outbox-message.entity';

/**
 * The write side of tenant notifications. `enqueue` runs inside the caller's transaction with the caller's
 * EntityManager, so a notification exists exactly when the state change it reports was committed.
 */
@Injectable()
export class OutboxService {
  constructor(private readonly clock: Clock) {}

  /**
   * Inserts at once (not at the caller's next flush), so the row is part of whatever transaction `em` is in.
   * Returns the notification id, or undefined when the tenant has no webhookUrl (nothing to deliver).
   */
  async enqueue(em: EntityManager, event: OutboxEvent): Promise<string | undefined> {
    // count() leaves the caller's identity map alone (a partial Tenant there would surprise it).
    const hasReceiver = await em.count(Tenant, { id: event.tenantId, webhookUrl: { $ne: null } });
    if (hasReceiver === 0) return undefined;
    const now = this.clock.now();
    const id = randomUUID();
    await em.insert(OutboxMessage, {
      id,
      tenantId: event.tenantId,
      type: event.type,
      data: event.data,
      orderingKey: event.orderingKey ?? id,
      occurredAt: now,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      leaseUntil: null,
      leaseOwner: null,
      lastAttemptAt: null,
      lastStatus: null,
      lastError: null,
      deliveredAt: null,
      createdAt: now,
    });
    return id;
  }
}
