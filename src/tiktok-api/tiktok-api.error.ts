import { HttpStatus } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import type { TikTokByteRange } from './tiktok-api.models';

export interface TikTokApiErrorInit {
  /** TikTok's `error.code` (data APIs) or `error` (OAuth endpoints), e.g. `invalid_grant`. */
  tiktokCode: string;
  message: string;
  logId?: string;
  httpStatus: number;
  /** Set when TikTok answered 429 with a Retry-After we did not wait for. */
  retryAfterSeconds?: number;
}

/** TikTok answered and refused; the caller sees TikTok's code and log_id (docs/errors.md `tiktok_error`). */
export class TikTokApiError extends AppError {
  readonly tiktokCode: string;
  readonly logId?: string;
  readonly httpStatus: number;
  readonly retryAfterSeconds?: number;

  constructor(init: TikTokApiErrorInit) {
    super('tiktok_error', init.message, HttpStatus.BAD_GATEWAY, {
      code: init.tiktokCode,
      logId: init.logId,
      httpStatus: init.httpStatus,
    });
    this.tiktokCode = init.tiktokCode;
    this.logId = init.logId;
    this.httpStatus = init.httpStatus;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }

  /** docs/tiktok.md §13: on refresh this means the user must reconnect. */
  isInvalidGrant(): boolean {
    return this.tiktokCode === 'invalid_grant';
  }

  isAccessTokenInvalid(): boolean {
    return this.tiktokCode === 'access_token_invalid';
  }

  isRateLimited(): boolean {
    return this.tiktokCode === 'rate_limit_exceeded' || this.httpStatus === 429;
  }
}

/** docs/tiktok.md §6.2: why the upload URL refused a chunk. */
export type TikTokUploadRejection =
  'bad_request' | 'upload_url_expired' | 'upload_task_not_found' | 'range_mismatch' | 'unexpected_status';

/** A chunk PUT refused; on `range_mismatch` (416) `uploadedRange` is TikTok's own progress, for reconciling. */
export class TikTokUploadRejectedError extends TikTokApiError {
  constructor(
    readonly reason: TikTokUploadRejection,
    httpStatus: number,
    readonly uploadedRange?: TikTokByteRange,
    logId?: string,
  ) {
    super({
      tiktokCode: reason,
      message: `TikTok refused the video chunk (${reason}).`,
      logId,
      httpStatus,
    });
  }
}

export type TikTokUnavailableReason = 'network' | 'timeout' | 'server_error';

export interface TikTokUnavailableInit {
  endpoint: string;
  reason: TikTokUnavailableReason;
  /**
   * True when the request may have reached TikTok (sent, then no answer): a refresh may have rotated the
   * token, an init may have created a publish.
   */
  deliveryUnknown: boolean;
  httpStatus?: number;
  tiktokCode?: string;
  logId?: string;
}

/** TikTok unreachable, timing out or answering 5xx after the allowed retries (docs/errors.md `tiktok_unavailable`). */
export class TikTokUnavailableError extends AppError {
  readonly endpoint: string;
  readonly reason: TikTokUnavailableReason;
  readonly deliveryUnknown: boolean;
  readonly httpStatus?: number;
  readonly logId?: string;

  constructor(init: TikTokUnavailableInit) {
    super('tiktok_unavailable', 'TikTok is unavailable; try again later.', HttpStatus.SERVICE_UNAVAILABLE, {
      reason: init.reason,
      httpStatus: init.httpStatus,
      code: init.tiktokCode,
      logId: init.logId,
    });
    this.endpoint = init.endpoint;
    this.reason = init.reason;
    this.deliveryUnknown = init.deliveryUnknown;
    this.httpStatus = init.httpStatus;
    this.logId = init.logId;
  }
}
