import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { AdminAuth } from '../common/auth/auth.decorators';
import { ErrorResponse } from '../common/http/error.response';
import { ListDeliveriesQuery } from './dto/list-deliveries.query';
import { WebhookDeliveryListResponse } from './dto/webhook-delivery.response';
import { WebhookDeliveriesService } from './webhook-deliveries.service';

@ApiTags('admin')
@AdminAuth()
@Controller('api/admin/tenants/:id/webhook-deliveries')
export class WebhookDeliveriesController {
  constructor(private readonly deliveries: WebhookDeliveriesService) {}

  /** The tenant's most recent notifications with their delivery outcome, newest first. */
  @Get()
  @ApiNotFoundResponse({ type: ErrorResponse })
  listWebhookDeliveries(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: ListDeliveriesQuery,
  ): Promise<WebhookDeliveryListResponse> {
    return this.deliveries.listRecent(id, query.limit);
  }
}
