import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { WebhookTargetPolicy } from '../common/net/webhook-target-policy';
import { AppConfig } from '../config/app-config';
import { AdminController } from './admin.controller';
import { ApiKey } from './api-key.entity';
import { MeController } from './me.controller';
import { ApiKeysService } from './api-keys.service';
import { Tenant } from './tenant.entity';
import { TenantsService } from './tenants.service';

@Module({
  imports: [MikroOrmModule.forFeature([Tenant, ApiKey])],
  controllers: [AdminController, MeController],
  providers: [
    TenantsService,
    ApiKeysService,
    {
      provide: WebhookTargetPolicy,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) =>
        new WebhookTargetPolicy(config.getOrThrow('tenantWebhooks', { infer: true }).allow),
    },
  ],
  exports: [TenantsService, ApiKeysService, WebhookTargetPolicy],
})
export class TenantsModule {}
