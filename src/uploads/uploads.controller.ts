import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  MessageEvent,
  Param,
  Patch,
  Post,
  Query,
  Sse,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { Observable } from 'rxjs';
import { ApiKeyAuth, CurrentTenant, IdempotencyKey, IdempotencyKeyHeader } from '../common/auth/auth.decorators';
import { RefusedWhileShuttingDown } from '../common/lifecycle/shutdown-guards';
import { AuthenticatedTenant } from '../common/auth/authenticated-tenant';
import { AcceptsBodies } from '../common/http/content-type.guard';
import { ApiErrorResponse, ApiRateLimitedResponse, ApiValidationFailedResponse } from '../common/http/api-errors';
import { uuidParam } from '../common/http/uuid-param.pipe';
import { TikTokCreatorInfo } from '../tiktok-api/tiktok-api.models';
import { UserIdQuery } from '../tokens/dto/user-id.dto';
import { CreatorInfoResponse } from './dto/creator-info.response';
import { CreateUploadDto } from './dto/create-upload.dto';
import { ListUploadsQuery } from './dto/list-uploads.query';
import { UploadListResponse, UploadResponse } from './dto/upload.response';
import { UPLOAD_REQUEST_BODY } from './intake/upload-form.schema';
import { PendingVideo } from './intake/multipart-intake';
import { UploadIntakeInterceptor } from './intake/upload-intake.interceptor';
import { UploadIntakeService } from './intake/upload-intake.service';
import { UploadedVideo, UploadFields } from './intake/upload-intake.decorators';
import { UploadsService } from './uploads.service';
import { RescheduleUploadDto } from './dto/reschedule-upload.dto';
import { RescheduleService } from './schedule/reschedule.service';

const ApiNotConnectedResponse = () =>
  ApiErrorResponse(409, ['not_connected', 'reauth_required'], 'The user has no usable TikTok connection');
const ApiUploadNotFoundResponse = () =>
  ApiErrorResponse(404, ['not_found'], "No upload with this id among the caller's");

@ApiTags('publishing')
@ApiKeyAuth()
@ApiExtraModels(UploadResponse)
@ApiValidationFailedResponse()
@Controller('api/tiktok')
export class UploadsController {
  constructor(
    private readonly intake: UploadIntakeService,
    private readonly uploads: UploadsService,
    private readonly schedule: RescheduleService,
  ) {}

  /** The creator's current posting options from TikTok (query it right before showing a post form). */
  @Get('creator-info')
  @ApiOkResponse({ type: CreatorInfoResponse })
  @ApiNotConnectedResponse()
  @ApiErrorResponse(
    502,
    ['tiktok_error'],
    "TikTok refused (e.g. spam_risk_too_many_posts); details carry TikTok's code and log_id",
  )
  @ApiErrorResponse(503, ['tiktok_unavailable'], 'TikTok could not be reached')
  getCreatorInfo(
    @CurrentTenant() caller: AuthenticatedTenant,
    @Query() query: UserIdQuery,
  ): Promise<TikTokCreatorInfo> {
    return this.uploads.getCreatorInfo(caller, query.userId);
  }

