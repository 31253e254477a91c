import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth, CurrentTenant } from '../common/auth/auth.decorators';
import { AuthenticatedTenant } from '../common/auth/authenticated-tenant';
import { CurrentTenantResponse } from './dto/tenant.response';
import { TenantsService } from './tenants.service';

@ApiTags('tenant')
@ApiKeyAuth()
@Controller('api/me')
export class MeController {
  constructor(private readonly tenants: TenantsService) {}

  /** The tenant the API key belongs to; a cheap way to check a key works. */
  @Get()
  @ApiOkResponse({ type: CurrentTenantResponse })
  getCurrentTenant(@CurrentTenant() tenant: AuthenticatedTenant): Promise<CurrentTenantResponse> {
    return this.tenants.describe(tenant);
  }
}
