import {
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Sse,
  MessageEvent,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
  getSchemaPath,
  ApiExtraModels,
} from '@nestjs/swagger';
import { Request } from 'express';
import { Observable } from 'rxjs';
import { ApiKeyAuth, CurrentTenant, IdempotencyKeyHeader } from '../common/auth/auth.decorators';
import { RefusedWhileShuttingDown } from '../common/lifecycle/shutdown-guards';
import { AuthenticatedTenant } from '../common/auth/authenticated-tenant';
import { ErrorResponse } from '../common/http/error.response';
import { TikTokCreatorInfo } from '../tiktok-api/tiktok-api.models';
import { UserIdQuery } from '../tokens/dto/user-id.dto';
import { CreatorInfoResponse } from './dto/creator-info.response';
import { ListUploadsQuery } from './dto/list-uploads.query';
import { UploadListResponse, UploadResponse } from './dto/upload.response';
import { UPLOAD_FORM_SCHEMA, UPLOAD_JSON_SCHEMA } from './upload-form.schema';
import { UploadIntakeService } from './upload-intake.service';
import { UploadsService } from './uploads.service';

@ApiTags('publishing')
@ApiKeyAuth()
@ApiExtraModels(ErrorResponse)
@ApiBadRequestResponse({ type: ErrorResponse, description: 'validation_failed' })
@Controller('api/tiktok')
export class UploadsController {
  constructor(
    private readonly intake: UploadIntakeService,
    private readonly uploads: UploadsService,
  ) {}

  /** The creator's current posting options from TikTok (query it right before showing a post form). */
  @Get('creator-info')
  @ApiOkResponse({ type: CreatorInfoResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'not_connected or reauth_required' })
  @ApiResponse({
    status: 502,
    type: ErrorResponse,
    description: "tiktok_error (e.g. spam_risk_too_many_posts), with TikTok's code and log_id",
  })
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
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody({
    schema: { oneOf: [UPLOAD_FORM_SCHEMA, UPLOAD_JSON_SCHEMA] },
    description: 'multipart/form-data with the file in `video`, or application/json with `videoUrl`',
  })
  @ApiAcceptedResponse({ type: UploadResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'not_connected or reauth_required' })
  @ApiPayloadTooLargeResponse({ type: ErrorResponse, description: 'payload_too_large' })
  @ApiUnsupportedMediaTypeResponse({
    type: ErrorResponse,
    description: 'unsupported_media_type: not a video container',
  })
  @ApiUnprocessableEntityResponse({
    type: ErrorResponse,
    description: 'video_rejected: details name the rule and the measured value',
  })
  @ApiTooManyRequestsResponse({
    type: ErrorResponse,
    description: 'rate_limited (per API key and user, or too many uploads of the key at once), with Retry-After',
  })
  @ApiServiceUnavailableResponse({
    type: ErrorResponse,
    description:
      'service_unavailable: too many uploads at once on the instance, too little free disk, the instance is ' +
      'shutting down, or a backing service is down; with Retry-After',
  })
  createUpload(
    @CurrentTenant() caller: AuthenticatedTenant,
    @Req() req: Request,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<UploadResponse> {
    return this.intake.createUpload(caller, req, idempotencyKey);
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
  @ApiNotFoundResponse({ type: ErrorResponse })
  getUpload(
    @CurrentTenant() caller: AuthenticatedTenant,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<UploadResponse> {
    return this.uploads.getUpload(caller, id);
  }

  /** Server-sent events: the upload object on every change; the stream ends after a final state. */
  @Sse('uploads/:id/events')
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: `text/event-stream of ${getSchemaPath(UploadResponse)} objects (event "upload")` })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiTooManyRequestsResponse({ type: ErrorResponse, description: 'rate_limited: too many open streams for this key' })
  @ApiServiceUnavailableResponse({ type: ErrorResponse, description: 'service_unavailable: too many open streams' })
  streamUploadEvents(
    @CurrentTenant() caller: AuthenticatedTenant,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<Observable<MessageEvent>> {
    return this.uploads.streamUpload(caller, id);
  }

  /** Cancels an upload TikTok has not started posting (409 when it is too late). */
  @Delete('uploads/:id')
  @ApiOkResponse({ type: UploadResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'conflict: TikTok can no longer cancel it' })
  cancelUpload(
    @CurrentTenant() caller: AuthenticatedTenant,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<UploadResponse> {
    return this.uploads.cancelUpload(caller, id);
  }
}
