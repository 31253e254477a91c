import { Instance } from './instances/instance.entity';
import { Tenant } from './tenants/tenant.entity';
import { ApiKey } from './tenants/api-key.entity';
import { ConnectAttempt } from './tiktok-auth/connect-attempt.entity';
import { Connection } from './tokens/connection.entity';
import { Upload } from './uploads/upload.entity';
import { OutboxMessage } from './notifications/outbox-message.entity';
import { TikTokWebhookReceipt } from './tiktok-webhooks/tiktok-webhook-receipt.entity';

/** Every entity, listed once so the app, the CLI and migrations agree. */
export const ENTITIES = [
  Tenant,
  ApiKey,
  Connection,
  ConnectAttempt,
  Upload,
  OutboxMessage,
  TikTokWebhookReceipt,
  Instance,
];
