import { CreateRequestContext } from '@mikro-orm/core';
import { InjectRepository } from '@mikro-orm/nestjs';
import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Shutdown } from '../../common/lifecycle/shutdown';
import { PeriodicJob, PeriodicTask } from '../../common/periodic-task';
import { ConnectionStatus } from '../../tokens/connection.entity';
import { TokensService } from '../../tokens/tokens.service';
import { UploadStateService } from '../upload-state.service';
import { Upload, UploadErrorInfo } from '../upload.entity';
import { UploadRepository } from '../upload.repository';

const INTERVAL_MS = 5_000;
const BATCH = 500;
const WARNING_CODES = ['reauth_required', 'not_connected'];

/**
 * Warns ahead of time: a scheduled post whose connection has ended (the refresh got `invalid_grant`, the user
 * disconnected, TikTok removed the authorization) gets an `error` with `reauth_required` or `not_connected` while it
 * is still `scheduled`, sent as `upload.updated`; the warning goes (another `upload.updated`) once the user has
 * connected again. At publishAt a post whose connection is still unusable ends `failed` with the same code. Every
 * change is a compare-and-swap on the upload, so instances running this at once write each warning once.
 */
@Injectable()
export class ScheduledConnectionWatchJob extends PeriodicJob {
  constructor(
    @InjectRepository(Upload) private readonly uploads: UploadRepository,
    private readonly tokens: TokensService,
    private readonly state: UploadStateService,
    scheduler: SchedulerRegistry,
    shutdown: Shutdown,
  ) {
    super(scheduler, shutdown, [new PeriodicTask('scheduled-connection-watch', INTERVAL_MS, () => this.watch())]);
  }

  @CreateRequestContext<ScheduledConnectionWatchJob>((job) => job.uploads)
  async watch(): Promise<void> {
    const scheduled = await this.uploads.findScheduled(BATCH);
    if (scheduled.length === 0) return;
    const statusOf = await this.tokens.connectionStatuses([...new Set(scheduled.map((u) => u.connectionId))]);
    for (const upload of scheduled) {
      const warning = warningFor(statusOf.get(upload.connectionId));
      const current = upload.error && WARNING_CODES.includes(upload.error.code) ? upload.error : null;
      if (warning?.code === current?.code) continue;
      await this.state.change(upload, { error: warning });
    }
  }
}

function warningFor(status: ConnectionStatus | undefined): UploadErrorInfo | null {
  if (status === 'active') return null;
  if (status === 'reauth_required') {
    return {
      code: 'reauth_required',
      message:
        'The TikTok connection needs a new consent: unless the user connects again before publishAt, this scheduled post fails.',
    };
  }
  return {
    code: 'not_connected',
    message:
      'The user has no TikTok connection any more: unless the user connects again before publishAt, this scheduled post fails.',
  };
}
