import { EntityManager } from '@mikro-orm/core';
import { InjectRepository } from '@mikro-orm/nestjs';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppConfig } from '../config/app-config';
import { MediaStorage } from '../storage/media-storage';
import { OutboxService } from '../notifications/outbox.service';
import { NotificationType } from '../notifications/notification.types';
import { mediaKeyOf } from './intake/spool-files';
import { TikTokPublishEvent } from './upload-events';
import { FINAL_STATUSES, Upload, UploadErrorInfo, UploadStatus } from './upload.entity';
import { UploadRepository } from './upload.repository';
import { uploadsFinishedTotal } from './uploads.metrics';
import { toUploadResponse } from './dto/upload.mapping';
import { readBackStart } from './readback/read-back-schedule';

/** How far along the state machine a status is; nothing ever moves to a lower rank (webhooks and polls race). */
const RANK: Record<UploadStatus, number> = {
  scheduled: -1,
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
    | 'initStartedAt'
    | 'tiktokStatus'
    | 'failReason'
    | 'postIds'
    | 'error'
    | 'attempts'
    | 'nextActionAt'
    | 'publishAt'
    | 'shareUrl'
    | 'readBackAt'
    | 'readBackTries'
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

  constructor(
    private readonly em: EntityManager,
    @InjectRepository(Upload) private readonly uploads: UploadRepository,
    private readonly outbox: OutboxService,
    private readonly config: ConfigService<AppConfig, true>,
    private readonly storage: MediaStorage,
  ) {}

  /**
   * Applies `changes` if the row is still as it was read (status and last update); returns the updated row, or
   * undefined when someone else changed it first. Tenant notifications are written in the same transaction.
   */
  async change(upload: Upload, changes: UploadChanges): Promise<Upload | undefined> {
    const from: UploadStatus = upload.status;
    const to: UploadStatus = changes.status ?? from;
    if (RANK[to] < RANK[from] || (isFinal(from) && to !== from && from !== 'inbox_delivered')) {
      return undefined;
    }
    // A fork: the change and its notifications are one unit of work of their own, and the notification rows it
    // persists must not stay behind in the caller's context.
    const row = await this.em.fork().transactional(async (em) => {
      if (!(await this.uploads.compareAndSet(upload, { ...changes, ...readBackStart(upload, changes) })))
        return undefined;
      const changed = await this.uploads.findFresh(upload.id);
      await this.notify(em, upload, changed);
      return changed;
    });
    if (row && isFinal(to) && !isFinal(from)) await this.finish(row);
    else if (row && photosPulled(row)) await this.deletePhotoFiles(row);
    return row;
  }

  /** A new scheduled post, inside the transaction that inserts it: the tenant hears of it now (upload.updated). */
  async announceScheduled(em: EntityManager, upload: Upload): Promise<void> {
    const data = toUploadResponse(upload);
    await this.outbox.enqueue(em, { tenantId: upload.tenant.id, type: 'upload.updated', data, orderingKey: upload.id });
  }

  /** Ends the upload failed with a code and a message a person can act on. */
  async fail(upload: Upload, code: string, message: string, info?: UploadErrorInfo): Promise<void> {
    this.logger.warn({ uploadId: upload.id, code }, 'Upload failed');
    await this.change(upload, { status: 'failed', error: { ...info, code, message }, nextActionAt: null });
  }

  /**
   * upload.updated on every status (or post id) change, a moved publishAt, and a scheduled post's warning coming or
   * going; upload.completed / upload.failed on the first final state.
   */
  private async notify(em: EntityManager, before: Upload, after: Upload): Promise<void> {
    const types: NotificationType[] = [];
    const shareUrlFound = (before.shareUrl ?? null) !== (after.shareUrl ?? null);
    if (
      before.status !== after.status ||
      before.postIds.length !== after.postIds.length ||
      shareUrlFound ||
      before.publishAt?.getTime() !== after.publishAt?.getTime() ||
      (after.status === 'scheduled' && before.error?.code !== after.error?.code)
    ) {
      types.push('upload.updated');
    }
    if (before.status !== after.status && !isFinal(before.status)) {
      if (after.status === 'failed') types.push('upload.failed');
      if (after.status === 'inbox_delivered' || after.status === 'published') types.push('upload.completed');
    }
    const data = toUploadResponse(after);
    for (const type of types) {
      await this.outbox.enqueue(em, { tenantId: after.tenant.id, type, data, orderingKey: after.id });
    }
  }

  /** A post.publish.* webhook moves the same state machine as polling (docs/tiktok.md §10.3); a lost race is read and tried again. */
  async applyTikTokPublishEvent(publishId: string, event: TikTokPublishEvent): Promise<void> {
    const read = () => this.uploads.findByPublishId(publishId);
    let upload = await read();
    if (!upload) {
      this.logger.warn({ publishId, event: event.kind }, 'TikTok event for an unknown publish');
      return;
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      const changes = eventChanges(upload, event);
      if (!changes || (await this.change(upload, changes))) return;
      const now = await read();
      // Refused for good (it would move backwards), not lost to a race: nothing more to do.
      if (!now || (now.status === upload.status && now.updatedAt.getTime() === upload.updatedAt.getTime())) return;
      upload = now;
    }
    this.logger.warn({ publishId, event: event.kind }, 'TikTok event not applied after repeated conflicts');
  }

  private async finish(upload: Upload): Promise<void> {
    uploadsFinishedTotal.inc({
      mode: upload.mode,
      status: upload.status,
      reason: upload.failReason ?? upload.error?.code ?? '',
    });
    await this.deleteSpool(upload);
  }

  /** A local file is on its holder's disk: another instance leaves it to the holder (media-holders.job.ts). */
  async deleteSpool(upload: Upload): Promise<void> {
    await this.deletePhotoFiles(upload);
    if (!upload.spoolPath) return;
    if (upload.mediaHolder && upload.mediaHolder !== this.config.get('instance', { infer: true }).id) return;
    await this.storage.delete(mediaKeyOf(upload.spoolPath));
    await this.uploads.clearSpoolPath(upload.id);
  }

  /** Received photos are kept only until TikTok has pulled them (or the upload ends); their links then answer 404. */
  private async deletePhotoFiles(upload: Upload): Promise<void> {
    const photos = upload.photos;
    if (!photos?.files?.length || photos.filesDeletedAt) return;
    if (upload.mediaHolder && upload.mediaHolder !== this.config.get('instance', { infer: true }).id) return;
    for (const file of photos.files) await this.storage.delete(file.key);
    await this.uploads.recordPhotoFilesDeleted(upload.id, photos, new Date());
  }
}

