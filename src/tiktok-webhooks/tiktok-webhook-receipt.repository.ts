import { EntityRepository } from '@mikro-orm/knex';
import { TikTokWebhookReceipt } from './tiktok-webhook-receipt.entity';
import { leaseFree } from '../common/lease';

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
      { status: 'pending', nextAttemptAt: { $lte: now }, ...leaseFree(now) },
      { fields: ['id'], orderBy: { createTime: 'asc', receivedAt: 'asc' }, limit, disableIdentityMap: true },
    );
    return rows.map((row) => row.id);
  }

  /** Finished receipts older than `before`; they must outlive TikTok's 72-hour redelivery window. */
  deleteFinishedBefore(before: Date): Promise<number> {
    return this.nativeDelete({ status: { $ne: 'pending' }, receivedAt: { $lt: before } });
  }
}
