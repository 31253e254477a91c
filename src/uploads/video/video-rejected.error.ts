import { HttpStatus } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';

export type VideoRule = 'container' | 'codec' | 'duration' | 'frame_rate' | 'resolution' | 'size';

export type MeasuredValue = number | string | null | { width: number | null; height: number | null };

/** One TikTok media rule (docs/tiktok.md §7) the file breaks: what was measured, the bound it crossed, and why. */
export interface VideoRuleViolation {
  rule: VideoRule;
  measured: MeasuredValue;
  /** The crossed bound (a number), or the accepted values for container and codec. */
  limit: number | readonly string[];
  message: string;
}

/**
 * 422 `video_rejected` (docs/errors.md): the file is a video, but TikTok would fail it after upload
 * (`frame_rate_check_failed` etc., docs/lessons.md #7). Details name the first rule; the message lists them all.
 */
export class VideoRejectedError extends AppError {
  constructor(readonly violations: [VideoRuleViolation, ...VideoRuleViolation[]]) {
    const [first, ...others] = violations;
    const message = [first.message, ...others.map((other) => `Also: ${other.message}`)].join(' ');
    super('video_rejected', message, HttpStatus.UNPROCESSABLE_ENTITY, {
      rule: first.rule,
      measured: first.measured,
      limit: first.limit,
    });
  }
}

/** 415 `unsupported_media_type`: the bytes are not a video container at all (whatever the name or MIME type said). */
export class UnsupportedMediaTypeError extends AppError {
  constructor(violation: VideoRuleViolation) {
    super('unsupported_media_type', violation.message, HttpStatus.UNSUPPORTED_MEDIA_TYPE, {
      rule: violation.rule,
      measured: violation.measured,
      limit: violation.limit,
    });
  }
}
