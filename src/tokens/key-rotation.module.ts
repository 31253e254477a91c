import { EntityClass } from '@mikro-orm/core';
import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CryptoModule } from '../common/crypto/crypto.module';
import { AppConfig } from '../config/app-config';
import { DatabaseModule } from '../database/database.module';
import { KeyRotationService } from './key-rotation.service';
import { TokenVault } from './token-vault';

/** Just what re-encryption needs, so the command starts no server, scheduler or TikTok client. */
@Module({})
export class KeyRotationModule {
  static register(config: AppConfig, entities: EntityClass<object>[]): DynamicModule {
    return {
      module: KeyRotationModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, ignoreEnvVars: true, load: [() => config] }),
        DatabaseModule.register(config.db, entities),
        CryptoModule,
      ],
      providers: [KeyRotationService, TokenVault],
      exports: [KeyRotationService],
    };
  }
}
