import { Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { TokensModule } from '../tokens/tokens.module';
import { TokenRefreshJob } from './token-refresh.job';

@Module({ imports: [TokensModule], providers: [TokenRefreshJob, Clock] })
export class TokenRefreshModule {}
