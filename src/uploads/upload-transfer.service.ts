import { Injectable, Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { AppError } from '../common/errors/app-error';
import { TikTokApiClient } from '../tiktok-api/tiktok-api.client';
import { TikTokApiError, TikTokUnavailableError, TikTokUploadRejectedError } from '../tiktok-api/tiktok-api.error';
import { TikTokChunkPut, TikTokPublishInit } from '../tiktok-api/tiktok-api.models';
import { TokenCipher } from '../tokens/token-cipher';
import { TokensService } from '../tokens/tokens.service';
import { captionOf } from './direct-post-rules';
import { InitBudget } from './init-budget';
import { StatusPoller } from './status-poller';
import { UploadChanges, UploadStateService } from './upload-state.service';
import { Upload, UploadErrorInfo } from './upload.entity';
import { chunkRetriesTotal, uploadBytesSentTotal } from './uploads.metrics';

const MAX_ATTEMPTS = 6;
/** TikTok's upload URLs live one hour (tiktok-api.md §5.2); stop trusting one a little before. */
const UPLOAD_URL_LIFETIME_MS = 55 * 60_000;
const CONTENT_TYPES: Record<string, TikTokChunkPut['contentType']> = {
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
};

export interface TransferContext {
  now: () => Date;
  /** True once the service is shutting down: stop between chunks (the next owner resumes from the last byte). */
  stopping: () => boolean;
  renewLease: () => Promise<void>;
}

/**
 * Moves one upload one step along: init (at most once per publish, never again after an ambiguous failure,
 * LESSONS.md #6), the chunks exactly by TikTok's rules (§6.1-6.2), then status polling until a final state.
 */
@Injectable()
export class UploadTransferService {
  private readonly logger = new Logger(UploadTransferService.name);

  constructor(
    private readonly tiktok: TikTokApiClient,
    private readonly tokens: TokensService,
    private readonly state: UploadStateService,
    private readonly budget: InitBudget,
    private readonly poller: StatusPoller,
    private readonly cipher: TokenCipher,
  ) {}

  async advance(upload: Upload, context: TransferContext): Promise<void> {
    if (upload.status === 'processing') return this.poller.poll(upload, context.now());
    if (upload.status !== 'queued' && upload.status !== 'uploading') return;
    if (!upload.publishId) return this.init(upload, context.now());
    return this.sendChunks(upload, context);
  }

  private async init(upload: Upload, now: Date): Promise<void> {
    if (upload.initStartedAt) {
      // An init was sent and its answer never stored (a crash): TikTok may have created the publish. Never again.
      return this.fail(
        upload,
        'init_outcome_unknown',
        'The service stopped while TikTok was creating the post; it was not retried, to avoid a duplicate post. Upload again if it does not appear in TikTok.',
      );
    }
    if (upload.source === 'file' && (!upload.spoolPath || !existsSync(upload.spoolPath))) {
      return this.fail(upload, 'video_file_missing', 'The received video is no longer on disk; upload it again.');
    }
    const reserved = await this.budget.reserve(upload, now);
    if (reserved !== true) {
      await this.state.change(upload, { nextActionAt: reserved });
      return;
    }
    const inFlight: Upload = { ...upload, initStartedAt: now } as Upload;
    // Whether an init may have reached TikTok without a definite answer: only then is a failure ambiguous.
    let inDoubt = false;
    let init: TikTokPublishInit;
    try {
      init = await this.tokens.withAccessToken(upload.tenant.id, upload.userId, async (token) => {
        inDoubt = true;
        try {
          return await this.sendInit(upload, token);
        } catch (error) {
          // A refusal with TikTok's error body is definite: nothing was created, whatever happens next (a refresh).
          if (error instanceof TikTokApiError) inDoubt = false;
          throw error;
        }
      });
    } catch (error) {
      return this.initFailed(inFlight, error, now, inDoubt);
    }
    // If this write fails, the row keeps initStartedAt without a publish id: the next owner fails it, never re-inits.
    await this.state.change(inFlight, this.afterInit(upload, init, now));
  }

  private sendInit(upload: Upload, token: string): Promise<TikTokPublishInit> {
    const source =
      upload.source === 'url'
        ? { kind: 'url' as const, videoUrl: upload.videoUrl! }
        : {
            kind: 'file' as const,
            videoSize: upload.video!.sizeBytes,
            chunkSize: upload.chunkSize!,
            totalChunkCount: upload.totalChunks!,
          };
    if (upload.mode === 'inbox') return this.tiktok.initInboxUpload(token, source);
    const post = upload.post;
    return this.tiktok.initDirectPost(
      token,
      {
        title: captionOf(post),
        privacyLevel: post.privacyLevel as 'SELF_ONLY',
        disableComment: post.disableComment,
        disableDuet: post.disableDuet,
        disableStitch: post.disableStitch,
        videoCoverTimestampMs: post.coverTimestampMs,
        brandContentToggle: post.brandContent ?? false,
        brandOrganicToggle: post.brandOrganic,
        isAigc: post.isAigc,
      },
      source,
    );
  }

  private afterInit(upload: Upload, init: TikTokPublishInit, now: Date): UploadChanges {
    const common = { publishId: init.publishId, error: null, attempts: 0, nextActionAt: now };
    if (upload.source === 'url') return { ...common, status: 'processing', tiktokStatus: 'PROCESSING_DOWNLOAD' };
    return {
      ...common,
      status: 'uploading',
      uploadUrlCiphertext: this.cipher.encrypt(init.uploadUrl!, uploadUrlAad(upload.id)),
      uploadUrlExpiresAt: new Date(now.getTime() + UPLOAD_URL_LIFETIME_MS),
      uploadedBytes: 0,
      uploadedChunks: 0,
    };
  }

  private async initFailed(upload: Upload, error: unknown, now: Date, inDoubt: boolean): Promise<void> {
    // A definite refusal created nothing at TikTok, so the slot is given back and a later init is safe.
    const retryLater = (delayMs: number, info: UploadErrorInfo) =>
      upload.attempts + 1 >= MAX_ATTEMPTS
        ? this.fail(upload, info.code, info.message, info)
        : this.state.change(upload, {
            initStartedAt: null,
            attempts: upload.attempts + 1,
            nextActionAt: new Date(now.getTime() + delayMs),
            error: info,
          });
    if (error instanceof TikTokApiError && error.isRateLimited()) {
      const waitMs = (error.retryAfterSeconds ?? 60) * 1000;
      return void (await retryLater(waitMs, {
        ...tiktokInfo(error),
        message: 'TikTok asked to slow down (rate_limit_exceeded); the upload waits and tries again.',
      }));
    }
    // A definite answer from TikTok (init refused, or the token refresh refused): nothing was created.
    if (error instanceof TikTokApiError) return this.fail(upload, error.tiktokCode, error.message, tiktokInfo(error));
    if (!inDoubt) {
      // Failed before any init left (reading or refreshing the token): retrying is safe, unless the connection
      // itself is gone (reauth_required, not_connected).
      if (error instanceof AppError && error.status < 500) return this.fail(upload, error.code, error.message);
      return void (await retryLater(backoffMs(upload.attempts), {
        code: error instanceof AppError ? error.code : 'internal_error',
        message: 'Preparing the TikTok request failed; retrying.',
      }));
    }
    if (error instanceof TikTokUnavailableError && !error.deliveryUnknown) {
      return void (await retryLater(backoffMs(upload.attempts), {
        code: 'tiktok_unavailable',
        message: 'TikTok could not be reached; retrying.',
      }));
    }
    if (error instanceof TikTokUnavailableError) {
      return this.fail(
        upload,
        'init_outcome_unknown',
        'TikTok did not answer whether it created the post; not retried, to avoid a duplicate post.',
        tiktokInfo(error),
      );
    }
    return this.fail(
      upload,
      'init_outcome_unknown',
      'The TikTok request failed in an unexpected way; not retried, to avoid a duplicate post.',
    );
  }

  private async sendChunks(start: Upload, context: TransferContext): Promise<void> {
    let upload = start;
    if (!upload.spoolPath || !existsSync(upload.spoolPath)) {
      return this.fail(upload, 'video_file_missing', 'The received video is no longer on disk; upload it again.');
    }
    const size = upload.video!.sizeBytes;
    const chunkSize = upload.chunkSize!;
    const total = upload.totalChunks!;
    const uploadUrl = this.cipher.decrypt(upload.uploadUrlCiphertext!, uploadUrlAad(upload.id));
    while (upload.uploadedChunks < total && !context.stopping()) {
      const index = upload.uploadedChunks;
      // tiktok-api.md §6.1: chunks 1..n-1 are chunk_size bytes, the last one absorbs the rest.
      const first = index * chunkSize;
      const last = index === total - 1 ? size - 1 : first + chunkSize - 1;
      let next: UploadChanges;
      try {
        const result = await this.tiktok.putChunk({
          uploadUrl,
          filePath: upload.spoolPath!,
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
      await context.renewLease();
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
    if (
      error instanceof TikTokUploadRejectedError &&
      error.reason === 'range_mismatch' &&
      upload.attempts < MAX_ATTEMPTS
    ) {
      // 416: TikTok's progress header says what it really holds; continue from there (§6.2).
      chunkRetriesTotal.inc({ cause: 'range_mismatch' });
      const received = error.uploadedRange ? error.uploadedRange.end + 1 : 0;
      if (received >= upload.video!.sizeBytes) return this.allSent(upload, now);
      if (received % upload.chunkSize! === 0)
        return { uploadedBytes: received, uploadedChunks: received / upload.chunkSize!, attempts: upload.attempts + 1 };
    }
    if (error instanceof TikTokUploadRejectedError && error.reason === 'upload_url_expired') {
      // The old publish can never complete without its bytes, so a fresh init cannot post the video twice.
      chunkRetriesTotal.inc({ cause: 'upload_url_expired' });
      await this.state.change(upload, {
        publishId: null,
        uploadUrlCiphertext: null,
        uploadUrlExpiresAt: null,
        initStartedAt: null,
        uploadedBytes: 0,
        uploadedChunks: 0,
        nextActionAt: now,
      });
      return undefined;
    }
    if (error instanceof TikTokUnavailableError && upload.attempts + 1 < MAX_ATTEMPTS) {
      chunkRetriesTotal.inc({ cause: 'unavailable' });
      await this.state.change(upload, {
        attempts: upload.attempts + 1,
        nextActionAt: new Date(now.getTime() + backoffMs(upload.attempts)),
        error: { code: 'tiktok_unavailable', message: 'TikTok did not accept a chunk; retrying.' },
      });
      return undefined;
    }
    if (error instanceof TikTokApiError) {
      await this.fail(upload, error.tiktokCode, error.message, tiktokInfo(error));
      return undefined;
    }
    throw error;
  }

  async fail(upload: Upload, code: string, message: string, info?: UploadErrorInfo): Promise<void> {
    this.logger.warn({ uploadId: upload.id, code }, 'Upload failed');
    await this.state.change(upload, { status: 'failed', error: { ...info, code, message }, nextActionAt: null });
  }
}

export function backoffMs(attempts: number): number {
  const base = Math.min(30_000, 1000 * 2 ** attempts);
  return base / 2 + Math.random() * (base / 2);
}

export function tiktokInfo(error: TikTokApiError | TikTokUnavailableError): UploadErrorInfo {
  const details = error.details ?? {};
  return {
    code: error.code,
    message: error.message,
    tiktokCode: error instanceof TikTokApiError ? error.tiktokCode : (details.code as string | undefined),
    logId: error instanceof TikTokApiError ? error.logId : (details.logId as string | undefined),
  };
}

export function uploadUrlAad(uploadId: string): string {
  return `upload:${uploadId}:upload_url`;
}
