import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module';
import { UploadsModule } from '../uploads/uploads.module';
import { TikTokWebhookInbox } from './tiktok-webhook-inbox.service';
import { TikTokWebhookReceipt } from './tiktok-webhook-receipt.entity';
import { TikTokWebhookEventsService } from './tiktok-webhook-events.service';
import { TikTokWebhooksController } from './tiktok-webhooks.controller';
import { TikTokWebhooksJob } from './tiktok-webhooks.job';

/** TikTok's webhooks in: each event is stored, answered, then applied to the upload or the connection it names. */
@Module({
  imports: [MikroOrmModule.forFeature([TikTokWebhookReceipt]), UploadsModule, TokensModule],
  controllers: [TikTokWebhooksController],
  providers: [TikTokWebhookInbox, TikTokWebhookEventsService, TikTokWebhooksJob],
})
export class TikTokWebhooksModule {}
