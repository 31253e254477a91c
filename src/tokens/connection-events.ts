import { EntityManager } from '@mikro-orm/core';
import { InjectRepository } from '@mikro-orm/nestjs';
import { Injectable } from '@nestjs/common';
import { OutboxService } from '../notifications/outbox.service';
import { Connection } from './connection.entity';
import { ConnectionRepository } from './connection.repository';
import { connectsTotal } from './tokens.metrics';

/**
 * The state changes of a connection and the tenant notification each one causes, written in one transaction (the
 * outbox row exists exactly when the change was committed). The ending changes clear the ciphertexts in the same
 * statement that changes the status, so no dead token stays behind.
 */
@Injectable()
export class ConnectionEvents {
  constructor(
    private readonly em: EntityManager,
    @InjectRepository(Connection) private readonly connections: ConnectionRepository,
    private readonly outbox: OutboxService,
  ) {}

  /** `leaseOwner` limits the change to the refresher that holds the lease. */
  async markReauthRequired(connection: Connection, reason: string, leaseOwner?: string): Promise<void> {
    const where = { id: connection.id, ...(leaseOwner ? { refreshLeaseOwner: leaseOwner } : {}) };
    await this.end(connection, where, 'reauth_required', reason);
  }

  async markDisconnected(connection: Connection, reason: string): Promise<void> {
    await this.end(connection, { id: connection.id, status: { $ne: 'disconnected' } }, 'disconnected', reason);
  }

  /**
   * docs/tiktok.md §10.3 `authorization.removed`: every connection of this TikTok user (one per tenant user that
   * connected it) ends, unless it was made after the event (a reconnect must not be undone by an old event).
   */
  async markAuthorizationRemoved(openId: string, reason: string, eventTimeSec: number): Promise<number> {
    // create_time has whole seconds: a connection made within the event's second counts as older.
    const madeBy = new Date((eventTimeSec + 1) * 1000);
    const connections = await this.connections.findLiveOfOpenId(openId, madeBy);
    let ended = 0;
    for (const connection of connections) {
      const where = { id: connection.id, status: { $ne: 'disconnected' as const }, connectedAt: { $lt: madeBy } };
      if (await this.end(connection, where, 'disconnected', `authorization_removed:${reason}`)) ended += 1;
    }
    return ended;
  }

  /** Records a connect inside the caller's transaction (`em`), with its `connection.connected` notification. */
  async recordConnected(em: EntityManager, connection: Connection): Promise<void> {
    await this.outbox.enqueue(em, {
      tenantId: connection.tenant.id,
      type: 'connection.connected',
      orderingKey: connection.id,
      data: { ...describe(connection), status: 'active', scopes: connection.scopes },
    });
    connectsTotal.inc({ outcome: 'connected' });
  }

  private async end(
    connection: Connection,
    where: object,
    status: 'reauth_required' | 'disconnected',
    reason: string,
  ): Promise<boolean> {
    // A fork: the change and its notification are one unit of work of their own (see UploadStateService.change).
    return this.em.fork().transactional(async (em) => {
      const changed = await em.nativeUpdate(Connection, where, { status, endedReason: reason, ...clearedTokens() });
      if (changed !== 1) return false;
      await this.outbox.enqueue(em, {
        tenantId: connection.tenant.id,
        type: status === 'reauth_required' ? 'connection.reauth_required' : 'connection.removed',
        orderingKey: connection.id,
        data: { ...describe(connection), status: status === 'disconnected' ? 'not_connected' : status, reason },
      });
      return true;
    });
  }
}

function describe(connection: Connection) {
  return { userId: connection.userId, openId: connection.openId };
}

function clearedTokens() {
  return {
    accessTokenCiphertext: null,
    refreshTokenCiphertext: null,
    accessTokenExpiresAt: null,
    refreshTokenExpiresAt: null,
    refreshLeaseUntil: null,
    refreshLeaseOwner: null,
  };
}
