import { Body, Controller, Get, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiFoundResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { ApiKeyAuth, CurrentTenant, Public } from '../common/auth/auth.decorators';
import { AuthenticatedTenant } from '../common/auth/authenticated-tenant';
import { Clock } from '../common/clock';
import {
  ApiErrorResponse,
  ApiJsonBodyOnlyResponse,
  ApiRateLimitedResponse,
  ApiValidationFailedResponse,
} from '../common/http/api-errors';
import { ConnectFlowErrorFilter } from './connect-flow-error.filter';
import { ConnectFlowService } from './connect-flow.service';
import { ConnectedResponse, ConnectLinkResponse } from './dto/connect-link.response';
import { CreateConnectLinkDto } from './dto/create-connect-link.dto';
import { ConnectedUser } from './strategies/tiktok.strategy';
import { TikTokAuthGuard } from './tiktok-auth.guard';

const LOCATION = {
  Location: { description: 'Where the browser goes next', schema: { type: 'string', format: 'uri' } },
};
const PublicRateLimit = () => ApiRateLimitedResponse('Too many requests from this client IP');

@ApiTags('connect')
@Controller('api/auth/tiktok')
export class TikTokAuthController {
  constructor(
    private readonly flow: ConnectFlowService,
    private readonly clock: Clock,
  ) {}

  /** A single-use, 10-minute link that connects the user's TikTok account; send the user's browser there. */
  @Post('connect-links')
  @ApiKeyAuth()
  @ApiCreatedResponse({ type: ConnectLinkResponse })
  @ApiJsonBodyOnlyResponse()
  @ApiValidationFailedResponse("userId is malformed, or returnUrl is not under one of the tenant's returnUrls")
  createConnectLink(
    @CurrentTenant() caller: AuthenticatedTenant,
    @Body() dto: CreateConnectLinkDto,
  ): Promise<ConnectLinkResponse> {
    return this.flow.createConnectLink(caller, dto, this.clock.now());
  }

  /** Opened by the end user's browser: redirects to TikTok's authorization page (sets a browser-binding cookie). */
  @Get()
  @Public()
  @UseGuards(TikTokAuthGuard)
  @UseFilters(ConnectFlowErrorFilter)
  @ApiQuery({ name: 'ticket', type: String, required: true, description: 'From the connect link' })
  @ApiFoundResponse({ description: 'To TikTok with client_key, scope, state and a PKCE challenge', headers: LOCATION })
  @ApiErrorResponse(400, ['invalid_state'], 'Unknown, used or expired link (without a returnUrl)')
  @PublicRateLimit()
  startConnect(): void {
    // The guard's strategy has already answered with the redirect.
  }

  /** TikTok sends the browser back here; success redirects to the returnUrl with `tiktok=connected`. */
  @Get('callback')
  @Public()
  @UseGuards(TikTokAuthGuard)
  @UseFilters(ConnectFlowErrorFilter)
  @ApiQuery({ name: 'code', type: String, required: false, description: "TikTok's authorization code" })
  @ApiQuery({ name: 'scopes', type: String, required: false, description: 'The scopes granted, comma-separated' })
  @ApiQuery({ name: 'state', type: String, required: false })
  @ApiQuery({ name: 'error', type: String, required: false, description: 'e.g. access_denied' })
  @ApiQuery({ name: 'error_description', type: String, required: false })
  @ApiOkResponse({ type: ConnectedResponse, description: 'Connected (no returnUrl)' })
  @ApiFoundResponse({
    description: 'To the returnUrl with tiktok=connected, or tiktok=error&error=<code>&reason=<why>',
    headers: LOCATION,
  })
  @ApiErrorResponse(
    400,
    ['invalid_state', 'forbidden'],
    'Without a returnUrl: an unknown, used, expired or other-browser state, or consent declined at TikTok',
  )
  @ApiErrorResponse(502, ['tiktok_error'], "TikTok refused to issue tokens; details carry TikTok's code and log_id")
  @ApiErrorResponse(503, ['tiktok_unavailable'], 'TikTok could not be reached')
  @PublicRateLimit()
  finishConnect(@Req() req: Request, @Res() res: Response): void {
    const { attempt, openId } = req.user as ConnectedUser;
    if (!attempt.returnUrl) {
      res.status(200).json({ connected: true, userId: attempt.userId, openId });
      return;
    }
    const url = new URL(attempt.returnUrl);
    url.searchParams.set('tiktok', 'connected');
    res.redirect(302, url.toString());
  }
}
