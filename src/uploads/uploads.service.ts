import { InjectRepository } from '@mikro-orm/nestjs';
import { Injectable, MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import { AuthenticatedTenant } from '../common/auth/authenticated-tenant';
import { ConflictError, NotFoundError, ValidationFailedError } from '../common/errors/app-error';
import { TikTokApiClient } from '../tiktok-api/tiktok-api.client';
import { TikTokApiError } from '../tiktok-api/tiktok-api.error';
import { TikTokCreatorInfo } from '../tiktok-api/tiktok-api.models';
import { TokensService } from '../tokens/tokens.service';
import { ListUploadsQuery } from './dto/list-uploads.query';
import { UploadListResponse, UploadResponse } from './dto/upload.response';
import { UploadEventHub } from './upload-event-hub';
import { isFinal, UploadStateService } from './upload-state.service';
import { isPulledByTikTok, Upload } from './upload.entity';
import { UploadRepository } from './upload.repository';
import { toUploadResponse } from './dto/upload.mapping';

@Injectable()
export class UploadsService {
  constructor(
    @InjectRepository(Upload) private readonly uploads: UploadRepository,
    private readonly state: UploadStateService,
    private readonly tokens: TokensService,
    private readonly tiktok: TikTokApiClient,
    private readonly events: UploadEventHub,
  ) {}

  getCreatorInfo(caller: AuthenticatedTenant, userId: string): Promise<TikTokCreatorInfo> {
    return this.tokens.withAccessToken(caller.tenantId, userId, (token) => this.tiktok.queryCreatorInfo(token));
  }

  async getUpload(caller: AuthenticatedTenant, id: string): Promise<UploadResponse> {
    return toUploadResponse(found(await this.uploads.findViewForTenant(caller.tenantId, id)));
  }

  /** Newest first; the cursor is opaque (the last item's creation time and id). */
  async listUploads(caller: AuthenticatedTenant, query: ListUploadsQuery): Promise<UploadListResponse> {
    const limit = query.limit ?? 20;
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await this.uploads.listPage(caller.tenantId, {
      userId: query.userId,
      status: query.status,
      after,
      limit,
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items: items.map(toUploadResponse), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }

  /**
   * Cancels what TikTok cannot have posted yet: a scheduled post (its media deleted), a queued upload, a file still being sent (TikTok never gets its
   * last byte), or a URL pull TikTok agrees to cancel (docs/tiktok.md §6.3). Anything else is 409.
   */
  async cancelUpload(caller: AuthenticatedTenant, id: string): Promise<UploadResponse> {
    const upload = await this.find(caller, id);
    if (upload.status === 'cancelled') return toUploadResponse(upload);
    const cancellable =
      upload.status === 'scheduled' ||
      upload.status === 'queued' ||
      (upload.status === 'uploading' && upload.source === 'file');
    if (!cancellable && !(upload.status === 'processing' && isPulledByTikTok(upload))) {
      throw new ConflictError(`The upload is ${upload.status}; TikTok can no longer cancel it.`, {
        status: upload.status,
      });
    }
    if (isPulledByTikTok(upload) && upload.publishId) {
      try {
        await this.tokens.withAccessToken(caller.tenantId, upload.userId, (token) =>
          this.tiktok.cancelPublish(token, upload.publishId!),
        );
      } catch (error) {
        if (error instanceof TikTokApiError && error.tiktokCode === 'publish_not_cancellable') {
          throw new ConflictError('TikTok can no longer cancel this upload.', {
            code: error.tiktokCode,
            logId: error.logId,
          });
        }
        throw error;
      }
    }
    // The worker may touch the row meanwhile (a status poll); read it again until the cancel lands or it is final.
    let current = upload;
    for (let attempt = 0; attempt < 5; attempt++) {
      const changed = await this.state.change(current, { status: 'cancelled', nextActionAt: null });
      if (changed) return toUploadResponse(changed);
      current = await this.find(caller, id);
      if (isFinal(current.status)) break;
    }
    throw new ConflictError(`The upload is ${current.status}; it could not be cancelled.`, { status: current.status });
  }

  /** Server-sent events: the upload on every change, closing after a final state (see UploadEventHub). */
  streamUpload(caller: AuthenticatedTenant, id: string): Promise<Observable<MessageEvent>> {
    return this.events.open(caller, id);
  }

  private async find(caller: AuthenticatedTenant, id: string): Promise<Upload> {
    return found(await this.uploads.findForTenant(caller.tenantId, id));
  }
}

/** Another tenant's upload is simply not found (docs/errors.md `not_found`). */
function found<T>(upload: T | null): T {
  if (!upload) throw new NotFoundError('No upload with this id.');
  return upload;
}

function encodeCursor(upload: Upload): string {
  return Buffer.from(`${upload.createdAt.toISOString()}|${upload.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || Number.isNaN(createdAt.getTime()))
    throw new ValidationFailedError('cursor is not valid; use nextCursor as given.');
  return { createdAt, id };
}
