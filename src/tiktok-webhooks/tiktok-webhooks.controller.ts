import { Controller, Headers, HttpCode, Post, RawBodyRequest, Req } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { Public } from '../common/auth/auth.decorators';
import { ApiErrorResponse, ApiJsonBodyOnlyResponse, ApiRateLimitedResponse } from '../common/http/api-errors';
import { TIKTOK_WEBHOOK_BODY, WebhookReceivedResponse } from './dto/webhook-received.response';
import { TikTokWebhookInbox } from './tiktok-webhook-inbox.service';
import { WebhookRateLimit } from '../rate-limits/rate-limit.guard';

@ApiTags('tiktok')
@Controller('api/tiktok/webhooks')
export class TikTokWebhooksController {
  constructor(private readonly inbox: TikTokWebhookInbox) {}

  /** TikTok's webhooks (docs/tiktok.md §10): 200 once stored; the event is applied right after. */
  @Post()
  @Public()
  @WebhookRateLimit()
  @HttpCode(200)
  @ApiOperation({ requestBody: TIKTOK_WEBHOOK_BODY })
  @ApiHeader({ name: 'TikTok-Signature', required: true, description: '`t=<unix>,s=<hex HMAC-SHA256>` over `t.body`' })
  @ApiOkResponse({ type: WebhookReceivedResponse })
  @ApiJsonBodyOnlyResponse()
  @ApiErrorResponse(400, ['validation_failed'], 'Not a webhook envelope, or for another client_key')
  @ApiErrorResponse(401, ['unauthorized'], 'TikTok-Signature missing, wrong or stale')
  @ApiRateLimitedResponse("Too many requests from this client IP on TikTok's webhooks", 'webhooks')
  receiveTikTokWebhook(
    @Req() request: RawBodyRequest<Request>,
    @Headers('tiktok-signature') signature: string | undefined,
  ): Promise<WebhookReceivedResponse> {
    return this.inbox.accept(request.rawBody, signature);
  }
}
