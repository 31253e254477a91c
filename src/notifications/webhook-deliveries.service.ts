import { InjectRepository } from '@mikro-orm/nestjs';
import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors/app-error';
import { TenantRepository } from '../tenants/tenant.repository';
import { Tenant } from '../tenants/tenant.entity';
import { WebhookDeliveryListResponse, WebhookDeliveryResponse } from './dto/webhook-delivery.response';
import { OutboxMessage } from './outbox-message.entity';
import { OutboxMessageRepository } from './outbox-message.repository';

const DEFAULT_LIMIT = 50;

/** What operators see of a tenant's notifications: the newest first, with how their delivery went. */
@Injectable()
export class WebhookDeliveriesService {
  constructor(
    @InjectRepository(Tenant) private readonly tenants: TenantRepository,
    @InjectRepository(OutboxMessage) private readonly messages: OutboxMessageRepository,
  ) {}

  async listRecent(tenantId: string, limit = DEFAULT_LIMIT): Promise<WebhookDeliveryListResponse> {
    if ((await this.tenants.count({ id: tenantId })) === 0) throw new NotFoundError('No tenant with this id.');
    const messages = await this.messages.listRecentForTenant(tenantId, limit);
    return { items: messages.map(toDeliveryResponse) };
  }
}

function toDeliveryResponse(message: OutboxMessage): WebhookDeliveryResponse {
  return {
    id: message.id,
    type: message.type,
    outcome: message.status,
    attempts: message.attempts,
    lastStatus: message.lastStatus,
    lastError: message.lastError,
    occurredAt: message.occurredAt,
    lastAttemptAt: message.lastAttemptAt,
    nextAttemptAt: message.status === 'pending' ? message.nextAttemptAt : null,
    deliveredAt: message.deliveredAt,
  };
}
