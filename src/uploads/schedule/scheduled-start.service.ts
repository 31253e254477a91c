import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { TikTokApiClient } from '../../tiktok-api/tiktok-api.client';
import { TikTokApiError } from '../../tiktok-api/tiktok-api.error';
import { TikTokCreatorInfo } from '../../tiktok-api/tiktok-api.models';
import { TokensService } from '../../tokens/tokens.service';
import { backoffMs, MAX_ATTEMPTS, tiktokInfo } from '../delivery/upload-retries';
import { UploadStateService } from '../upload-state.service';
import { Upload, UploadErrorInfo } from '../upload.entity';

/**
 * Starts a scheduled post when it is due: a Direct Post first reads the creator's settings of right now
 * (docs/tiktok.md §5.1: fresh, never from the time it was scheduled), then a compare-and-swap `scheduled` →
 * `queued` lets exactly one instance go on with the normal flow; a PATCH or DELETE that came first wins instead.
 */
@Injectable()
export class ScheduledStartService {
  constructor(
    private readonly tiktok: TikTokApiClient,
    private readonly tokens: TokensService,
    private readonly state: UploadStateService,
  ) {}

  /** The upload, now `queued`; undefined when it did not start (failed, postponed, or changed meanwhile). */
  async start(upload: Upload, now: Date): Promise<Upload | undefined> {
    const creator = await this.checkConnection(upload, now);
    if (creator === false) return undefined;
    const refusal = creator && creatorRefusal(upload, creator);
    if (refusal) {
      await this.state.fail(upload, refusal.code, refusal.message);
      return undefined;
    }
    return this.state.change(upload, { status: 'queued', nextActionAt: now, attempts: 0, error: null });
  }

  /**
   * A Direct Post's creator_info of right now; for an inbox draft only whether the connection is usable (nothing
   * to ask TikTok before the init). False when the post does not start now: failed or postponed.
   */
  private async checkConnection(upload: Upload, now: Date): Promise<TikTokCreatorInfo | undefined | false> {
    try {
      if (upload.mode === 'inbox') {
        await this.tokens.activeConnectionOf(upload.tenant.id, upload.userId);
        return undefined;
      }
      return await this.tokens.withAccessToken(upload.tenant.id, upload.userId, (token) =>
        this.tiktok.queryCreatorInfo(token),
      );
    } catch (error) {
      // The connection ended (not_connected, reauth_required) or TikTok refused: the post cannot go out as asked.
      if (error instanceof TikTokApiError) {
        await this.state.fail(upload, error.tiktokCode, error.message, tiktokInfo(error));
      } else if (error instanceof AppError && error.status < 500) {
        await this.state.fail(upload, error.code, `${error.message} The scheduled post was not sent.`);
      } else if (upload.attempts + 1 >= MAX_ATTEMPTS) {
        await this.state.fail(upload, 'tiktok_unavailable', 'TikTok could not be reached when the post was due.');
      } else {
        // Nothing was sent: a later try is safe, and the post stays scheduled until it starts.
        await this.state.change(upload, {
          attempts: upload.attempts + 1,
          nextActionAt: new Date(now.getTime() + backoffMs(upload.attempts)),
        });
      }
      return false;
    }
  }
}

/**
 * What the creator's current settings forbid: a privacy level no longer offered is never swapped for another
 * (docs/tiktok.md §13: never a default), and a video longer than the creator may post now.
 */
export function creatorRefusal(upload: Upload, creator: TikTokCreatorInfo): UploadErrorInfo | undefined {
  const privacyLevel = upload.post.privacyLevel ?? '';
  if (!(creator.privacyLevelOptions as string[]).includes(privacyLevel)) {
    return {
      code: 'privacy_level_unavailable',
      message: `privacyLevel ${privacyLevel} is no longer offered to this creator (now: ${creator.privacyLevelOptions.join(', ')}); the scheduled post was not sent. Schedule it again with one of these.`,
    };
  }
  const durationMs = upload.video?.durationMs;
  if (durationMs && durationMs > creator.maxVideoPostDurationSec * 1000) {
    return {
      code: 'video_rejected',
      message: `The video lasts ${durationMs} ms; this creator may now post at most ${creator.maxVideoPostDurationSec} s.`,
    };
  }
  return undefined;
}
