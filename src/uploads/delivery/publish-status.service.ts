import { Injectable } from '@nestjs/common';
import { RateLimiter } from '../../rate-limits/rate-limiter';
import { TikTokApiClient } from '../../tiktok-api/tiktok-api.client';
import { TikTokPublishStatus } from '../../tiktok-api/tiktok-api.models';
import { TokensService } from '../../tokens/tokens.service';
import { UploadChanges, UploadStateService } from '../upload-state.service';
import { Upload } from '../upload.entity';
import { processingTimedOut, statusFailure } from './status-failure';

/** docs/tiktok.md §5.5: 30 status fetches per minute per access token. */
export const STATUS_FETCHES_PER_MINUTE = 30;

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
    if (processingTimedOut(upload.createdAt, now)) {
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
    const decision = statusFailure(error, now);
    switch (decision.kind) {
      case 'retry':
        return decision.error ? { error: decision.error, nextActionAt: decision.at } : { nextActionAt: decision.at };
      case 'fail':
        return { status: 'failed', error: decision.error, nextActionAt: null };
      case 'rethrow':
        throw error;
    }
  }
}

function later(now: Date, ms: number): Date {
  return new Date(now.getTime() + ms);
}
