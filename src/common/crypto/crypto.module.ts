import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppConfig } from '../../config/app-config';
import { TokenCipher } from './token-cipher';

/** The AES-GCM key ring, shared by the token vault and tenant webhook secrets. */
@Global()
@Module({
  providers: [
    {
      provide: TokenCipher,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) =>
        new TokenCipher(config.get('crypto', { infer: true }).tokenEncryptionKeys),
    },
  ],
  exports: [TokenCipher],
})
export class CryptoModule {}
