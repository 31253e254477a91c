import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Request } from 'express';
import { from, Observable, throwError } from 'rxjs';
import { catchError, finalize, mergeMap } from 'rxjs/operators';
import { ValidationFailedError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { MediaStorage } from '../../storage/media-storage';
import { validIdempotencyKey } from './idempotency-key';
import { IntakeLimits } from './intake-limits';
import { PendingVideo, readMultipartForm } from './multipart-intake';
import { leaveVideoFor } from './upload-intake.decorators';

/**
 * The body of `POST /api/tiktok/upload`, read before the handler so the service never sees Express. A multipart
 * request takes an intake place, then its fields (before the file) become `req.body` for the ValidationPipe and its
 * file waits, unread, for `@UploadedVideo()`; a JSON body is left to the body parser. Whatever the handler does not
 * finish with the file, this ends: a refusal stops reading the form, and the place is given back.
 */
@Injectable()
export class UploadIntakeInterceptor implements NestInterceptor {
  constructor(
    private readonly config: ConfigService<AppConfig, true>,
    private readonly limits: IntakeLimits,
    private readonly storage: MediaStorage,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = context.switchToHttp().getRequest<Request>();
    // Checked first, so a malformed key costs no intake place and no read.
    validIdempotencyKey(req.header('idempotency-key'));
    if (!req.is('multipart/form-data')) {
      refuseFileInJson(req.body);
      return next.handle();
    }
    const { video, release } = await this.openForm(req);
    return next.handle().pipe(
      catchError((error: unknown) => from(video.abandon(error)).pipe(mergeMap(() => throwError(() => error)))),
      finalize(release),
    );
  }

  /** Takes an intake place, then reads the form up to its file. */
  private async openForm(req: Request): Promise<{ video: PendingVideo; release: () => void }> {
    if (!req.tenant) throw new Error('UploadIntakeInterceptor used on a route without API-key auth');
    const { spoolDir, maxBytes } = this.config.get('uploads', { infer: true });
    // The free-disk check guards the local spool folder only; a bucket has no such limit to check.
    const local = this.storage.kind === 'local';
    if (local) await this.storage.ping();
    const release = await this.limits.admit(req.tenant.apiKeyId, local ? spoolDir : undefined, declaredLength(req));
    try {
      const { fields, video } = await readMultipartForm(req, { storage: this.storage, maxBytes });
      // The service checks the fields before a byte of the file is stored, so they must come first.
      if (fields.userId === undefined) {
        const error = new ValidationFailedError(
          'The form has no userId before its file: send the fields (userId, mode, ...) first and the file "video" last.',
          { field: 'userId' },
        );
        await video.abandon(error);
        throw error;
      }
      req.body = fields;
      leaveVideoFor(req, video);
      return { video, release };
    } catch (error) {
      release();
      throw error;
    }
  }
}

function refuseFileInJson(body: unknown): void {
  if (body && typeof body === 'object' && 'video' in body) {
    throw new ValidationFailedError(
      'A JSON body cannot carry the file: send multipart/form-data with the file in "video", or JSON with videoUrl.',
      { field: 'video' },
    );
  }
}

/** What the client says it will send (0 when it does not say, e.g. chunked). */
function declaredLength(req: Request): number {
  const length = Number(req.headers['content-length']);
  return Number.isSafeInteger(length) && length > 0 ? length : 0;
}
