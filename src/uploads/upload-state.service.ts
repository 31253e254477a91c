import { EntityManager } from '@mikro-orm/core';
import { Injectable, Logger } from '@nestjs/common';
import { rm } from 'node:fs/promises';
import { UploadResponse } from './dto/upload.response';
import { TikTokPublishEvent } from './upload-events';
import { FINAL_STATUSES, Upload, UploadStatus } from './upload.entity';
import { uploadsFinishedTotal } from './uploads.metrics';

/** How far along the state machine a status is; nothing ever moves to a lower rank (webhooks and polls race). */
const RANK: Record<UploadStatus, number> = {
  queued: 0,
  uploading: 1,
  processing: 2,
  inbox_delivered: 3,
  published: 4,
  failed: 4,
  cancelled: 4,
};

export type UploadChanges = Partial<
  Pick<
    Upload,
    | 'status'
    | 'uploadedBytes'
    | 'uploadedChunks'
    | 'publishId'
    | 'uploadUrlCiphertext'
    | 'uploadUrlExpiresAt'
    | 'initStartedAt'
    | 'tiktokStatus'
    | 'failReason'
    | 'postIds'
    | 'error'
    | 'attempts'
    | 'nextActionAt'
    | 'leaseUntil'
    | 'leaseOwner'
  >
>;

/**
 * The one place an upload's state changes, whether polling, the worker or a TikTok webhook moved it. A change is
 * applied only if the row still has the status it was read with (compare-and-swap), so racing writers cannot move
 * an upload backwards; reaching a final status deletes the spooled video.
 */
@Injectable()
export class UploadStateService {
  private readonly logger = new Logger(UploadStateService.name);

  constructor(private readonly em: EntityManager) {}

  /** Applies `changes` if the upload is still in `from`; returns the updated row, or undefined when it moved on. */
  async change(upload: Upload, changes: UploadChanges): Promise<Upload | undefined> {
    const from: UploadStatus = upload.status;
    const to: UploadStatus = changes.status ?? from;
    if (RANK[to] < RANK[from] || (isFinal(from) && to !== from && from !== 'inbox_delivered')) {
      return undefined;
    }
    const em = this.em.fork();
    const updated = await em.nativeUpdate(
      Upload,
      { id: upload.id, status: upload.status },
      { ...changes, updatedAt: new Date() },
    );
    if (updated !== 1) return undefined;
    const row = await em.findOneOrFail(Upload, { id: upload.id }, { disableIdentityMap: true });
    if (isFinal(to) && !isFinal(upload.status)) await this.finish(row);
    return row;
  }

  /** A post.publish.* webhook moves the same state machine as polling (issue 6). */
  async applyTikTokPublishEvent(publishId: string, event: TikTokPublishEvent): Promise<void> {
    const upload = await this.em.fork().findOne(Upload, { publishId }, { disableIdentityMap: true });
    if (!upload) {
      this.logger.warn({ publishId, event: event.kind }, 'TikTok event for an unknown publish');
      return;
    }
    switch (event.kind) {
      case 'inbox_delivered':
        await this.change(upload, { status: 'inbox_delivered', tiktokStatus: 'SEND_TO_USER_INBOX' });
        return;
      case 'complete':
        await this.change(upload, { status: 'published', tiktokStatus: 'PUBLISH_COMPLETE' });
        return;
      case 'publicly_available':
        await this.change(upload, {
          status: 'published',
          tiktokStatus: 'PUBLISH_COMPLETE',
          postIds: [...new Set([...upload.postIds, event.postId])],
        });
        return;
      case 'no_longer_available':
        await this.change(upload, { postIds: upload.postIds.filter((id) => id !== event.postId) });
        return;
      case 'failed':
        await this.change(upload, { status: 'failed', tiktokStatus: 'FAILED', failReason: event.reason });
        return;
    }
  }

  private async finish(upload: Upload): Promise<void> {
    uploadsFinishedTotal.inc({
      mode: upload.mode,
      status: upload.status,
      reason: upload.failReason ?? upload.error?.code ?? '',
    });
    await this.deleteSpool(upload);
  }

  async deleteSpool(upload: Upload): Promise<void> {
    if (!upload.spoolPath) return;
    await rm(upload.spoolPath, { force: true });
    await this.em.fork().nativeUpdate(Upload, { id: upload.id }, { spoolPath: null });
  }
}

export function isFinal(status: UploadStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

export function toUploadResponse(upload: Upload): UploadResponse {
  return {
    id: upload.id,
    userId: upload.userId,
    mode: upload.mode,
    source: upload.source,
    status: upload.status,
    progress: {
      uploadedBytes: upload.uploadedBytes,
      totalBytes: upload.video?.sizeBytes ?? null,
      uploadedChunks: upload.uploadedChunks,
      totalChunks: upload.totalChunks ?? null,
    },
    publishId: upload.publishId ?? null,
    tiktokStatus: upload.tiktokStatus ?? null,
    failReason: upload.failReason ?? null,
    postIds: upload.postIds,
    error: upload.error ?? null,
    video: upload.video ?? null,
    malwareScan: upload.malwareScan ?? null,
    createdAt: upload.createdAt,
    updatedAt: upload.updatedAt,
  };
}
