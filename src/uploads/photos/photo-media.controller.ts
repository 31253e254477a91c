import { Controller, Get, Header, Param, StreamableFile } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../../common/auth/auth.decorators';
import { SkipRateLimits } from '../../rate-limits/rate-limit.guard';
import { PhotoMediaService } from './photo-media.service';

/**
 * `GET /media/photos/{expires}/{token}` under MEDIA_PUBLIC_URL: where TikTok pulls the photos the gateway received.
 * No key (TikTok sends none) and no per-IP budget (TikTok pulls up to 35 images a post from few addresses); the
 * 256-bit token in the path is the credential. Not part of the API a tenant calls, so not in the OpenAPI document.
 */
@ApiExcludeController()
@Public()
@SkipRateLimits()
@Controller('media/photos')
export class PhotoMediaController {
  constructor(private readonly media: PhotoMediaService) {}

  @Get(':expires/:token')
  @Header('Cache-Control', 'private, no-store')
  getPhoto(@Param('expires') expires: string, @Param('token') token: string): Promise<StreamableFile> {
    return this.media.open(expires, token);
  }
}
