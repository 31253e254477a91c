import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { Connection } from './connection.entity';
import { ConnectionEvents } from './connection-events';
import { DueRefreshService } from './due-refresh.service';
import { TokenRefreshJob } from './token-refresh.job';
import { TokenRefreshService } from './token-refresh.service';
import { TokenVault } from './token-vault';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

@Module({
  imports: [MikroOrmModule.forFeature([Connection]), NotificationsModule],
  controllers: [TokensController],
  providers: [TokensService, TokenRefreshService, DueRefreshService, TokenVault, ConnectionEvents, TokenRefreshJob],
  exports: [TokensService, DueRefreshService, TokenRefreshService, TokenVault, ConnectionEvents],
})
export class TokensModule {}
