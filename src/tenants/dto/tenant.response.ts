import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class TenantResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  name: string;

  returnUrls: string[];

  @ApiPropertyOptional({ nullable: true })
  webhookUrl: string | null;

  createdAt: Date;
}

export class CreatedTenantResponse extends TenantResponse {
  /** Shown only in this response; store it now. */
  apiKey: string;

  /** Verifies X-Gateway-Signature on notifications; shown only in this response. */
  webhookSecret: string;
}

export class TenantListResponse {
  @ApiProperty({ type: [TenantResponse] })
  items: TenantResponse[];
}

export class CreatedApiKeyResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  /** Shown only in this response. */
  apiKey: string;
}

export class CurrentTenantResponse {
  @ApiProperty({ format: 'uuid' })
  tenantId: string;

  name: string;

  @ApiProperty({ format: 'uuid' })
  apiKeyId: string;
}

export class RotatedWebhookSecretResponse {
  /** The new secret for X-Gateway-Signature, shown only in this response; the old one stops working at once. */
  webhookSecret: string;
}
