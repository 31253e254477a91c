import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Request } from 'express';
import type { PendingVideo } from './multipart-intake';

/** The file part each multipart request's interceptor left for its handler. */
const pendingVideos = new WeakMap<Request, PendingVideo>();

export function leaveVideoFor(req: Request, video: PendingVideo): void {
  pendingVideos.set(req, video);
}

/** The unread file of a multipart upload (UploadIntakeInterceptor), or undefined for a JSON body. */
export const UploadedVideo = createParamDecorator((_: unknown, context: ExecutionContext): PendingVideo | undefined =>
  pendingVideos.get(context.switchToHttp().getRequest<Request>()),
);

/**
 * The upload's fields: the form's fields before its file (UploadIntakeInterceptor) or the JSON body, validated by
 * the global ValidationPipe. Not `@Body()`, whose reflected schema would replace the per-content-type request bodies
 * of the OpenAPI document (upload-form.schema.ts).
 */
export const UploadFields = createParamDecorator(
  (_: unknown, context: ExecutionContext): unknown => context.switchToHttp().getRequest<Request>().body,
);
