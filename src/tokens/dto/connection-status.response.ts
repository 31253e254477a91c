import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ConnectionStatusResponse {
  connected: boolean;

  @ApiProperty({ enum: ['active', 'reauth_required', 'not_connected'] })
  status: 'active' | 'reauth_required' | 'not_connected';

  openId?: string;

  displayName?: string;

  avatarUrl?: string;

  scopes?: string[];

  accessTokenExpiresAt?: Date;

  refreshTokenExpiresAt?: Date;

  connectedAt?: Date;
}

export class DisconnectResponse {
  /** False when there was nothing to disconnect (disconnecting twice is not an error). */
  disconnected: boolean;

  /** False when TikTok could not be reached or refused; the tokens were deleted here all the same. */
  @ApiPropertyOptional()
  revokedAtTikTok?: boolean;
}
