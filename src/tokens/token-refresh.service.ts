import { InjectRepository } from '@mikro-orm/nestjs';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../config/app-config';
import { TikTokApiClient } from '../tiktok-api/tiktok-api.client';
import { TikTokApiError } from '../tiktok-api/tiktok-api.error';
import { Connection } from './connection.entity';
import { ConnectionRepository } from './connection.repository';
import { ConnectionEvents } from './connection-events';
import { TokenVault } from './token-vault';
import { tokenRefreshesTotal } from './tokens.metrics';

export type RefreshTrigger = 'scheduled' | 'on_demand' | 'token_rejected';
export type RefreshResult = 'refreshed' | 'not_due' | 'refreshed_elsewhere' | 'reauth_required' | 'transient_failure';

/** Longer than a refresh call can take (client timeout, no retry after sending), so a live lease is never stolen. */
export const REFRESH_LEASE_MS = 60_000;
const LEASE_WAIT_POLL_MS = 50;

/**
 * The one refresh implementation behind on-demand, scheduled and token-rejected refreshes. Exactly one refresher
 * per connection at a time across instances (a lease taken with a conditional UPDATE), and the rotated pair is
 * written with compare-and-swap on `tokenVersion` before anyone uses it (docs/tiktok.md §13 "Rotation").
 */
@Injectable()
export class TokenRefreshService {
  private readonly logger = new Logger(TokenRefreshService.name);

  constructor(
    @InjectRepository(Connection) private readonly connections: ConnectionRepository,
    private readonly tiktok: TikTokApiClient,
    private readonly vault: TokenVault,
    private readonly events: ConnectionEvents,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  get leadMs(): number {
    return this.config.get('tokens', { infer: true }).refreshLeadSeconds * 1000;
  }

  /**
   * Refreshes when the access token expires before `dueBefore`, or, for a token TikTok rejected, when the row still
   * holds the version the caller used (`rejectedVersion`).
   */
  async refresh(
    connectionId: string,
    now: Date,
    trigger: RefreshTrigger,
    rejectedVersion?: number,
  ): Promise<RefreshResult> {
    const owner = randomUUID();
    if (!(await this.connections.claimRefreshLease(connectionId, owner, now, REFRESH_LEASE_MS))) {
      await this.waitForLease(connectionId);
      return 'refreshed_elsewhere';
    }
    const connection = await this.connections.findFresh(connectionId);
    if (!connection || connection.status !== 'active' || !this.isDue(connection, now, rejectedVersion)) {
      await this.connections.releaseRefreshLease(connectionId, owner);
      return 'not_due';
    }
    try {
      const tokens = await this.tiktok.refreshAccessToken(this.vault.openRefreshToken(connection));
      const sealed = this.vault.seal(connection.id, tokens, now);
      const written = await this.connections.releaseRefreshLeaseWith(
        connection.id,
        owner,
        { ...sealed, scopes: tokens.scopes, tokenVersion: connection.tokenVersion + 1, lastRefreshError: null },
        connection.tokenVersion,
      );
      // Unreachable while REFRESH_LEASE_MS exceeds the call's timeout; if it ever happens the new pair is lost and logged.
      if (!written) this.logger.error({ connectionId }, 'Refresh lease lost before the rotated tokens were stored');
      tokenRefreshesTotal.inc({ result: 'refreshed', trigger });
      return 'refreshed';
    } catch (error) {
      return this.recordFailure(connection, owner, error, trigger);
    }
  }

  private isDue(connection: Connection, now: Date, rejectedVersion?: number): boolean {
    if (rejectedVersion !== undefined) return connection.tokenVersion === rejectedVersion;
    const expiresAt = connection.accessTokenExpiresAt?.getTime() ?? 0;
    return expiresAt < now.getTime() + this.leadMs;
  }

  private async recordFailure(
    connection: Connection,
    owner: string,
    error: unknown,
    trigger: RefreshTrigger,
  ): Promise<RefreshResult> {
    if (error instanceof TikTokApiError && error.isInvalidGrant()) {
      // The refresh token is dead: keep no dead tokens; the user must connect again (docs/tiktok.md §13).
      await this.events.markReauthRequired(connection, 'refresh_token_invalid', owner);
      tokenRefreshesTotal.inc({ result: 'reauth_required', trigger });
      return 'reauth_required';
    }
    const reason = error instanceof TikTokApiError ? error.tiktokCode : error instanceof Error ? error.name : 'unknown';
    this.logger.warn({ connectionId: connection.id, reason }, 'Token refresh failed; will retry');
    await this.connections.releaseRefreshLeaseWith(connection.id, owner, { lastRefreshError: reason.slice(0, 500) });
    tokenRefreshesTotal.inc({ result: 'transient_failure', trigger });
    return 'transient_failure';
  }

  /** Another refresher holds the lease: wait for it to finish so the caller then reads the new token. */
  private async waitForLease(id: string): Promise<void> {
    const deadline = Date.now() + REFRESH_LEASE_MS;
    while (Date.now() < deadline) {
      if (!(await this.connections.refreshLeaseOwnerOf(id))) return;
      await sleep(LEASE_WAIT_POLL_MS);
    }
  }
}
