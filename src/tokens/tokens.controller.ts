import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth, CurrentTenant } from '../common/auth/auth.decorators';
import { AuthenticatedTenant } from '../common/auth/authenticated-tenant';
import { ApiJsonBodyOnlyResponse, ApiValidationFailedResponse } from '../common/http/api-errors';
import { ConnectionStatusResponse, DisconnectResponse } from './dto/connection-status.response';
import { DisconnectDto, UserIdQuery } from './dto/user-id.dto';
import { TokensService } from './tokens.service';

@ApiTags('connections')
@ApiKeyAuth()
@ApiValidationFailedResponse()
@Controller('api/tiktok')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  /** Whether the user has a connected TikTok account, and its profile and token lifetimes (never the tokens). */
  @Get('status')
  @ApiOkResponse({ type: ConnectionStatusResponse })
  getConnectionStatus(
    @CurrentTenant() caller: AuthenticatedTenant,
    @Query() query: UserIdQuery,
  ): Promise<ConnectionStatusResponse> {
    return this.tokens.getStatus(caller, query.userId);
  }

  /** Revokes the token at TikTok and deletes it here (even when TikTok is unreachable). Idempotent. */
  @Post('disconnect')
  @HttpCode(200)
  @ApiOkResponse({ type: DisconnectResponse })
  @ApiJsonBodyOnlyResponse()
  disconnect(@CurrentTenant() caller: AuthenticatedTenant, @Body() dto: DisconnectDto): Promise<DisconnectResponse> {
    return this.tokens.disconnect(caller, dto.userId);
  }
}