function eventChanges(upload: Upload, event: TikTokPublishEvent): UploadChanges | undefined {
  switch (event.kind) {
    case 'inbox_delivered':
      return { status: 'inbox_delivered', tiktokStatus: 'SEND_TO_USER_INBOX' };
    case 'complete':
      return { status: 'published', tiktokStatus: 'PUBLISH_COMPLETE' };
    case 'publicly_available':
      if (upload.postIds.includes(event.postId) && upload.status === 'published') return undefined;
      return { status: 'published', tiktokStatus: 'PUBLISH_COMPLETE', postIds: [...upload.postIds, event.postId] };
    case 'no_longer_available':
      if (!upload.postIds.includes(event.postId)) return undefined;
      return { postIds: upload.postIds.filter((id) => id !== event.postId) };
    case 'failed':
      return { status: 'failed', tiktokStatus: 'FAILED', failReason: event.reason };
  }
}

/** docs/tiktok.md §8: a pull is over once TikTok reports anything after PROCESSING_DOWNLOAD. */
function photosPulled(upload: Upload): boolean {
  return (
    upload.mediaType === 'photo' && upload.status === 'processing' && upload.tiktokStatus !== 'PROCESSING_DOWNLOAD'
  );
}

export function isFinal(status: UploadStatus): boolean {
  return FINAL_STATUSES.includes(status);
}
