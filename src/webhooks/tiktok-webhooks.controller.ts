import { Controller, Headers, HttpCode, Post, RawBodyRequest, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Request } from 'express';
import { Public } from '../common/auth/auth.decorators';
import { ErrorResponse } from '../common/http/error.response';
import { WebhookRateLimit } from '../rate-limits/rate-limit.guard';
import { TikTokWebhookInbox, WebhookReceivedResponse } from './tiktok-webhook-inbox.service';

@ApiTags('tiktok')
@Controller('api/tiktok/webhooks')
export class TikTokWebhooksController {
  constructor(private readonly inbox: TikTokWebhookInbox) {}

  /** TikTok's webhooks (tiktok-api.md §10): 200 once stored; the event is applied right after. */
  @Post()
  @Public()
  @WebhookRateLimit()
  @HttpCode(200)
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'Not a webhook envelope, or for another client_key.' })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'TikTok-Signature missing, wrong or stale.' })
  receiveTikTokWebhook(
    @Req() request: RawBodyRequest<Request>,
    @Headers('tiktok-signature') signature: string | undefined,
  ): Promise<WebhookReceivedResponse> {
    return this.inbox.accept(request.rawBody, signature);
  }
}
