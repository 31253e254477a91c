import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NOTIFICATION_TYPES, NotificationType } from '../notification.types';
import { OUTBOX_STATUSES, OutboxStatus } from '../outbox-message.entity';

export class WebhookDeliveryResponse {
  /** The notification's `id`, as the receiver saw it. */
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: NOTIFICATION_TYPES })
  type: NotificationType;

  /** `pending` (not yet delivered, retrying), `delivered`, or `failed` (given up after 24 hours). */
  @ApiProperty({ enum: OUTBOX_STATUSES })
  outcome: OutboxStatus;

  attempts: number;

  /** The receiver's HTTP status on the last attempt, absent when it was not reached. */
  @ApiPropertyOptional({ nullable: true })
  lastStatus: number | null;

  @ApiPropertyOptional({ nullable: true })
  lastError: string | null;

  occurredAt: Date;

  @ApiPropertyOptional({ nullable: true })
  lastAttemptAt: Date | null;

  @ApiPropertyOptional({ nullable: true })
  nextAttemptAt: Date | null;

  @ApiPropertyOptional({ nullable: true })
  deliveredAt: Date | null;
}

export class WebhookDeliveryListResponse {
  @ApiProperty({ type: [WebhookDeliveryResponse] })
  items: WebhookDeliveryResponse[];
}
