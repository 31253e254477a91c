import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminAuth } from '../common/auth/auth.decorators';
import { ApiErrorResponse, ApiJsonBodyOnlyResponse, ApiValidationFailedResponse } from '../common/http/api-errors';
import { uuidParam } from '../common/http/uuid-param.pipe';
import { CreateTenantDto } from './dto/create-tenant.dto';
import {
  CreatedApiKeyResponse,
  CreatedTenantResponse,
  RotatedWebhookSecretResponse,
  TenantListResponse,
} from './dto/tenant.response';
import { TenantsService } from './tenants.service';

const ApiTenantNotFoundResponse = () => ApiErrorResponse(404, ['not_found'], 'No such tenant');

@ApiTags('admin')
@AdminAuth()
@Controller('api/admin')
export class AdminController {
  constructor(private readonly tenants: TenantsService) {}

  /** Creates a tenant with its first API key and webhook secret (both shown only here). */
  @Post('tenants')
  @ApiCreatedResponse({ type: CreatedTenantResponse })
  @ApiJsonBodyOnlyResponse()
  @ApiValidationFailedResponse()
  createTenant(@Body() dto: CreateTenantDto): Promise<CreatedTenantResponse> {
    return this.tenants.createTenant(dto);
  }

  /** Lists tenants (never their keys or secrets). */
  @Get('tenants')
  @ApiOkResponse({ type: TenantListResponse })
  listTenants(): Promise<TenantListResponse> {
    return this.tenants.listTenants();
  }

  /** Issues another API key for a tenant (shown only here). */
  @Post('tenants/:id/api-keys')
  @ApiCreatedResponse({ type: CreatedApiKeyResponse })
  @ApiTenantNotFoundResponse()
  @ApiValidationFailedResponse('The id is not a UUID')
  createApiKey(@Param('id', uuidParam('id')) id: string): Promise<CreatedApiKeyResponse> {
    return this.tenants.createApiKey(id);
  }

  /** Replaces the tenant's webhook secret; the new one is shown only here and signs every delivery from now on. */
  @Post('tenants/:id/webhook-secret')
  @ApiCreatedResponse({ type: RotatedWebhookSecretResponse })
  @ApiTenantNotFoundResponse()
  @ApiValidationFailedResponse('The id is not a UUID')
  rotateWebhookSecret(@Param('id', uuidParam('id')) id: string): Promise<RotatedWebhookSecretResponse> {
    return this.tenants.rotateWebhookSecret(id);
  }

  /** Revokes an API key at once; revoking twice is not an error. */
  @Delete('api-keys/:id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrorResponse(404, ['not_found'], 'No such API key')
  @ApiValidationFailedResponse('The id is not a UUID')
  revokeApiKey(@Param('id', uuidParam('id')) id: string): Promise<void> {
    return this.tenants.revokeApiKey(id);
  }
}
