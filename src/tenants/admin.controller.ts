import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { AdminAuth } from '../common/auth/auth.decorators';
import { ErrorResponse } from '../common/http/error.response';
import { CreateTenantDto } from './dto/create-tenant.dto';
import {
  CreatedApiKeyResponse,
  CreatedTenantResponse,
  RotatedWebhookSecretResponse,
  TenantListResponse,
} from './dto/tenant.response';
import { TenantsService } from './tenants.service';

@ApiTags('admin')
@AdminAuth()
@Controller('api/admin')
export class AdminController {
  constructor(private readonly tenants: TenantsService) {}

  /** Creates a tenant with its first API key and webhook secret (both shown only here). */
  @Post('tenants')
  @ApiBadRequestResponse({ type: ErrorResponse })
  createTenant(@Body() dto: CreateTenantDto): Promise<CreatedTenantResponse> {
    return this.tenants.createTenant(dto);
  }

  /** Lists tenants (never their keys or secrets). */
  @Get('tenants')
  listTenants(): Promise<TenantListResponse> {
    return this.tenants.listTenants();
  }

  /** Issues another API key for a tenant (shown only here). */
  @Post('tenants/:id/api-keys')
  @ApiNotFoundResponse({ type: ErrorResponse })
  createApiKey(@Param('id', new ParseUUIDPipe()) id: string): Promise<CreatedApiKeyResponse> {
    return this.tenants.createApiKey(id);
  }

  /** Replaces the tenant's webhook secret; the new one is shown only here and signs every delivery from now on. */
  @Post('tenants/:id/webhook-secret')
  @ApiNotFoundResponse({ type: ErrorResponse })
  rotateWebhookSecret(@Param('id', new ParseUUIDPipe()) id: string): Promise<RotatedWebhookSecretResponse> {
    return this.tenants.rotateWebhookSecret(id);
  }

  /** Revokes an API key at once; revoking twice is not an error. */
  @Delete('api-keys/:id')
  @HttpCode(204)
  @ApiNotFoundResponse({ type: ErrorResponse })
  revokeApiKey(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.tenants.revokeApiKey(id);
  }
}
