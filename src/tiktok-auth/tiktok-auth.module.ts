import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TokensModule } from '../tokens/tokens.module';
import { ConnectAttempt } from './connect-attempt.entity';
import { ConnectFlowService } from './connect-flow.service';
import { TikTokStrategy } from './strategies/tiktok.strategy';
import { TikTokAuthController } from './tiktok-auth.controller';
import { TikTokAuthGuard } from './tiktok-auth.guard';

@Module({
  imports: [PassportModule, MikroOrmModule.forFeature([ConnectAttempt]), TokensModule],
  controllers: [TikTokAuthController],
  providers: [ConnectFlowService, TikTokStrategy, TikTokAuthGuard],
})
export class TikTokAuthModule {}
