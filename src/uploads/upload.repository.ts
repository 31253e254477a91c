import { EntityData, FilterQuery } from '@mikro-orm/core';
import { EntityRepository } from '@mikro-orm/knex';
import { randomUUID } from 'node:crypto';
import { LEASE_COLUMNS, leaseFree, leaseHeldBy, leaseReleased, leaseTaken } from '../common/lease';
import { FINAL_STATUSES, Upload, UPLOAD_VIEW_FIELDS, UploadPhotos, UploadStatus, UploadView } from './upload.entity';

/** Who claims: the lease owner, and the instance whose disk holds the media it may send. */
export interface UploadClaimant {
  owner: string;
  instanceId: string;
  leaseMs: number;
}

export interface UploadPageQuery {
  userId?: string;
  status?: UploadStatus;
  /** The last item of the previous page. */
  after?: { createdAt: Date; id: string };
  limit: number;
}

// Reads use disableIdentityMap where the row is only read to decide a compare-and-swap: a cached copy would be stale.
export class UploadRepository extends EntityRepository<Upload> {
  /**
   * Claims up to `limit` due uploads (scheduled, queued, uploading or processing with `nextActionAt` ≤ now), oldest due first,
   * each with its own conditional UPDATE so instances never take the same one; `stopRequested` ends the claims early.
   */
  async claimDue(now: Date, claimant: UploadClaimant, limit: number, stopRequested: () => boolean): Promise<Upload[]> {
    const due = await this.find(
      {
        // A scheduled post is due at its publishAt (docs/design.md "Scheduled posts").
        status: { $in: ['scheduled', 'queued', 'uploading', 'processing'] },
        nextActionAt: { $lte: now },
        // Media every instance can reach, and the media on this instance's own disk.
        $and: [leaseFree(LEASE_COLUMNS, now), { $or: [{ mediaHolder: null }, { mediaHolder: claimant.instanceId }] }],
      },
      { orderBy: { nextActionAt: 'asc' }, limit, fields: ['id'] },
    );
    const claimed: Upload[] = [];
    for (const { id } of due) {
      if (stopRequested()) break;
      const taken = await this.nativeUpdate(
        { id, ...leaseFree(LEASE_COLUMNS, now) },
        leaseTaken(LEASE_COLUMNS, claimant.owner, now, claimant.leaseMs),
      );
      if (taken === 1) claimed.push(await this.findOneOrFail({ id }, { disableIdentityMap: true }));
    }
    return claimed;
  }

  /** Published uploads whose read-back of the share URL is due (readback/share-url.job.ts), oldest due first. */
  findDueReadBacks(now: Date, limit: number): Promise<Pick<Upload, 'id'>[]> {
    return this.find(
      { status: 'published', readBackAt: { $lte: now }, ...leaseFree(LEASE_COLUMNS, now) },
      { orderBy: { readBackAt: 'asc' }, limit, fields: ['id'], disableIdentityMap: true },
    );
  }

  /** Takes the upload's lease if it is free: the upload as it is now, or undefined when another owner has it. */
  async claim(id: string, owner: string, now: Date, leaseMs: number): Promise<Upload | undefined> {
    const taken = await this.nativeUpdate(
      { id, ...leaseFree(LEASE_COLUMNS, now) },
      leaseTaken(LEASE_COLUMNS, owner, now, leaseMs),
    );
    return taken === 1 ? this.findFresh(id) : undefined;
  }

  /** The share URLs among `urls` that an upload already holds. */
  async heldShareUrls(urls: string[]): Promise<Set<string>> {
    const rows = await this.find({ shareUrl: { $in: urls } }, { fields: ['shareUrl'], disableIdentityMap: true });
    return new Set(rows.map((row) => row.shareUrl!));
  }

  /** False when another owner holds the upload now. */
  async renewLease(id: string, owner: string, now: Date, leaseMs: number): Promise<boolean> {
    const renewed = await this.nativeUpdate(
      { id, ...leaseHeldBy(LEASE_COLUMNS, owner) },
      leaseTaken(LEASE_COLUMNS, owner, now, leaseMs),
    );
    return renewed === 1;
  }

