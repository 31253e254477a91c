import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { Tenant } from '../tenants/tenant.entity';
import { TenantsModule } from '../tenants/tenants.module';
import { NotificationSender } from './notification-sender';
import { OutboxDeliveryService } from './outbox-delivery.service';
import { OutboxMessage } from './outbox-message.entity';
import { OutboxJob } from './outbox.job';
import { OutboxService } from './outbox.service';
import { WebhookDeliveriesController } from './webhook-deliveries.controller';
import { WebhookDeliveriesService } from './webhook-deliveries.service';

/**
 * Tenant notifications: `OutboxService.enqueue` for the modules that change state (tokens, uploads), the delivery
 * worker, and the deliveries view. It sits below those modules and imports none of them (docs/design.md, "Layers"), so
 * each one imports it.
 */
@Module({
  imports: [MikroOrmModule.forFeature([OutboxMessage, Tenant]), TenantsModule],
  controllers: [WebhookDeliveriesController],
  providers: [OutboxService, OutboxDeliveryService, NotificationSender, OutboxJob, WebhookDeliveriesService],
  exports: [OutboxService],
})
export class NotificationsModule {}
