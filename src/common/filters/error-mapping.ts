import { HttpException, HttpStatus } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { AppError, ErrorCode } from '../errors/app-error';

export interface MappedError {
  status: number;
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  /** Unexpected failures are logged in full; expected refusals are not. */
  unexpected: boolean;
}

const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: 'validation_failed',
  [HttpStatus.UNAUTHORIZED]: 'unauthorized',
  [HttpStatus.FORBIDDEN]: 'forbidden',
  [HttpStatus.NOT_FOUND]: 'not_found',
  [HttpStatus.METHOD_NOT_ALLOWED]: 'not_found',
  [HttpStatus.CONFLICT]: 'conflict',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'payload_too_large',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'unsupported_media_type',
  [HttpStatus.UNPROCESSABLE_ENTITY]: 'validation_failed',
  [HttpStatus.TOO_MANY_REQUESTS]: 'rate_limited',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'service_unavailable',
};

/** Turns anything thrown into the error body of docs/errors.md, never exposing internals of unexpected errors. */
export function mapError(error: unknown): MappedError {
  if (error instanceof AppError) {
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      details: error.details,
      unexpected: error.status >= 500 && error.code === 'internal_error',
    };
  }
  if (error instanceof ThrottlerException) {
    return {
      status: 429,
      code: 'rate_limited',
      message: 'Too many requests; retry after the time in Retry-After.',
      unexpected: false,
    };
  }
  if (error instanceof HttpException) return mapHttpException(error);
  if (isDatabaseUnavailable(error)) {
    return {
      status: 503,
      code: 'service_unavailable',
      message: 'The database is unavailable; retry shortly.',
      unexpected: false,
    };
  }
  return { status: 500, code: 'internal_error', message: 'An unexpected error occurred.', unexpected: true };
}

function mapHttpException(error: HttpException): MappedError {
  const status = error.getStatus();
  const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'validation_failed');
  const response = error.getResponse();
  const messages =
    typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : undefined;
  if (status === HttpStatus.BAD_REQUEST && Array.isArray(messages)) {
    return {
      status,
      code,
      message: `Invalid request: ${messages.join('; ')}.`,
      details: { problems: messages },
      unexpected: false,
    };
  }
  if (status === HttpStatus.NOT_FOUND && /^Cannot (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /.test(error.message)) {
    return { status, code, message: 'No such endpoint.', unexpected: false };
  }
  const message = typeof messages === 'string' ? messages : error.message;
  return {
    status,
    code,
    message: status >= 500 ? 'An unexpected error occurred.' : message,
    unexpected: status >= 500,
  };
}

function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { name?: string; code?: string; message?: string };
  if (!e || typeof e !== 'object') return false;
  if (e.name === 'ConnectionException' || e.name === 'KnexTimeoutError') return true;
  return (
    ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P03', '08006', '08001', '08003'].includes(e.code ?? '') ||
    /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Client has encountered a connection error|Timeout acquiring a connection|^timeout expired$/.test(
      e.message ?? '',
    )
  );
}
