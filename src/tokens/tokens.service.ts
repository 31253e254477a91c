import { EnsureRequestContext, EntityManager } from '@mikro-orm/core';
import { InjectRepository } from '@mikro-orm/nestjs';
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { AuthenticatedTenant } from '../common/auth/authenticated-tenant';
import { Clock } from '../common/clock';
import { Tenant } from '../tenants/tenant.entity';
import { TikTokApiClient } from '../tiktok-api/tiktok-api.client';
import { TikTokApiError } from '../tiktok-api/tiktok-api.error';
import { TikTokTokenSet, TikTokUserInfo } from '../tiktok-api/tiktok-api.models';
import { Connection, ConnectionStatus } from './connection.entity';
import { ConnectionEvents } from './connection-events';
import { ConnectionRepository } from './connection.repository';
import { ConnectionStatusResponse, DisconnectResponse } from './dto/connection-status.response';
import { TokenRefreshService } from './token-refresh.service';
import { TokenVault } from './token-vault';

/** Connections and their tokens: stored sealed, handed out valid, ended cleanly. */
@Injectable()
export class TokensService {
  private readonly logger = new Logger(TokensService.name);

  constructor(
    private readonly em: EntityManager,
    @InjectRepository(Connection) private readonly connections: ConnectionRepository,
    private readonly vault: TokenVault,
    private readonly refresher: TokenRefreshService,
    private readonly events: ConnectionEvents,
    private readonly tiktok: TikTokApiClient,
    private readonly clock: Clock,
  ) {}

  /** Stores (or replaces) the user's connection with a fresh token pair from a completed connect flow. */
  async saveConnection(
    tenantId: string,
    userId: string,
    tokens: TikTokTokenSet,
    profile: TikTokUserInfo,
    now: Date,
  ): Promise<Connection> {
    // The connection and its `connection.connected` notification commit together, in a fork: a unit of work of
    // their own, so nothing of it stays in the request's context.
    return this.em.fork().transactional(async (em) => {
      const connection =
        (await em.findOne(Connection, { tenant: tenantId, userId })) ??
        em.create(Connection, { tenant: em.getReference(Tenant, tenantId), userId, openId: tokens.openId });
      em.assign(connection, {
        ...this.vault.seal(connection.id, tokens, now),
        status: 'active',
        openId: tokens.openId,
        displayName: profile.displayName,
        avatarUrl: profile.avatarUrl,
        scopes: tokens.scopes,
        tokenVersion: connection.tokenVersion + 1,
        refreshLeaseUntil: null,
        refreshLeaseOwner: null,
        lastRefreshError: null,
        endedReason: null,
        connectedAt: now,
      });
      await em.persist(connection).flush();
      await this.events.recordConnected(em, connection);
      return connection;
    });
  }

  async getStatus(caller: AuthenticatedTenant, userId: string): Promise<ConnectionStatusResponse> {
    const connection = await this.connections.findForUser(caller.tenantId, userId);
    if (!connection || connection.status === 'disconnected') return { connected: false, status: 'not_connected' };
    return {
      connected: connection.status === 'active',
      status: connection.status,
      openId: connection.openId,
      displayName: connection.displayName,
      avatarUrl: connection.avatarUrl,
      scopes: connection.scopes,
      accessTokenExpiresAt: connection.accessTokenExpiresAt ?? undefined,
      refreshTokenExpiresAt: connection.refreshTokenExpiresAt ?? undefined,
      connectedAt: connection.connectedAt,
    };
  }

  /**
   * Runs `call` with a valid access token: refreshed first when inside the lead window, and refreshed once more and
   * retried once when TikTok rejects it as `access_token_invalid`.
   */
  @EnsureRequestContext()
  async withAccessToken<T>(tenantId: string, userId: string, call: (accessToken: string) => Promise<T>): Promise<T> {
    const now = this.clock.now();
    let connection = await this.activeConnection(tenantId, userId);
    if ((connection.accessTokenExpiresAt?.getTime() ?? 0) < now.getTime() + this.refresher.leadMs) {
      await this.refresher.refresh(connection.id, now, 'on_demand');
      connection = await this.activeConnection(tenantId, userId);
    }
    try {
      return await call(this.vault.openAccessToken(connection));
    } catch (error) {
      if (!(error instanceof TikTokApiError && error.isAccessTokenInvalid())) throw error;
      await this.refresher.refresh(connection.id, this.clock.now(), 'token_rejected', connection.tokenVersion);
      const refreshed = await this.activeConnection(tenantId, userId);
      return call(this.vault.openAccessToken(refreshed));
    }
  }

  /**
   * The user's active connection, or `not_connected` / `reauth_required`. Uploads check its scopes and keep its id to
   * count TikTok's per-token budgets.
   */
  async activeConnectionOf(tenantId: string, userId: string): Promise<{ id: string; scopes: string[] }> {
    const { id, scopes } = await this.activeConnection(tenantId, userId);
    return { id, scopes };
  }

  /** The status of each connection, by id; a connection not found is missing from the map. */
  @EnsureRequestContext()
  connectionStatuses(ids: string[]): Promise<Map<string, ConnectionStatus>> {
    return this.connections.statusesOf(ids);
  }

  /** The connections to the same TikTok account as `connectionId`, across tenants (TikTok's caps are per account). */
  @EnsureRequestContext()
  connectionsOfSameAccount(connectionId: string): Promise<string[]> {
    return this.connections.idsOfSameAccount(connectionId);
  }

  /** Revokes at TikTok (best effort) and deletes the tokens here whatever TikTok answers. */
  async disconnect(caller: AuthenticatedTenant, userId: string): Promise<DisconnectResponse> {
    const connection = await this.connections.findForUser(caller.tenantId, userId);
    if (!connection || connection.status === 'disconnected') return { disconnected: false };
    let revokedAtTikTok = false;
    if (connection.status === 'active') {
      try {
        await this.withAccessToken(caller.tenantId, userId, (token) => this.tiktok.revokeAccessToken(token));
        revokedAtTikTok = true;
      } catch (error) {
        const reason = error instanceof AppError ? error.code : 'unknown';
        this.logger.warn(
          { connectionId: connection.id, reason },
          'Could not revoke at TikTok; deleting the tokens here anyway',
        );
      }
    }
    await this.events.markDisconnected(connection, 'disconnected');
    return { disconnected: true, revokedAtTikTok };
  }

  private async activeConnection(tenantId: string, userId: string): Promise<Connection> {
    const connection = await this.connections.findFreshForUser(tenantId, userId);
    if (!connection || connection.status === 'disconnected') {
      throw new AppError(
        'not_connected',
        `User ${userId} has no connected TikTok account; create a connect link first.`,
        HttpStatus.CONFLICT,
      );
    }
    if (connection.status === 'reauth_required') {
      throw new AppError(
        'reauth_required',
        `User ${userId} must connect their TikTok account again.`,
        HttpStatus.CONFLICT,
        {
          reason: connection.endedReason,
        },
      );
    }
    return connection;
  }
}
