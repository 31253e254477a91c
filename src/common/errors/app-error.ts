import { HttpStatus } from '@nestjs/common';

/** The stable error codes an error body can carry (docs/errors.md). */
export const ERROR_CODES = [
  'unauthorized',
  'forbidden',
  'not_found',
  'validation_failed',
  'invalid_state',
  'not_connected',
  'reauth_required',
  'conflict',
  'schedule_cap_exceeded',
  'payload_too_large',
  'unsupported_media_type',
  'video_rejected',
  'photo_rejected',
  'scope_missing',
  'rate_limited',
  'tiktok_error',
  'tiktok_unavailable',
  'service_unavailable',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** A refusal or failure the exception filter turns into the error body (docs/errors.md). */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: HttpStatus,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found.', details?: Record<string, unknown>) {
    super('not_found', message, HttpStatus.NOT_FOUND, details);
  }
}

export class ValidationFailedError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('validation_failed', message, HttpStatus.BAD_REQUEST, details);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('conflict', message, HttpStatus.CONFLICT, details);
  }
}