  /** Frees the lease if `owner` still holds it. */
  async releaseLease(id: string, owner: string): Promise<void> {
    await this.nativeUpdate({ id, ...leaseHeldBy(LEASE_COLUMNS, owner) }, leaseReleased(LEASE_COLUMNS));
  }

  async postpone(id: string, until: Date): Promise<void> {
    await this.nativeUpdate({ id }, { nextActionAt: until });
  }

  /**
   * The read-back's own bookkeeping (when to try next, how many tries so far): not a change of the upload a caller
   * can see, so it neither bumps `updatedAt` (which compare-and-swap and the API read) nor notifies anyone. It applies
   * only while the row is as `upload` was read: a change in between (a new post id) set its own next try.
   */
  async scheduleReadBack(upload: Upload, at: Date | null, tries = upload.readBackTries): Promise<void> {
    await this.nativeUpdate({ id: upload.id, updatedAt: upload.updatedAt }, { readBackAt: at, readBackTries: tries });
  }

  /**
   * Applies `changes` only if the row still has the status and `updatedAt` `upload` was read with; true when it did.
   * Call it inside the transaction that writes the notifications of the change.
   */
  async compareAndSet(upload: Upload, changes: EntityData<Upload>): Promise<boolean> {
    const where: FilterQuery<Upload> = { id: upload.id, status: upload.status, updatedAt: upload.updatedAt };
    return (await this.nativeUpdate(where, { ...changes, updatedAt: new Date() })) === 1;
  }

  /**
   * The columns the API shows (dto/upload.mapping.ts), read without building an entity: the status GET is the hottest
   * read, and building the query and hydrating a 30-column entity cost more than running it. The SQL is built once
   * by the query builder; the row goes through the ORM's own result mapping and column types (dates, JSON, bigint),
   * so it reads exactly as the entity would. Another tenant's upload is not found.
   */
  async findViewForTenant(tenantId: string, id: string): Promise<UploadView | null> {
    const em = this.getEntityManager();
    const query = (this.viewQuery ??= this.buildViewQuery());
    const params = query.params.map((param) => (param === 'id' ? id : tenantId));
    const raw = await em.getConnection().execute<Record<string, unknown>>(query.sql, params, 'get');
    const row = raw && (em.getDriver().mapResult(raw, em.getMetadata(Upload)) as Record<string, unknown> | null);
    if (!row) return null;
    for (const { name, customType } of query.typedProps) {
      const value = row[name];
      if (value !== undefined && value !== null) row[name] = customType?.convertToJSValue(value, query.platform);
    }
    return row as unknown as UploadView;
  }

  private viewQuery?: ReturnType<UploadRepository['buildViewQuery']>;

  /**
   * The view's SQL with `?` placeholders, which value each placeholder takes (found with marker values), and the
   * shown properties whose column type converts the database's value (JSON, bigint).
   */
  private buildViewQuery() {
    const marker = { id: randomUUID(), tenant: randomUUID() };
    const { sql, bindings } = this.createQueryBuilder()
      .select([...UPLOAD_VIEW_FIELDS])
      .where({ id: marker.id, tenant: marker.tenant })
      .getKnexQuery()
      .toSQL();
    const params = bindings.map((value) =>
      value === marker.id ? 'id' : value === marker.tenant ? 'tenant' : undefined,
    );
    if (params.some((param) => param === undefined)) throw new Error(`Unexpected bindings for ${sql}`);
    const shown = new Set<string>(UPLOAD_VIEW_FIELDS);
    const em = this.getEntityManager();
    const typedProps = em.getMetadata(Upload).props.filter((prop) => prop.customType && shown.has(prop.name));
    return { sql, params: params as ('id' | 'tenant')[], typedProps, platform: em.getPlatform() };
  }

  /** Another tenant's upload is not found. */
  findForTenant(tenantId: string, id: string): Promise<Upload | null> {
    return this.findOne({ id, tenant: tenantId }, { disableIdentityMap: true });
  }

  findFresh(id: string): Promise<Upload> {
    return this.findOneOrFail({ id }, { disableIdentityMap: true });
  }

  findByPublishId(publishId: string): Promise<Upload | null> {
    return this.findOne({ publishId }, { disableIdentityMap: true });
  }

