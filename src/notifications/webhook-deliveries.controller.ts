import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminAuth } from '../common/auth/auth.decorators';
import { ApiErrorResponse, ApiValidationFailedResponse } from '../common/http/api-errors';
import { uuidParam } from '../common/http/uuid-param.pipe';
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
  @ApiOkResponse({ type: WebhookDeliveryListResponse })
  @ApiErrorResponse(404, ['not_found'], 'No such tenant')
  @ApiValidationFailedResponse('The id is not a UUID, or limit is out of range')
  listWebhookDeliveries(
    @Param('id', uuidParam('id')) id: string,
    @Query() query: ListDeliveriesQuery,
  ): Promise<WebhookDeliveryListResponse> {
    return this.deliveries.listRecent(id, query.limit);
  }
}
