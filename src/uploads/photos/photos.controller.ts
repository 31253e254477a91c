import { Controller, HttpCode, Post, UseInterceptors } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth, CurrentTenant, IdempotencyKey, IdempotencyKeyHeader } from '../../common/auth/auth.decorators';
import { AuthenticatedTenant } from '../../common/auth/authenticated-tenant';
import { ApiErrorResponse, ApiRateLimitedResponse, ApiValidationFailedResponse } from '../../common/http/api-errors';
import { AcceptsBodies } from '../../common/http/content-type.guard';
import { RefusedWhileShuttingDown } from '../../common/lifecycle/shutdown-guards';
import { UploadResponse } from '../dto/upload.response';
import { PHOTO_POST_REQUEST_BODY } from './photo-form.schema';
import { PendingFiles } from '../intake/multipart-intake';
import { UploadFields } from '../intake/upload-intake.decorators';
import { CreatePhotoPostDto } from './dto/create-photo-post.dto';
import { PhotoIntakeInterceptor, UploadedPhotos } from './photo-intake.interceptor';
import { PhotoIntakeService } from './photo-intake.service';

@ApiTags('publishing')
@ApiKeyAuth()
@ApiValidationFailedResponse()
@Controller('api/tiktok')
export class PhotosController {
  constructor(private readonly intake: PhotoIntakeService) {}

  /**
   * Sends a photo post (carousel) to the user's TikTok: JSON with `photoUrls` for TikTok to pull, or a multipart form
   * with the images in `photos` parts (fields first). Checked before anything reaches TikTok; answers 202 with an
   * upload of `mediaType: photo`, followed like any upload.
   */
  @Post('photos')
  @HttpCode(202)
  @RefusedWhileShuttingDown()
  @IdempotencyKeyHeader()
  @AcceptsBodies(
    ['application/json', 'multipart/form-data'],
    'Send application/json with photoUrls, or multipart/form-data (the fields, then the images in "photos").',
  )
  @UseInterceptors(PhotoIntakeInterceptor)
  @ApiOperation({ requestBody: PHOTO_POST_REQUEST_BODY })
  @ApiAcceptedResponse({ type: UploadResponse, description: 'Accepted; follow it with getUpload or its events' })
  @ApiErrorResponse(403, ['forbidden'], 'The user did not grant the scope this mode needs')
  @ApiErrorResponse(
    409,
    ['not_connected', 'reauth_required', 'schedule_cap_exceeded'],
    "The user has no usable TikTok connection; or, with publishAt, a Direct Post beyond TikTok's ~15 per creator " +
      'in 24 hours (details: limit, count, windowStart, windowEnd)',
  )
  @ApiErrorResponse(
    415,
    ['unsupported_media_type'],
    'Neither JSON nor multipart/form-data, or a form while the gateway has no MEDIA_PUBLIC_URL to serve images from',
  )
  @ApiErrorResponse(
    422,
    ['photo_rejected'],
    "A received image breaks TikTok's photo rules; details name the photo's index and the rule (format, size, resolution, count)",
  )
  @ApiRateLimitedResponse('Too many uploads for this API key and user, or too many requests for this API key')
  @ApiErrorResponse(
    502,
    ['tiktok_error'],
    'Direct posts: TikTok refused the creator-info check; details carry its code',
  )
  @ApiErrorResponse(
    503,
    ['service_unavailable', 'tiktok_unavailable'],
    'Too many uploads at once, too little free disk, shutting down or a backing service down (with Retry-After); ' +
      'or, for direct posts, TikTok could not be reached',
  )
  createPhotoPost(
    @CurrentTenant() caller: AuthenticatedTenant,
    @UploadFields() dto: CreatePhotoPostDto,
    @UploadedPhotos() photos: PendingFiles | undefined,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<UploadResponse> {
    return this.intake.createPhotoPost(caller, dto, photos, idempotencyKey);
  }
}
