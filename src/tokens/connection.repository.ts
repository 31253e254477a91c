import { EntityData, EntityRepository } from '@mikro-orm/core';
import { leaseFree, leaseHeldBy, leaseReleased, leaseTaken } from '../common/lease';
import { Connection, ConnectionStatus } from './connection.entity';

/** The refresh lease: one refresher per connection at a time, across instances. */
const REFRESH_LEASE = { until: 'refreshLeaseUntil', owner: 'refreshLeaseOwner' } as const;

// Reads that decide a refresh use disableIdentityMap: a cached copy would hold an older token version.
export class ConnectionRepository extends EntityRepository<Connection> {
  findForUser(tenantId: string, userId: string): Promise<Connection | null> {
    return this.findOne({ tenant: tenantId, userId });
  }

  findFreshForUser(tenantId: string, userId: string): Promise<Connection | null> {
    return this.findOne({ tenant: tenantId, userId }, { disableIdentityMap: true });
  }

  findFresh(id: string): Promise<Connection | null> {
    return this.findOne({ id }, { disableIdentityMap: true });
  }

  /** Active connections whose access token expires before `before`, soonest first (uses the status+expiry index). */
  async findDueForRefresh(before: Date, limit: number): Promise<string[]> {
    const rows = await this.find(
      { status: 'active', accessTokenExpiresAt: { $lt: before } },
      { fields: ['id'], orderBy: { accessTokenExpiresAt: 'asc' }, limit },
    );
    return rows.map((row) => row.id);
  }

  /** Takes the refresh lease of an active connection for `owner`; false when another refresher holds it. */
  async claimRefreshLease(id: string, owner: string, now: Date, leaseMs: number): Promise<boolean> {
    const taken = await this.nativeUpdate(
      { id, status: 'active', ...leaseFree(REFRESH_LEASE, now) },
      leaseTaken(REFRESH_LEASE, owner, now, leaseMs),
    );
    return taken === 1;
  }

  async releaseRefreshLease(id: string, owner: string): Promise<void> {
    await this.nativeUpdate({ id, ...leaseHeldBy(REFRESH_LEASE, owner) }, leaseReleased(REFRESH_LEASE));
  }

  /**
   * Writes `changes` and hands the lease back, if `owner` still holds it (and, with `tokenVersion`, only over that
   * version: compare-and-swap); true when it did.
   */
  async releaseRefreshLeaseWith(
    id: string,
    owner: string,
    changes: EntityData<Connection>,
    tokenVersion?: number,
  ): Promise<boolean> {
    const where = { id, ...leaseHeldBy(REFRESH_LEASE, owner), ...(tokenVersion === undefined ? {} : { tokenVersion }) };
    return (await this.nativeUpdate(where, { ...changes, ...leaseReleased(REFRESH_LEASE) })) === 1;
  }

  /** Who holds the refresh lease now, if anyone. */
  async refreshLeaseOwnerOf(id: string): Promise<string | null | undefined> {
    const row = await this.findOne({ id }, { fields: ['refreshLeaseOwner'], disableIdentityMap: true });
    return row?.refreshLeaseOwner;
  }

  /** The connections of a TikTok user not yet ended and made before `madeBefore`. */
  findLiveOfOpenId(openId: string, madeBefore: Date): Promise<Connection[]> {
    return this.find({ openId, status: { $ne: 'disconnected' }, connectedAt: { $lt: madeBefore } });
  }

  /** The status of each connection found, by id (the scheduled-post warnings read many at once). */
  async statusesOf(ids: string[]): Promise<Map<string, ConnectionStatus>> {
    const rows = await this.find({ id: { $in: ids } }, { fields: ['status'], disableIdentityMap: true });
    return new Map(rows.map((row) => [row.id, row.status]));
  }

  /** Every connection to the TikTok account `id` is connected to, of any tenant, `id` included. */
  async idsOfSameAccount(id: string): Promise<string[]> {
    const connection = await this.findOneOrFail({ id }, { fields: ['openId'], disableIdentityMap: true });
    const rows = await this.find({ openId: connection.openId }, { fields: ['id'], disableIdentityMap: true });
    return rows.map((row) => row.id);
  }

  countWithStatus(status: ConnectionStatus): Promise<number> {
    return this.count({ status });
  }

  /** The soonest expiry of an active access token. */
  async soonestActiveExpiry(): Promise<Date | undefined> {
    const soonest = await this.findOne(
      { status: 'active', accessTokenExpiresAt: { $ne: null } },
      { fields: ['accessTokenExpiresAt'], orderBy: { accessTokenExpiresAt: 'asc' } },
    );
    return soonest?.accessTokenExpiresAt ?? undefined;
  }
}
