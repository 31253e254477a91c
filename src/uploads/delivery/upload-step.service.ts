import { Injectable } from '@nestjs/common';
import { TikTokApiClient } from '../../tiktok-api/tiktok-api.client';
import { TikTokChunkPut } from '../../tiktok-api/tiktok-api.models';
import { MediaStorage } from '../../storage/media-storage';
import { TokenCipher } from '../../common/crypto/token-cipher';
import { PublishInitService } from './publish-init.service';
import { mediaKeyOf } from '../intake/spool-files';
import { PublishStatusService } from './publish-status.service';
import { chunkFailure } from './chunk-failure';
import { uploadUrlAad } from './upload-retries';
import { UploadChanges, UploadStateService } from '../upload-state.service';
import { chunkRange } from './chunk-plan';
import { Upload } from '../upload.entity';
import { ScheduledStartService } from '../schedule/scheduled-start.service';
import { chunkRetriesTotal, uploadBytesSentTotal } from '../uploads.metrics';

const CONTENT_TYPES: Record<string, TikTokChunkPut['contentType']> = {
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
};

export interface TransferContext {
  now: () => Date;
  /** True once the service is shutting down or the lease is lost: stop between chunks (the next owner resumes). */
  stopping: () => boolean;
}

/**
 * Moves one upload one step along: init (at most once per publish, never again after an ambiguous failure,
 * docs/lessons.md #6), the chunks exactly by TikTok's rules (§6.1-6.2), then status polling until a final state.
 */
@Injectable()
export class UploadStepService {
  constructor(
    private readonly tiktok: TikTokApiClient,
    private readonly state: UploadStateService,
    private readonly publishInit: PublishInitService,
    private readonly poller: PublishStatusService,
    private readonly cipher: TokenCipher,
    private readonly storage: MediaStorage,
    private readonly scheduledStart: ScheduledStartService,
  ) {}

  async advance(due: Upload, context: TransferContext): Promise<void> {
    const upload = due.status === 'scheduled' ? await this.scheduledStart.start(due, context.now()) : due;
    if (!upload) return;
    if (upload.status === 'processing') return this.poller.poll(upload, context.now());
    if (upload.status !== 'queued' && upload.status !== 'uploading') return;
    // A photo post's files are served to TikTok from storage; they have no spool file to send.
    const sendsFile = upload.source === 'file' && upload.mediaType === 'video';
    if (sendsFile && !(upload.spoolPath && (await this.storage.exists(mediaKeyOf(upload.spoolPath))))) {
      return this.state.fail(upload, 'video_file_missing', 'The received video is no longer on disk; upload it again.');
    }
    if (!upload.publishId) return this.publishInit.init(upload, context.now());
    return this.sendChunks(upload, context);
  }

  private async sendChunks(start: Upload, context: TransferContext): Promise<void> {
    let upload = start;
    const size = upload.video!.sizeBytes;
    const chunkSize = upload.chunkSize!;
    const total = upload.totalChunks!;
    const uploadUrl = this.cipher.decrypt(upload.uploadUrlCiphertext!, uploadUrlAad(upload.id));
    const key = mediaKeyOf(upload.spoolPath!);
    while (upload.uploadedChunks < total && !context.stopping()) {
      const index = upload.uploadedChunks;
      const { start: first, end: last } = chunkRange(index, chunkSize, total, size);
      let next: UploadChanges;
      try {
        const result = await this.tiktok.putChunk({
          uploadUrl,
          // Each attempt streams the range anew: from the file, or a ranged GET from the bucket.
          body: () => this.storage.readRange(key, first, last),
          storedBytes: size,
          start: first,
          end: last,
          totalBytes: size,
          contentType: CONTENT_TYPES[upload.video!.container] ?? 'video/mp4',
        });
        uploadBytesSentTotal.inc(last - first + 1);
        next =
          result.status === 201
            ? this.allSent(upload, context.now())
            : { uploadedBytes: last + 1, uploadedChunks: index + 1, attempts: 0 };
      } catch (error) {
        const recovery = await this.chunkFailed(upload, error, context.now());
        if (!recovery) return;
        next = recovery;
      }
      const changed = await this.state.change(upload, next);
      if (!changed || changed.status !== 'uploading' || !changed.publishId) return;
      upload = changed;
    }
  }

  private allSent(upload: Upload, now: Date): UploadChanges {
    const size = upload.video!.sizeBytes;
    return {
      status: 'processing',
      tiktokStatus: 'PROCESSING_UPLOAD',
      uploadedBytes: size,
      uploadedChunks: upload.totalChunks!,
      attempts: 0,
      nextActionAt: new Date(now.getTime() + 1000),
    };
  }

  /** Returns the progress to continue from, or undefined when this step ends here (rescheduled or failed). */
  private async chunkFailed(upload: Upload, error: unknown, now: Date): Promise<UploadChanges | undefined> {
    const decision = chunkFailure(error, {
      attempts: upload.attempts,
      videoSizeBytes: upload.video!.sizeBytes,
      chunkSize: upload.chunkSize!,
      now,
    });
    if (decision.kind !== 'rethrow' && decision.cause) chunkRetriesTotal.inc({ cause: decision.cause });
    switch (decision.kind) {
      case 'continue':
        return {
          uploadedBytes: decision.uploadedBytes,
          uploadedChunks: decision.uploadedChunks,
          attempts: decision.attempts,
        };
      case 'all_sent':
        return this.allSent(upload, now);
      case 'reinit':
        await this.state.change(upload, {
          publishId: null,
          uploadUrlCiphertext: null,
          initStartedAt: null,
          uploadedBytes: 0,
          uploadedChunks: 0,
          nextActionAt: now,
        });
        return undefined;
      case 'retry':
        await this.state.change(upload, {
          attempts: decision.attempts,
          nextActionAt: decision.at,
          error: decision.error,
        });
        return undefined;
      case 'fail':
        await this.state.fail(upload, decision.error.code, decision.error.message, decision.error);
        return undefined;
      case 'rethrow':
        throw error;
    }
  }
}
