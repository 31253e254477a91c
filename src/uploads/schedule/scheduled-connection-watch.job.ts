import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Shutdown } from '../../common/lifecycle/shutdown';
import { PeriodicJob, PeriodicTask } from '../../common/periodic-task';
import { Connection } from '../../tokens/connection.entity';
import { UploadStateService } from '../upload-state.service';
import { Upload, UploadErrorInfo } from '../upload.entity';

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
    private readonly em: EntityManager,
    private readonly state: UploadStateService,
    scheduler: SchedulerRegistry,
    shutdown: Shutdown,
  ) {
    super(scheduler, shutdown, [new PeriodicTask('scheduled-connection-watch', INTERVAL_MS, () => this.watch())]);
  }

  async watch(): Promise<void> {
    const em = this.em.fork();
    const scheduled = await em.find(
      Upload,
      { status: 'scheduled' },
      { disableIdentityMap: true, limit: BATCH, orderBy: { publishAt: 'asc' } },
    );
    if (scheduled.length === 0) return;
    const ids = [...new Set(scheduled.map((upload) => upload.connectionId))];
    const connections = await em.find(Connection, { id: { $in: ids } }, { fields: ['status'] });
    const statusOf = new Map(connections.map((c) => [c.id, c.status]));
    for (const upload of scheduled) {
      const warning = warningFor(statusOf.get(upload.connectionId));
      const current = upload.error && WARNING_CODES.includes(upload.error.code) ? upload.error : null;
      if (warning?.code === current?.code) continue;
      await this.state.change(upload, { error: warning });
    }
  }
}

function warningFor(status: Connection['status'] | undefined): UploadErrorInfo | null {
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
