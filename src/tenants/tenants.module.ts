import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller';
import { ApiKey } from './api-key.entity';
import { MeController } from './me.controller';
import { ApiKeysService } from './api-keys.service';
import { Tenant } from './tenant.entity';
import { TenantsService } from './tenants.service';

@Module({
  imports: [MikroOrmModule.forFeature([Tenant, ApiKey])],
  controllers: [AdminController, MeController],
  providers: [TenantsService, ApiKeysService],
  exports: [TenantsService, ApiKeysService],
})
export class TenantsModule {}
