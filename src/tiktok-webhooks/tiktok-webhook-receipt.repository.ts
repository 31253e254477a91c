import { EntityData } from '@mikro-orm/core';
import { EntityRepository } from '@mikro-orm/knex';
import { TikTokWebhookReceipt } from './tiktok-webhook-receipt.entity';
import { LEASE_COLUMNS, leaseFree, leaseHeldBy, leaseReleased, leaseTaken } from '../common/lease';

export type NewReceipt = Pick<
  TikTokWebhookReceipt,
  'dedupKey' | 'event' | 'userOpenId' | 'createTime' | 'content' | 'nextAttemptAt' | 'receivedAt'
>;

export class TikTokWebhookReceiptRepository extends EntityRepository<TikTokWebhookReceipt> {
  /** Stores the receipt unless one with the same key exists; returns its id, or undefined for a duplicate. */
  async insertUnlessSeen(receipt: NewReceipt): Promise<string | undefined> {
    const row = this.create(receipt, { persist: false });
    const result = await this.createQueryBuilder()
      .insert({ ...receipt, id: row.id, status: row.status, attempts: row.attempts })
      .onConflict('dedupKey')
      .ignore()
      .execute('run');
    return result.affectedRows === 1 ? row.id : undefined;
  }

  /** Pending receipts due at `now` and not leased, in TikTok's event order. */
  async findDueIds(now: Date, limit: number): Promise<string[]> {
    const rows = await this.find(
      { status: 'pending', nextAttemptAt: { $lte: now }, ...leaseFree(LEASE_COLUMNS, now) },
      { fields: ['id'], orderBy: { createTime: 'asc', receivedAt: 'asc' }, limit, disableIdentityMap: true },
    );
    return rows.map((row) => row.id);
  }

  /** Takes the receipt for `owner` if it is still pending and not leased; undefined when another worker has it. */
  async claim(id: string, owner: string, now: Date, leaseMs: number): Promise<TikTokWebhookReceipt | undefined> {
    const taken = await this.nativeUpdate(
      { id, status: 'pending', ...leaseFree(LEASE_COLUMNS, now) },
      leaseTaken(LEASE_COLUMNS, owner, now, leaseMs),
    );
    return taken === 1 ? this.findOneOrFail({ id }, { disableIdentityMap: true }) : undefined;
  }

  /** Writes how handling went and hands the lease back, if `owner` still holds it. */
  async recordOutcome(id: string, owner: string, outcome: EntityData<TikTokWebhookReceipt>): Promise<void> {
    await this.nativeUpdate(
      { id, ...leaseHeldBy(LEASE_COLUMNS, owner) },
      { ...outcome, ...leaseReleased(LEASE_COLUMNS) },
    );
  }

  /** Finished receipts older than `before`; they must outlive TikTok's 72-hour redelivery window. */
  deleteFinishedBefore(before: Date): Promise<number> {
    return this.nativeDelete({ status: { $ne: 'pending' }, receivedAt: { $lt: before } });
  }
}
