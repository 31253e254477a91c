import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { Request, Response } from 'express';
import { ErrorResponse } from '../http/error.response';
import { mapError } from './error-mapping';

/** The one place errors become HTTP responses. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const mapped = mapError(exception);
    if (mapped.unexpected) this.logger.error({ err: exception }, 'Unhandled error');
    if (response.headersSent) {
      response.end();
      return;
    }
    const retryAfter = mapped.details?.retryAfterSeconds;
    if (typeof retryAfter === 'number') response.setHeader('Retry-After', String(retryAfter));
    const body: ErrorResponse = {
      error: {
        code: mapped.code,
        message: mapped.message,
        ...(mapped.details ? { details: mapped.details } : {}),
        requestId: String(request.id ?? response.getHeader('x-request-id') ?? ''),
      },
    };
    response.status(mapped.status).json(body);
  }
}
