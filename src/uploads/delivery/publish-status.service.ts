import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { RateLimiter } from '../../rate-limits/rate-limiter';
import { TikTokApiClient } from '../../tiktok-api/tiktok-api.client';
import { TikTokApiError, TikTokUnavailableError } from '../../tiktok-api/tiktok-api.error';
import { TikTokPublishStatus } from '../../tiktok-api/tiktok-api.models';
import { TokensService } from '../../tokens/tokens.service';
import { UploadChanges, UploadStateService } from '../upload-state.service';
import { Upload } from '../upload.entity';

/** docs/tiktok.md §5.5: 30 status fetches per minute per access token. */
export const STATUS_FETCHES_PER_MINUTE = 30;
/** TikTok gives no time limit for processing (§8); a day after it was created the upload ends rather than hang. */
const PROCESSING_DEADLINE_MS = 24 * 3_600_000;

/** Follows a publish with status/fetch until TikTok reports a final state (docs/lessons.md #5: never assume success). */
@Injectable()
export class PublishStatusService {
  constructor(
    private readonly tiktok: TikTokApiClient,
    private readonly tokens: TokensService,
    private readonly state: UploadStateService,
    private readonly rateLimiter: RateLimiter,
  ) {}

  async poll(upload: Upload, now: Date): Promise<void> {
    if (now.getTime() - upload.createdAt.getTime() > PROCESSING_DEADLINE_MS) {
      return this.state.fail(upload, 'tiktok_status_timeout', 'TikTok reported no final status within 24 hours.');
    }
    try {
      await this.rateLimiter.consume('tiktok-status', upload.connectionId, STATUS_FETCHES_PER_MINUTE);
    } catch {
      await this.state.change(upload, { nextActionAt: later(now, 2000 + Math.random() * 2000) });
      return;
    }
    try {
      const status = await this.tokens.withAccessToken(upload.tenant.id, upload.userId, (token) =>
        this.tiktok.fetchPublishStatus(token, upload.publishId!),
      );
      await this.state.change(upload, this.changesFor(upload, status, now));
    } catch (error) {
      await this.state.change(upload, this.afterError(upload, error, now));
    }
  }

  private changesFor(upload: Upload, status: TikTokPublishStatus, now: Date): UploadChanges {
    const seen = { tiktokStatus: status.status, error: null };
    switch (status.status) {
      case 'SEND_TO_USER_INBOX':
        return { ...seen, status: 'inbox_delivered', nextActionAt: null };
      case 'PUBLISH_COMPLETE':
        return {
          ...seen,
          status: 'published',
          postIds: [...new Set([...upload.postIds, ...status.postIds])],
          nextActionAt: null,
        };
      case 'FAILED':
        return { ...seen, status: 'failed', failReason: status.failReason ?? 'unknown', nextActionAt: null };
      case 'PROCESSING_UPLOAD':
      case 'PROCESSING_DOWNLOAD':
      default:
        // Still processing (or a status TikTok added later): ask again, less often each time, at most every 30 s.
        return {
          ...seen,
          attempts: upload.attempts + 1,
          nextActionAt: later(now, Math.min(30_000, 2000 * 1.5 ** upload.attempts)),
        };
    }
  }

  private afterError(upload: Upload, error: unknown, now: Date): UploadChanges {
    if (error instanceof TikTokApiError && error.isRateLimited()) {
      return {
        error: {
          code: 'rate_limit_exceeded',
          message: 'TikTok asked to slow down status checks.',
          tiktokCode: error.tiktokCode,
          logId: error.logId,
        },
        nextActionAt: later(now, (error.retryAfterSeconds ?? 30) * 1000),
      };
    }
    if (error instanceof TikTokUnavailableError) return { nextActionAt: later(now, 5000) };
    if (error instanceof TikTokApiError) {
      return {
        status: 'failed',
        error: { code: error.tiktokCode, message: error.message, tiktokCode: error.tiktokCode, logId: error.logId },
        nextActionAt: null,
      };
    }
    if (error instanceof AppError)
      return { status: 'failed', error: { code: error.code, message: error.message }, nextActionAt: null };
    throw error;
  }
}

function later(now: Date, ms: number): Date {
  return new Date(now.getTime() + ms);
}
