import { Body, Controller, Get, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiFoundResponse,
  ApiOkResponse,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Request, Response } from 'express';
import { ApiKeyAuth, CurrentTenant, Public } from '../common/auth/auth.decorators';
import { AuthenticatedTenant } from '../common/auth/authenticated-tenant';
import { Clock } from '../common/clock';
import { ErrorResponse } from '../common/http/error.response';
import { ConnectFlowErrorFilter } from './connect-flow-error.filter';
import { ConnectFlowService } from './connect-flow.service';
import { ConnectedResponse, ConnectLinkResponse } from './dto/connect-link.response';
import { CreateConnectLinkDto } from './dto/create-connect-link.dto';
import { ConnectedUser } from './strategies/tiktok.strategy';
import { TikTokAuthGuard } from './tiktok-auth.guard';

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
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'validation_failed (userId, or returnUrl not allowed)' })
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
  @ApiQuery({ name: 'ticket', required: true })
  @ApiFoundResponse({ description: 'To TikTok with client_key, scope, state and a PKCE challenge' })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'invalid_state: unknown, used or expired link' })
  startConnect(): void {
    // The guard's strategy has already answered with the redirect.
  }

  /** TikTok sends the browser back here; success redirects to the returnUrl with `tiktok=connected`. */
  @Get('callback')
  @Public()
  @UseGuards(TikTokAuthGuard)
  @UseFilters(ConnectFlowErrorFilter)
  @ApiQuery({ name: 'code', required: false })
  @ApiQuery({ name: 'scopes', required: false })
  @ApiQuery({ name: 'state', required: false })
  @ApiQuery({ name: 'error', required: false })
  @ApiQuery({ name: 'error_description', required: false })
  @ApiOkResponse({ type: ConnectedResponse, description: 'Connected (no returnUrl)' })
  @ApiFoundResponse({
    description: 'To the returnUrl with tiktok=connected, or tiktok=error&error=<code>&reason=<why>',
  })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'invalid_state: unknown, used, expired or other-browser state',
  })
  @ApiServiceUnavailableResponse({ type: ErrorResponse, description: 'tiktok_unavailable' })
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
