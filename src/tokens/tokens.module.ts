import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { Connection } from './connection.entity';
import { ConnectionEvents } from './connection-events';
import { DueRefreshService } from './due-refresh.service';
import { TokenRefreshService } from './token-refresh.service';
import { TokenVault } from './token-vault';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

@Module({
  imports: [MikroOrmModule.forFeature([Connection])],
  controllers: [TokensController],
  providers: [TokensService, TokenRefreshService, DueRefreshService, TokenVault, ConnectionEvents],
  exports: [TokensService, DueRefreshService, TokenRefreshService, TokenVault, ConnectionEvents],
})
export class TokensModule {}
