import { EntityRepository } from '@mikro-orm/knex';
import { OutboxMessage } from './outbox-message.entity';
import { leaseFree } from '../common/lease';

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
        ...leaseFree(now),
      })
      .andWhere(
        `not exists (select 1 from outbox_message p where p.ordering_key = o.ordering_key ` +
          `and p.status = 'pending' and p.seq < o.seq)`,
      )
      .orderBy({ seq: 'asc' })
      .limit(limit)
      .getResult();
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