  findByIdempotencyKey(tenantId: string, userId: string, idempotencyKey: string): Promise<Upload | null> {
    return this.findOne({ tenant: tenantId, userId, idempotencyKey });
  }

  /** One page of a tenant's uploads, newest first; one row more than `limit` tells whether another page follows. */
  listPage(tenantId: string, query: UploadPageQuery): Promise<Upload[]> {
    const { after } = query;
    return this.find(
      {
        tenant: tenantId,
        ...(query.userId ? { userId: query.userId } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(after
          ? { $or: [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, id: { $lt: after.id } }] }
          : {}),
      },
      { orderBy: { createdAt: 'desc', id: 'desc' }, limit: query.limit + 1 },
    );
  }

  /** The uploads open event streams watch, read in one query. */
  findWatched(ids: string[]): Promise<Upload[]> {
    return this.find({ id: { $in: ids } }, { disableIdentityMap: true });
  }

  /** The stored images of scheduled photo posts: they wait for publishAt, past a link lifetime from their intake. */
  async scheduledPhotoKeys(): Promise<string[]> {
    const rows = await this.find(
      { status: 'scheduled', mediaType: 'photo', source: 'file' },
      { fields: ['photos'], disableIdentityMap: true },
    );
    return rows.flatMap((row) => row.photos?.files?.map((file) => file.key) ?? []);
  }

  /** Received photos deleted: recorded beside them, so nothing tries to serve or delete them again. */
  async recordPhotoFilesDeleted(id: string, photos: UploadPhotos, at: Date): Promise<void> {
    await this.nativeUpdate({ id }, { photos: { ...photos, filesDeletedAt: at.toISOString() } });
  }

  async clearSpoolPath(id: string): Promise<void> {
    await this.nativeUpdate({ id }, { spoolPath: null });
  }

  /** Every spooled file an upload still names. */
  async spoolPaths(): Promise<string[]> {
    const rows = await this.find({ spoolPath: { $ne: null } }, { fields: ['spoolPath'], disableIdentityMap: true });
    return rows.map((row) => row.spoolPath!);
  }

  /** The posts waiting for their publishAt, soonest first. */
  findScheduled(limit: number): Promise<Upload[]> {
    return this.find({ status: 'scheduled' }, { disableIdentityMap: true, limit, orderBy: { publishAt: 'asc' } });
  }

  /**
   * The Direct Posts of these connections that count against TikTok's daily cap near a time: not failed or cancelled,
   * at their publishAt within [from, to), or sent at once and created within it. `except` is left out.
   */
  async directPostTimes(connectionIds: string[], from: Date, to: Date, except?: string): Promise<Date[]> {
    const rows = await this.find(
      {
        connectionId: { $in: connectionIds },
        mode: 'direct',
        status: { $nin: ['failed', 'cancelled'] },
        $or: [{ publishAt: { $gte: from, $lt: to } }, { publishAt: null, createdAt: { $gte: from, $lt: to } }],
        ...(except ? { id: { $ne: except } } : {}),
      },
      { fields: ['publishAt', 'createdAt'], disableIdentityMap: true },
    );
    return rows.map((row) => row.publishAt ?? row.createdAt);
  }

  /** A gone holder's uploads TikTok already has every byte of: any instance may poll them now. */
  async releaseProcessingHeldBy(holder: string): Promise<void> {
    await this.nativeUpdate({ mediaHolder: holder, status: 'processing' }, { mediaHolder: null });
  }

  /** A holder's uploads still waiting to send its media. */
  findWaitingOn(holder: string, limit: number): Promise<Upload[]> {
    return this.find(
      { mediaHolder: holder, status: { $in: ['scheduled', 'queued', 'uploading'] } },
      { disableIdentityMap: true, limit },
    );
  }

  /** A holder's ended uploads whose file is still on its disk. */
  findEndedWithFileOn(holder: string, limit: number): Promise<Upload[]> {
    return this.find(
      { mediaHolder: holder, spoolPath: { $ne: null }, status: { $in: [...FINAL_STATUSES] } },
      { disableIdentityMap: true, limit },
    );
  }
}
