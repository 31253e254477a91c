import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Connection } from './connection.entity';
import { connectsTotal } from './tokens.metrics';

/**
 * The state changes of a connection that end its tokens. Each clears the ciphertexts in the same statement that
 * changes the status, so no dead token stays behind.
 */
@Injectable()
export class ConnectionEvents {
  constructor(private readonly em: EntityManager) {}

  /** `leaseOwner` limits the change to the refresher that holds the lease. */
  async markReauthRequired(connection: Connection, reason: string, leaseOwner?: string): Promise<void> {
    await this.em
      .fork()
      .nativeUpdate(
        Connection,
        { id: connection.id, ...(leaseOwner ? { refreshLeaseOwner: leaseOwner } : {}) },
        { status: 'reauth_required', endedReason: reason, ...clearedTokens() },
      );
  }

  async markDisconnected(connection: Connection, reason: string): Promise<void> {
    await this.em
      .fork()
      .nativeUpdate(
        Connection,
        { id: connection.id },
        { status: 'disconnected', endedReason: reason, ...clearedTokens() },
      );
  }

  recordConnected(): void {
    connectsTotal.inc({ outcome: 'connected' });
  }
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
