import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { DestinationStream } from 'pino';
import { AuthGuard } from './tenants/auth.guard';
import { ClockModule } from './common/clock.module';
import { CryptoModule } from './common/crypto/crypto.module';
import { ConsoleModule } from './console/console.module';
import { AllExceptionsFilter } from './common/filters/all-exceptions.filter';
import { LifecycleModule } from './common/lifecycle/lifecycle.module';
import { LoggingModule } from './common/logging/logging.module';
import { AppConfig } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import { ENTITIES } from './entities';
import { HealthModule } from './health/health.module';
import { MalwareScanModule } from './malware-scan/malware-scan.module';
import { StorageModule } from './storage/storage.module';
import { MetricsModule } from './metrics/metrics.module';
import { RateLimitGuard } from './rate-limits/rate-limit.guard';
import { RateLimitsModule } from './rate-limits/rate-limits.module';
import { RedisModule } from './redis/redis.module';
import { TenantsModule } from './tenants/tenants.module';
import { TikTokApiModule } from './tiktok-api/tiktok-api.module';
import { TikTokAuthModule } from './tiktok-auth/tiktok-auth.module';
import { TokensModule } from './tokens/tokens.module';
import { UploadsModule } from './uploads/uploads.module';
import { ScheduleModule } from '@nestjs/schedule';
import { TikTokWebhooksModule } from './tiktok-webhooks/tiktok-webhooks.module';

export interface AppModuleOptions {
  /** Where logs go instead of stdout (tests read them back). */
  logDestination?: DestinationStream;
}

@Module({})
export class AppModule {
  /** The whole service on an already validated configuration (see src/config/env.schema.ts). */
  static register(config: AppConfig, options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, ignoreEnvVars: true, load: [() => config] }),
        LoggingModule.register(options.logDestination),
        LifecycleModule,
        DatabaseModule.register(config.db, ENTITIES),
        RedisModule,
        ClockModule,
        CryptoModule,
        RateLimitsModule,
        MetricsModule,
        HealthModule,
        MalwareScanModule,
        StorageModule,
        ScheduleModule.forRoot(),
        TikTokApiModule.forRootAsync({
          useFactory: () => ({
            clientKey: config.tiktok.clientKey,
            clientSecret: config.tiktok.clientSecret,
            apiBaseUrl: config.tiktok.apiBaseUrl,
          }),
        }),
        TenantsModule,
        TokensModule,
        TikTokAuthModule,
        UploadsModule,
        TikTokWebhooksModule,
        ConsoleModule,
      ],
      providers: [
        // Order matters: the key guard identifies the caller before the rate limits count it.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
    };
  }
}
