import { Injectable } from '@nestjs/common';
import { AuthenticatedTenant } from '../../common/auth/authenticated-tenant';
import { TikTokApiClient } from '../../tiktok-api/tiktok-api.client';
import { TikTokApiError } from '../../tiktok-api/tiktok-api.error';
import { TokensService } from '../../tokens/tokens.service';
import { DisplayBudget } from './display-budget';
import { ListVideosQuery } from './dto/list-videos.query';
import { toVideoListResponse } from './dto/video.mapping';
import { VideoListResponse } from './dto/video.response';
import { hasVideoListScope, videoListScopeMissing } from './video-list-scope';

/** docs/tiktok.md §5.6: TikTok's own default page size. */
const DEFAULT_LIMIT = 10;

/** The creator's public posts as TikTok lists them, newest first. */
@Injectable()
export class VideosService {
  constructor(
    private readonly tiktok: TikTokApiClient,
    private readonly tokens: TokensService,
    private readonly budget: DisplayBudget,
  ) {}

  async listVideos(caller: AuthenticatedTenant, query: ListVideosQuery): Promise<VideoListResponse> {
    const connection = await this.tokens.activeConnectionOf(caller.tenantId, query.userId);
    if (!hasVideoListScope(connection.scopes)) throw videoListScopeMissing(query.userId);
    await this.budget.spend(connection.id);
    try {
      const page = await this.tokens.withAccessToken(caller.tenantId, query.userId, (token) =>
        this.tiktok.listVideos(token, { cursor: query.cursor, maxCount: query.limit ?? DEFAULT_LIMIT }),
      );
      return toVideoListResponse(page);
    } catch (error) {
      // The scopes stored at connect time may be out of date: TikTok's word is final.
      if (error instanceof TikTokApiError && error.tiktokCode === 'scope_not_authorized') {
        throw videoListScopeMissing(query.userId);
      }
      throw error;
    }
  }
}
