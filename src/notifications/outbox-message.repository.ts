import { EntityData } from '@mikro-orm/core';
import { EntityRepository } from '@mikro-orm/knex';
import { OutboxMessage } from './outbox-message.entity';
import { LEASE_COLUMNS, leaseFree, leaseHeldBy, leaseReleased, leaseTaken } from '../common/lease';

export class OutboxMessageRepository extends EntityRepository<OutboxMessage> {
  /**
   * Messages that may be sent now: pending, due, not leased, and first of their key (no earlier message of the key
   * is still pending), oldest first. Filtering heads in SQL keeps a long blocked queue from hiding other keys.
   */
  async findSendable(now: Date, limit: number): Promise<OutboxMessage[]> {
    return this.createQueryBuilder('o')
      .select('*')
      .where({
        status: 'pending',
        nextAttemptAt: { $lte: now },
        ...leaseFree(LEASE_COLUMNS, now),
      })
      .andWhere(
        `not exists (select 1 from outbox_message p where p.ordering_key = o.ordering_key ` +
          `and p.status = 'pending' and p.seq < o.seq)`,
      )
      .orderBy({ seq: 'asc' })
      .limit(limit)
      .getResult();
  }

  /** Takes the message for `owner` if it is still pending and not leased; false when another sender has it. */
  async claim(seq: number, owner: string, now: Date, leaseMs: number): Promise<boolean> {
    const taken = await this.nativeUpdate(
      { seq, status: 'pending', ...leaseFree(LEASE_COLUMNS, now) },
      leaseTaken(LEASE_COLUMNS, owner, now, leaseMs),
    );
    return taken === 1;
  }

  /** Writes the outcome of `owner`'s attempt and hands the lease back, if `owner` still holds it. */
  async recordAttempt(seq: number, owner: string, outcome: EntityData<OutboxMessage>): Promise<void> {
    await this.nativeUpdate(
      { seq, ...leaseHeldBy(LEASE_COLUMNS, owner) },
      { ...outcome, ...leaseReleased(LEASE_COLUMNS) },
    );
  }

  listRecentForTenant(tenantId: string, limit: number): Promise<OutboxMessage[]> {
    return this.find({ tenantId }, { orderBy: { seq: 'desc' }, limit, disableIdentityMap: true });
  }

  countPending(): Promise<number> {
    return this.count({ status: 'pending' });
  }

  async oldestPendingCreatedAt(): Promise<Date | undefined> {
    const oldest = await this.findOne(
      { status: 'pending' },
      { fields: ['createdAt'], orderBy: { seq: 'asc' }, disableIdentityMap: true },
    );
    return oldest?.createdAt;
  }

  /** Delivered or abandoned messages older than `before`; pending ones are never removed. */
  deleteFinishedBefore(before: Date): Promise<number> {
    return this.nativeDelete({ status: { $in: ['delivered', 'failed'] }, createdAt: { $lt: before } });
  }
}
