import { applyDecorators } from '@nestjs/common';
import { ApiExtension, ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ErrorCode } from '../errors/app-error';
import { ErrorBody } from './error.response';

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 502 | 503;

/** A code the response can carry and what it means there; the first one is the example's. */
export type ErrorCases = [ErrorCode, ...ErrorCode[]];

const EXAMPLE_MESSAGES: Partial<Record<ErrorCode, string>> = {
  unauthorized: 'Send your API key in the X-API-Key header.',
  forbidden: 'The caller may not do this.',
  not_found: 'No such upload.',
  validation_failed: 'Invalid request: userId must be 1 to 128 characters of A-Z a-z 0-9 . _ : @ -.',
  invalid_state: 'This connect link has expired (links live 10 minutes); ask the application for a new one.',
  not_connected: 'The user has no connected TikTok account; create a connect link first.',
  reauth_required: 'The TikTok connection needs a new consent; create a connect link for the user.',
  conflict: 'TikTok can no longer cancel this upload.',
  schedule_cap_exceeded: 'The creator would have 16 Direct Posts within 24 hours; TikTok allows about 15 a day.',
  payload_too_large: 'The video is larger than the limit of 4294967296 bytes.',
  unsupported_media_type: 'Send multipart/form-data (the fields, then the file in "video") or JSON with videoUrl.',
  video_rejected: 'The video was refused: its duration is longer than the creator may post.',
  photo_rejected: 'Photo 2 was refused: it is image/png; TikTok takes JPEG or WebP.',
  scope_missing: 'The user did not grant video.list; connect again and allow it.',
  rate_limited: 'Too many requests; retry after the time in Retry-After.',
  tiktok_error: 'TikTok refused the request.',
  tiktok_unavailable: 'TikTok could not be reached; try again in a moment.',
  service_unavailable: 'The database is unavailable; retry shortly.',
};

/**
 * One documented error response: the envelope with `code` narrowed to the codes this response can carry, and an
 * example of the first one, so a generated client sees exactly which codes to handle.
 */
export function ApiErrorResponse(status: ErrorStatus, codes: ErrorCases, description: string) {
  const example = {
    error: {
      code: codes[0],
      message: EXAMPLE_MESSAGES[codes[0]] ?? description,
      requestId: '0b6f4c3e-7d52-4a55-9a8e-2f1f8d0c9a41',
    },
  };
  return applyDecorators(
    ApiExtraModels(ErrorBody),
    ApiResponse({
      status,
      description: `${description} (code: ${codes.join(', ')})`,
      headers: status === 429 ? { 'Retry-After': RETRY_AFTER_HEADER } : undefined,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['error'],
            properties: {
              error: {
                allOf: [
                  { $ref: getSchemaPath(ErrorBody) },
                  { type: 'object', properties: { code: { type: 'string', enum: codes } } },
                ],
              },
            },
          },
          example,
        },
      },
    }),
  );
}

const RETRY_AFTER_HEADER = {
  description: 'Seconds to wait before the next attempt.',
  schema: { type: 'integer', minimum: 1, example: 12 },
};

/** The 400 of a route that validates its query, path or body. */
export const ApiValidationFailedResponse = (description = 'A field is missing or malformed; the message names it.') =>
  ApiErrorResponse(400, ['validation_failed'], description);

/** An extension read and removed by the document's post-processing (src/swagger.ts). */
export const RATE_LIMIT_BUDGET_EXTENSION = 'x-rate-limit-budget';

/**
 * The 429 of a rate-limited route, with Retry-After. `budget` names the throttler of a public route that does not
 * spend the `public` one; keyed routes spend `api`.
 */
export const ApiRateLimitedResponse = (description: string, budget?: 'webhooks') =>
  budget
    ? applyDecorators(
        ApiErrorResponse(429, ['rate_limited'], description),
        ApiExtension(RATE_LIMIT_BUDGET_EXTENSION, budget),
      )
    : ApiErrorResponse(429, ['rate_limited'], description);

/** The 415 of a route that reads a JSON body (ContentTypeGuard). */
export const ApiJsonBodyOnlyResponse = () =>
  ApiErrorResponse(415, ['unsupported_media_type'], 'The body is not application/json');
