import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Tenant } from '../tenants/tenant.entity';
import { webhookSecretAad } from '../tenants/tenants.service';
import { Connection } from './connection.entity';
import { TokenCipher } from '../common/crypto/token-cipher';
import { TokenVault } from './token-vault';

const BATCH_SIZE = 200;

export interface KeyRotationSummary {
  connections: number;
  tenants: number;
  keyId: string;
}

/**
 * Moves every ciphertext to the newest key of TOKEN_ENCRYPTION_KEYS (`npm run tokens:rotate-key`). Each row is
 * rewritten only if it still holds what was read, so a refresh running at the same time is never overwritten.
 */
@Injectable()
export class KeyRotationService {
  constructor(
    private readonly em: EntityManager,
    private readonly vault: TokenVault,
    private readonly cipher: TokenCipher,
  ) {}

  async reEncryptAll(): Promise<KeyRotationSummary> {
    return {
      connections: await this.reEncryptConnections(),
      tenants: await this.reEncryptTenants(),
      keyId: this.cipher.currentKeyId,
    };
  }

  private async reEncryptConnections(): Promise<number> {
    let moved = 0;
    let after: string | undefined;
    for (;;) {
      // A fork per batch: run from the command line (no context), and the identity map must not grow with the table.
      const em = this.em.fork();
      const batch = await em.find(
        Connection,
        { ...(after ? { id: { $gt: after } } : {}), accessTokenCiphertext: { $ne: null } },
        { orderBy: { id: 'asc' }, limit: BATCH_SIZE },
      );
      if (batch.length === 0) return moved;
      for (const connection of batch) {
        const reEncrypted = this.vault.reEncrypt(connection);
        if (!reEncrypted) continue;
        moved += await em.nativeUpdate(
          Connection,
          {
            id: connection.id,
            tokenVersion: connection.tokenVersion,
            accessTokenCiphertext: connection.accessTokenCiphertext,
          },
          reEncrypted,
        );
      }
      after = batch[batch.length - 1].id;
    }
  }

  private async reEncryptTenants(): Promise<number> {
    let moved = 0;
    // A fork: run from the command line, outside any context.
    const em = this.em.fork();
    const tenants = await em.find(Tenant, {}, { populate: ['webhookSecretCiphertext'] });
    for (const tenant of tenants) {
      const current = tenant.webhookSecretCiphertext;
      if (!this.cipher.needsReEncryption(current)) continue;
      const aad = webhookSecretAad(tenant.id);
      const next = this.cipher.encrypt(this.cipher.decrypt(current, aad), aad);
      moved += await em.nativeUpdate(
        Tenant,
        { id: tenant.id, webhookSecretCiphertext: current },
        { webhookSecretCiphertext: next },
      );
    }
    return moved;
  }
}
