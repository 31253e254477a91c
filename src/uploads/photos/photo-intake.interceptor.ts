import {
  CallHandler,
  createParamDecorator,
  ExecutionContext,
  HttpStatus,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Request } from 'express';
import { Observable } from 'rxjs';
import { AppError, ValidationFailedError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { MediaStorage } from '../../storage/media-storage';
import { MAX_PHOTO_BYTES, MAX_PHOTO_COUNT } from '../../tiktok-api/tiktok-limits';
import { validIdempotencyKey } from '../intake/idempotency-key';
import { IntakeLimits } from '../intake/intake-limits';
import { handleWithForm, openFormInPlace } from '../intake/form-intake';
import { PendingFiles, readMultipartForm } from '../intake/multipart-intake';
import { tooLargePhoto, tooManyPhotos } from './photo-file-rules';

/** The image parts each multipart photo post's interceptor left for its handler. */
const pendingPhotos = new WeakMap<Request, PendingFiles>();

/** The unread `photos` parts of a multipart photo post (PhotoIntakeInterceptor), or undefined for a JSON body. */
export const UploadedPhotos = createParamDecorator((_: unknown, context: ExecutionContext): PendingFiles | undefined =>
  pendingPhotos.get(context.switchToHttp().getRequest<Request>()),
);

/**
 * The body of `POST /api/tiktok/photos`, read before the handler as for videos (UploadIntakeInterceptor): a form takes
 * an intake place and is read, by the same hardened reader, up to its first `photos` part; its fields become
 * `req.body` for the ValidationPipe and the images wait, unread, for the service. Forms are taken only with
 * MEDIA_PUBLIC_URL, since TikTok must pull the images from somewhere (docs/tiktok.md §5.4: photos are pulled only).
 */
@Injectable()
export class PhotoIntakeInterceptor implements NestInterceptor {
  constructor(
    private readonly config: ConfigService<AppConfig, true>,
    private readonly limits: IntakeLimits,
    private readonly storage: MediaStorage,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = context.switchToHttp().getRequest<Request>();
    validIdempotencyKey(req.header('idempotency-key'));
    if (!req.is('multipart/form-data')) {
      refuseFilesInJson(req.body);
      return next.handle();
    }
    if (!this.config.get('media', { infer: true }).publicUrl) throw formsNeedMediaPublicUrl();
    const spoolDir = this.config.get('uploads', { infer: true }).spoolDir;
    const { form: photos, release } = await openFormInPlace(
      req,
      { limits: this.limits, storage: this.storage, spoolDir },
      async () => {
        const { fields, files } = await readMultipartForm(req, {
          storage: this.storage,
          maxBytes: MAX_PHOTO_BYTES,
          fileField: 'photos',
          maxFiles: MAX_PHOTO_COUNT,
          fileTooLarge: tooLargePhoto,
          tooManyFiles: tooManyPhotos,
        });
        const refusal = refusalOfFields(fields);
        if (refusal) {
          await files.abandon(refusal);
          throw refusal;
        }
        req.body = fields;
        pendingPhotos.set(req, files);
        return files;
      },
    );
    return handleWithForm(next, photos, release);
  }
}

/** The service checks the fields before a byte of an image is stored, so they must come first. */
function refusalOfFields(fields: Record<string, string>): AppError | undefined {
  if (fields.userId === undefined) {
    return new ValidationFailedError(
      'The form has no userId before its images: send the fields (userId, mode, ...) first, then the "photos" parts.',
      { field: 'userId' },
    );
  }
  if ('photoUrls' in fields) {
    return new ValidationFailedError('Send either photoUrls (as JSON) or image files, not both.', {
      field: 'photoUrls',
    });
  }
  return undefined;
}

function refuseFilesInJson(body: unknown): void {
  if (body && typeof body === 'object' && 'photos' in body) {
    throw new ValidationFailedError(
      'A JSON body cannot carry image files: send multipart/form-data with "photos" parts, or JSON with photoUrls.',
      { field: 'photos' },
    );
  }
}

function formsNeedMediaPublicUrl(): AppError {
  return new AppError(
    'unsupported_media_type',
    'This gateway takes photo posts as application/json with photoUrls only: it has no MEDIA_PUBLIC_URL from which ' +
      'TikTok could pull received images.',
    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    { contentType: 'multipart/form-data', accepted: ['application/json'] },
  );
}
