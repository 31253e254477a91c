import { Injectable } from '@nestjs/common';
import { TikTokTokenSet } from '../tiktok-api/tiktok-api.models';
import { Connection } from './connection.entity';
import { TokenCipher } from '../common/crypto/token-cipher';

export interface SealedTokens {
  accessTokenCiphertext: string;
  refreshTokenCiphertext: string;
  accessTokenExpiresAt: Date;
  refreshTokenExpiresAt: Date;
}

type TokenField = 'access_token' | 'refresh_token';

/** Encrypts a connection's tokens bound to its id and field, and opens them again (docs/tiktok.md §13 "Lifetimes"). */
@Injectable()
export class TokenVault {
  constructor(private readonly cipher: TokenCipher) {}

  seal(connectionId: string, tokens: TikTokTokenSet, issuedAt: Date): SealedTokens {
    return {
      accessTokenCiphertext: this.cipher.encrypt(tokens.accessToken, aad(connectionId, 'access_token')),
      refreshTokenCiphertext: this.cipher.encrypt(tokens.refreshToken, aad(connectionId, 'refresh_token')),
      accessTokenExpiresAt: new Date(issuedAt.getTime() + tokens.expiresInSeconds * 1000),
      refreshTokenExpiresAt: new Date(issuedAt.getTime() + tokens.refreshExpiresInSeconds * 1000),
    };
  }

  openAccessToken(connection: Connection): string {
    return this.open(connection, 'accessTokenCiphertext', 'access_token');
  }

  openRefreshToken(connection: Connection): string {
    return this.open(connection, 'refreshTokenCiphertext', 'refresh_token');
  }

  /** Re-encrypts under the newest key; returns undefined when the row already uses it. */
  reEncrypt(
    connection: Connection,
  ): Pick<SealedTokens, 'accessTokenCiphertext' | 'refreshTokenCiphertext'> | undefined {
    const { accessTokenCiphertext: access, refreshTokenCiphertext: refresh } = connection;
    if (!access || !refresh) return undefined;
    if (!this.cipher.needsReEncryption(access) && !this.cipher.needsReEncryption(refresh)) return undefined;
    return {
      accessTokenCiphertext: this.cipher.encrypt(this.openAccessToken(connection), aad(connection.id, 'access_token')),
      refreshTokenCiphertext: this.cipher.encrypt(
        this.openRefreshToken(connection),
        aad(connection.id, 'refresh_token'),
      ),
    };
  }

  private open(
    connection: Connection,
    property: 'accessTokenCiphertext' | 'refreshTokenCiphertext',
    field: TokenField,
  ) {
    const ciphertext = connection[property];
    if (!ciphertext) throw new Error(`Connection ${connection.id} has no ${field}`);
    return this.cipher.decrypt(ciphertext, aad(connection.id, field));
  }
}

function aad(connectionId: string, field: TokenField): string {
  return `connection:${connectionId}:${field}`;
}
