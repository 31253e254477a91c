import { EntityManager, LockMode } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppConfig } from '../../config/app-config';
import { Connection } from '../../tokens/connection.entity';
import { Upload } from '../upload.entity';

/** docs/tiktok.md §5.5: 6 init requests per minute per user access token. */
export const INITS_PER_MINUTE = 6;
const WINDOW_MS = 60_000;

/**
 * Reserves one of TikTok's init slots for an upload before the init is sent, so further uploads wait in `queued`
 * instead of meeting TikTok's 429. The count and the reservation happen under a lock on the connection row
 * (PostgreSQL) and an in-process queue per connection (SQLite has one writer anyway), so instances cannot both take
 * the sixth slot.
 */
@Injectable()
export class InitBudget {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly em: EntityManager,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  /** Marks `initStartedAt = now` and returns true, or returns the time a slot frees up. */
  reserve(upload: Upload, now: Date): Promise<true | Date> {
    const previous = this.queues.get(upload.connectionId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.reserveLocked(upload, now));
    this.queues.set(upload.connectionId, next);
    void next.finally(() => this.queues.get(upload.connectionId) === next && this.queues.delete(upload.connectionId));
    return next;
  }

  private reserveLocked(upload: Upload, now: Date): Promise<true | Date> {
    // A fork: the count and the reservation are one transaction of their own, whoever calls.
    // Reads here use disableIdentityMap: partially loaded entities in a transaction's identity map would be flushed
    // back at commit (defaults and onUpdate applied), silently rewriting rows of uploads that are not ours.
    return this.em.fork().transactional(async (em) => {
      if (this.config.get('db', { infer: true }).driver === 'postgresql') {
        await em.findOne(
          Connection,
          { id: upload.connectionId },
          { lockMode: LockMode.PESSIMISTIC_WRITE, fields: ['id'], disableIdentityMap: true },
        );
      }
      const recent = await em.find(
        Upload,
        { connectionId: upload.connectionId, initStartedAt: { $gt: new Date(now.getTime() - WINDOW_MS) } },
        { fields: ['initStartedAt'], orderBy: { initStartedAt: 'asc' }, disableIdentityMap: true },
      );
      if (recent.length >= INITS_PER_MINUTE) {
        return new Date(recent[recent.length - INITS_PER_MINUTE].initStartedAt!.getTime() + WINDOW_MS + 50);
      }
      const taken = await em.nativeUpdate(Upload, { id: upload.id, initStartedAt: null }, { initStartedAt: now });
      return taken === 1 ? true : now;
    });
  }
}