  /**
   * Sends a video to the user's TikTok: a multipart form with the file in `video` (fields first), or JSON with
   * `videoUrl` for TikTok to pull. Checked before anything reaches TikTok; answers 202 and continues in the background.
   */
  @Post('upload')
  @HttpCode(202)
  @RefusedWhileShuttingDown()
  @IdempotencyKeyHeader()
  @AcceptsBodies(
    ['multipart/form-data', 'application/json'],
    'Send multipart/form-data (the fields, then the file in "video"), or application/json with videoUrl.',
  )
  @UseInterceptors(UploadIntakeInterceptor)
  @ApiOperation({ requestBody: UPLOAD_REQUEST_BODY })
  @ApiAcceptedResponse({ type: UploadResponse, description: 'Accepted; follow it with getUpload or its events' })
  @ApiErrorResponse(403, ['forbidden'], 'The user did not grant the scope this mode needs')
  @ApiErrorResponse(
    409,
    ['not_connected', 'reauth_required', 'schedule_cap_exceeded'],
    "The user has no usable TikTok connection; or, with publishAt, a Direct Post beyond TikTok's ~15 per creator " +
      'in 24 hours (details: limit, count, windowStart, windowEnd)',
  )
  @ApiErrorResponse(413, ['payload_too_large'], 'The video is larger than UPLOAD_MAX_BYTES')
  @ApiErrorResponse(
    415,
    ['unsupported_media_type'],
    'Not multipart/form-data or JSON, or the file is not a video container',
  )
  @ApiErrorResponse(422, ['video_rejected'], 'The video breaks a TikTok rule; details name the rule and the value')
  @ApiRateLimitedResponse(
    'Too many uploads for this API key and user, too many uploads of this key at once, or too many requests for this key',
  )
  @ApiErrorResponse(
    502,
    ['tiktok_error'],
    'Direct posts: TikTok refused the creator-info check; details carry its code',
  )
  @ApiErrorResponse(
    503,
    ['service_unavailable', 'tiktok_unavailable'],
    'Too many uploads at once on the instance, too little free disk, the instance is shutting down or a backing ' +
      'service is down (with Retry-After); or, for direct posts, TikTok could not be reached',
  )
  createUpload(
    @CurrentTenant() caller: AuthenticatedTenant,
    @UploadFields() dto: CreateUploadDto,
    @UploadedVideo() video: PendingVideo | undefined,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<UploadResponse> {
    return this.intake.createUpload(caller, dto, video, idempotencyKey);
  }

  /** The caller's uploads, newest first, with cursor paging. */
  @Get('uploads')
  @ApiOkResponse({ type: UploadListResponse })
  listUploads(
    @CurrentTenant() caller: AuthenticatedTenant,
    @Query() query: ListUploadsQuery,
  ): Promise<UploadListResponse> {
    return this.uploads.listUploads(caller, query);
  }

  /** One upload: status, progress, TikTok's publish id, status, fail reason and post ids. */
  @Get('uploads/:id')
  @ApiOkResponse({ type: UploadResponse })
  @ApiUploadNotFoundResponse()
  getUpload(
    @CurrentTenant() caller: AuthenticatedTenant,
    @Param('id', uuidParam('id')) id: string,
  ): Promise<UploadResponse> {
    return this.uploads.getUpload(caller, id);
  }

  /** Server-sent events: the upload object on every change; the stream ends after a final state. */
  @Sse('uploads/:id/events')
  @ApiOkResponse({
    description: 'One `event: upload` whose `data` is the upload as JSON on every change; ends after a final state',
    content: { 'text/event-stream': { schema: { $ref: getSchemaPath(UploadResponse) } } },
  })
  @ApiUploadNotFoundResponse()
  @ApiRateLimitedResponse('Too many open streams for this API key, or too many requests for this API key')
  @ApiErrorResponse(503, ['service_unavailable'], 'Too many open streams on the instance, or it is shutting down')
  streamUploadEvents(
    @CurrentTenant() caller: AuthenticatedTenant,
    @Param('id', uuidParam('id')) id: string,
  ): Promise<Observable<MessageEvent>> {
    return this.uploads.streamUpload(caller, id);
  }

  /** Moves a scheduled post to another publishAt (409 once it has started). */
  @Patch('uploads/:id')
  @AcceptsBodies(['application/json'], 'Send application/json with publishAt.')
  @ApiOkResponse({ type: UploadResponse, description: 'Rescheduled' })
  @ApiUploadNotFoundResponse()
  @ApiErrorResponse(
    409,
    ['conflict', 'schedule_cap_exceeded'],
    'The post is no longer scheduled (it has started, ended or was cancelled); or, for a Direct Post, the new time ' +
      "passes TikTok's ~15 per creator in 24 hours (details: limit, count, windowStart, windowEnd)",
  )
  rescheduleUpload(
    @CurrentTenant() caller: AuthenticatedTenant,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: RescheduleUploadDto,
  ): Promise<UploadResponse> {
    return this.schedule.reschedule(caller, id, body);
  }

  /** Cancels an upload TikTok has not started posting, a scheduled one included (409 when it is too late). */
  @Delete('uploads/:id')
  @ApiOkResponse({ type: UploadResponse, description: 'Cancelled' })
  @ApiUploadNotFoundResponse()
  @ApiErrorResponse(409, ['conflict'], 'TikTok can no longer cancel it')
  @ApiErrorResponse(503, ['tiktok_unavailable'], 'TikTok could not be reached')
  cancelUpload(
    @CurrentTenant() caller: AuthenticatedTenant,
    @Param('id', uuidParam('id')) id: string,
  ): Promise<UploadResponse> {
    return this.uploads.cancelUpload(caller, id);
  }
}
