import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module';
import { TokenRefreshJob } from './token-refresh.job';

@Module({ imports: [TokensModule], providers: [TokenRefreshJob] })
export class TokenRefreshModule {}
