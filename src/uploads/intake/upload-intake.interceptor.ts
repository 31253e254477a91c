import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Request } from 'express';
import { Observable } from 'rxjs';
import { ValidationFailedError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { MediaStorage } from '../../storage/media-storage';
import { validIdempotencyKey } from './idempotency-key';
import { IntakeLimits } from './intake-limits';
import { handleWithForm, openFormInPlace } from './form-intake';
import { readMultipartForm } from './multipart-intake';
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
    const { spoolDir, maxBytes } = this.config.get('uploads', { infer: true });
    const { form: video, release } = await openFormInPlace(
      req,
      { limits: this.limits, storage: this.storage, spoolDir },
      async () => {
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
        return video;
      },
    );
    return handleWithForm(next, video, release);
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
