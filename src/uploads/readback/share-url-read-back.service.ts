import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { InjectRepository } from '@mikro-orm/nestjs';
import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { TikTokApiClient } from '../../tiktok-api/tiktok-api.client';
import type { TikTokVideo } from '../../tiktok-api/tiktok-video.models';
import { TokensService } from '../../tokens/tokens.service';
import { UploadStateService } from '../upload-state.service';
import { Upload } from '../upload.entity';
import { UploadRepository } from '../upload.repository';
import { DisplayBudget } from './display-budget';
import { initSecond, mayBeListed, mayBeThePost } from './post-matching';
import { shareUrlReadBacksTotal } from './read-back.metrics';
import { hasVideoListScope } from './video-list-scope';

/**
 * Waits before the second to fifth try: five tries within about 36 minutes of publishing, as moderation usually takes
 * under a minute but may take longer (docs/tiktok.md §8). After the last, `shareUrl` stays null.
 */
export const READ_BACK_DELAYS_MS = [15_000, 60_000, 300_000, 1_800_000];
/** docs/tiktok.md §5.6: at most 20 posts a page. Three pages cover far more posts than a creator makes in 36 minutes. */
const LIST_PAGE_SIZE = 20;
const LIST_PAGES = 3;
/** docs/tiktok.md §5.6: video/query takes at most 20 ids. */
const QUERY_MAX_IDS = 20;

/**
 * One try at finding a published upload's post on TikTok and keeping its share URL: `video/query` by the post ids
 * TikTok gave, or else `video/list` matched by create time and caption (post-matching.ts), since TikTok often leaves
 * `publicaly_available_post_id` out (docs/tiktok.md §5.6). Nothing is called without the `video.list` scope.
 */
@Injectable()
export class ShareUrlReadBackService {
  private readonly logger = new Logger(ShareUrlReadBackService.name);

  constructor(
    private readonly tiktok: TikTokApiClient,
    private readonly tokens: TokensService,
    private readonly state: UploadStateService,
    private readonly budget: DisplayBudget,
    @InjectRepository(Upload) private readonly uploads: UploadRepository,
  ) {}

  async tryOnce(upload: Upload, now: Date): Promise<void> {
    const connection = await this.connectionOf(upload);
    if (!connection || !hasVideoListScope(connection.scopes) || !mayBeListed(upload)) {
      shareUrlReadBacksTotal.inc({ outcome: 'skipped' });
      await this.uploads.scheduleReadBack(upload, null);
      return;
    }
    let post: TikTokVideo | undefined;
    let outcome: 'not_found' | 'error' = 'not_found';
    try {
      post = await this.tokens.withAccessToken(upload.tenant.id, upload.userId, (token) =>
        this.findPost(token, upload, connection.id),
      );
    } catch (error) {
      if (error instanceof AppError && error.code === 'rate_limited') {
        // Our own count of TikTok's budget is spent: not a try, just later.
        shareUrlReadBacksTotal.inc({ outcome: 'postponed' });
        const seconds = Number(error.details?.retryAfterSeconds ?? 5);
        await this.uploads.scheduleReadBack(upload, new Date(now.getTime() + seconds * 1000));
        return;
      }
      outcome = 'error';
      this.logger.warn({ err: error, uploadId: upload.id }, 'Could not read the post back from TikTok; trying later');
    }
    if (post?.shareUrl) return this.keep(upload, post);
    const delay = READ_BACK_DELAYS_MS[upload.readBackTries];
    shareUrlReadBacksTotal.inc({ outcome: delay === undefined ? 'gave_up' : outcome });
    await this.uploads.scheduleReadBack(
      upload,
      delay === undefined ? null : new Date(now.getTime() + delay),
      upload.readBackTries + 1,
    );
  }

  private async keep(upload: Upload, post: TikTokVideo): Promise<void> {
    const postIds = upload.postIds.includes(post.id) ? upload.postIds : [...upload.postIds, post.id];
    try {
      await this.state.change(upload, { shareUrl: post.shareUrl, postIds, readBackAt: null });
      shareUrlReadBacksTotal.inc({ outcome: 'found' });
    } catch (error) {
      // Another upload with the same caption took this post a moment ago (shareUrl is unique). The row is unchanged and
      // still due, so the next pass tries again, without that post.
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
    }
  }

  /** Undefined when the user has no usable connection any more: there is nothing to read with. */
  private async connectionOf(upload: Upload): Promise<{ id: string; scopes: string[] } | undefined> {
    try {
      return await this.tokens.activeConnectionOf(upload.tenant.id, upload.userId);
    } catch (error) {
      if (error instanceof AppError && (error.code === 'not_connected' || error.code === 'reauth_required')) {
        return undefined;
      }
      throw error;
    }
  }

  private async findPost(token: string, upload: Upload, connectionId: string): Promise<TikTokVideo | undefined> {
    if (upload.postIds.length > 0) {
      await this.budget.spend(connectionId);
      const videos = await this.tiktok.queryVideos(token, upload.postIds.slice(0, QUERY_MAX_IDS));
      return videos.find((video) => video.shareUrl);
    }
    const candidates: TikTokVideo[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < LIST_PAGES; page++) {
      await this.budget.spend(connectionId);
      const listed = await this.tiktok.listVideos(token, { cursor, maxCount: LIST_PAGE_SIZE });
      candidates.push(...listed.videos.filter((video) => video.shareUrl && mayBeThePost(upload, video)));
      // Newest first: once a page reaches posts older than the init, no later page can hold this upload's post.
      if (!listed.hasMore || listed.videos.some((video) => video.createTime < initSecond(upload))) break;
      cursor = listed.cursor;
    }
    return this.oldestUnclaimed(candidates);
  }

  /** Two uploads with the same caption: each post goes to one upload, the earliest post to the first asking. */
  private async oldestUnclaimed(candidates: TikTokVideo[]): Promise<TikTokVideo | undefined> {
    if (candidates.length === 0) return undefined;
    const taken = await this.uploads.heldShareUrls(candidates.map((video) => video.shareUrl!));
    return candidates.filter((video) => !taken.has(video.shareUrl!)).sort((a, b) => a.createTime - b.createTime)[0];
  }
}
