import { Controller, Get, Query, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth, CurrentTenant } from '../../common/auth/auth.decorators';
import { AuthenticatedTenant } from '../../common/auth/authenticated-tenant';
import { ApiErrorResponse, ApiRateLimitedResponse, ApiValidationFailedResponse } from '../../common/http/api-errors';
import { ExactJsonInterceptor } from '../../common/http/exact-json.interceptor';
import { ListVideosQuery } from './dto/list-videos.query';
import { VideoListResponse } from './dto/video.response';
import { VideosService } from './videos.service';

@ApiTags('publishing')
@ApiKeyAuth()
@ApiValidationFailedResponse()
@Controller('api/tiktok')
export class VideosController {
  constructor(private readonly videos: VideosService) {}

  /** The creator's public posts on TikTok, newest first, with cursor paging; view counts are exact int64 integers. */
  @Get('videos')
  @UseInterceptors(ExactJsonInterceptor)
  @ApiOkResponse({ type: VideoListResponse })
  @ApiErrorResponse(
    409,
    ['scope_missing', 'not_connected', 'reauth_required'],
    'The user did not grant video.list (details name the scope), or has no usable TikTok connection',
  )
  @ApiRateLimitedResponse("TikTok's 600 reads a minute for this user are spent, or too many requests for this API key")
  @ApiErrorResponse(502, ['tiktok_error'], "TikTok refused; details carry TikTok's code and log_id")
  @ApiErrorResponse(503, ['tiktok_unavailable'], 'TikTok could not be reached')
  listVideos(
    @CurrentTenant() caller: AuthenticatedTenant,
    @Query() query: ListVideosQuery,
  ): Promise<VideoListResponse> {
    return this.videos.listVideos(caller, query);
  }
}
