import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module';
import { UploadsModule } from '../uploads/uploads.module';
import { OutboxModule } from './outbox.module';
import { TikTokWebhookInbox } from './tiktok-webhook-inbox.service';
import { TikTokWebhookReceipt } from './tiktok-webhook-receipt.entity';
import { TikTokWebhookProcessor } from './tiktok-webhook.processor';
import { TikTokWebhooksController } from './tiktok-webhooks.controller';
import { TikTokWebhooksJob } from './tiktok-webhooks.job';

/** TikTok's webhooks in; tenant notifications out through the global OutboxModule, which this module brings in. */
@Module({
  imports: [MikroOrmModule.forFeature([TikTokWebhookReceipt]), OutboxModule, UploadsModule, TokensModule],
  controllers: [TikTokWebhooksController],
  providers: [TikTokWebhookInbox, TikTokWebhookProcessor, TikTokWebhooksJob],
})
export class WebhooksModule {}
