import { InjectRepository } from '@mikro-orm/nestjs';
import { HttpStatus, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Clock } from '../../common/clock';
import { AppError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { TokensService } from '../../tokens/tokens.service';
import { Upload, UploadMode } from '../upload.entity';
import { UploadRepository } from '../upload.repository';
import { busiestWindow, DIRECT_POSTS_PER_DAY, POSTING_CAP_WINDOW_MS } from './posting-cap';
import { parsePublishAt } from './publish-at';

export interface ScheduleRequest {
  publishAt: unknown;
  mode: UploadMode;
  connectionId: string;
  /** The upload being moved, which must not count against itself. */
  uploadId?: string;
}

/**
 * Whether a post may be scheduled at the time asked: `publishAt` by its rules (publish-at.ts), and for Direct Posts
 * TikTok's daily cap per creator (docs/tiktok.md §5.5), so a post that TikTok would refuse on the day is refused
 * now, while the caller can still choose another time.
 */
@Injectable()
export class PublishScheduleService {
  constructor(
    @InjectRepository(Upload) private readonly uploads: UploadRepository,
    private readonly tokens: TokensService,
    private readonly clock: Clock,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  async publishAtFor(request: ScheduleRequest): Promise<Date> {
    const maxDays = this.config.get('uploads', { infer: true }).scheduleMaxDays;
    const publishAt = parsePublishAt(request.publishAt, this.clock.now(), maxDays);
    if (request.mode === 'direct') await this.checkPostingCap(request, publishAt);
    return publishAt;
  }

  /**
   * Counts the creator's Direct Posts — through every connection to the same TikTok account, as the cap is TikTok's
   * and shared by all clients — that are scheduled, on their way or published near `publishAt`.
   */
  private async checkPostingCap(request: ScheduleRequest, publishAt: Date): Promise<void> {
    const connectionIds = await this.tokens.connectionsOfSameAccount(request.connectionId);
    const near = await this.uploads.directPostTimes(
      connectionIds,
      new Date(publishAt.getTime() - POSTING_CAP_WINDOW_MS),
      new Date(publishAt.getTime() + POSTING_CAP_WINDOW_MS),
      request.uploadId,
    );
    const window = busiestWindow(near, publishAt);
    if (window.count > DIRECT_POSTS_PER_DAY) {
      throw new AppError(
        'schedule_cap_exceeded',
        `This creator would have ${window.count} Direct Posts within 24 hours; TikTok allows about ${DIRECT_POSTS_PER_DAY} a day. Choose another publishAt.`,
        HttpStatus.CONFLICT,
        {
          limit: DIRECT_POSTS_PER_DAY,
          count: window.count,
          windowStart: window.start.toISOString(),
          windowEnd: window.end.toISOString(),
        },
      );
    }
  }
}
