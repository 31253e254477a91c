import { CreateRequestContext } from '@mikro-orm/core';
import { InjectRepository } from '@mikro-orm/nestjs';
import { Injectable, Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../../common/clock';
import { Shutdown } from '../../common/lifecycle/shutdown';
import { PeriodicJob, PeriodicTask } from '../../common/periodic-task';
import { MediaStorage } from '../../storage/media-storage';
import { Upload } from '../upload.entity';
import { UploadRepository } from '../upload.repository';
import { PHOTO_LINK_LIFETIME_MS } from './photo-links';

const INTERVAL_MS = 60 * 60_000;
/** Past its link's lifetime a received photo can serve no one; an hour more covers clocks that disagree a little. */
const SWEEP_AFTER_MS = PHOTO_LINK_LIFETIME_MS + 60 * 60_000;
const PHOTO_KEY = /^[0-9a-f]{64}\.photo$/;

/**
 * Deletes received photos whose links have expired: what a crash between storing and recording left, or what another
 * instance's end of the upload could not reach (local storage). Normally they are deleted once TikTok pulled them.
 * Those of a scheduled post are older than a link's lifetime by design (their links run from publishAt): kept.
 */
@Injectable()
export class PhotoSweeper {
  private readonly logger = new Logger(PhotoSweeper.name);

  constructor(
    private readonly storage: MediaStorage,
    @InjectRepository(Upload) private readonly uploads: UploadRepository,
  ) {}

  /** Returns the keys it deleted. */
  @CreateRequestContext<PhotoSweeper>((sweeper) => sweeper.uploads)
  async sweep(now: Date): Promise<string[]> {
    const old = await this.storage.listOlderThan(new Date(now.getTime() - SWEEP_AFTER_MS));
    const candidates = old.map((media) => media.key).filter((key) => PHOTO_KEY.test(key));
    if (candidates.length === 0) return [];
    const waiting = new Set(await this.uploads.scheduledPhotoKeys());
    const expired = candidates.filter((key) => !waiting.has(key));
    for (const key of expired) await this.storage.delete(key);
    if (expired.length > 0) this.logger.warn({ files: expired.length }, 'Deleted received photos past their links');
    return expired;
  }
}

@Injectable()
export class PhotoSweepJob extends PeriodicJob {
  constructor(sweeper: PhotoSweeper, clock: Clock, scheduler: SchedulerRegistry, shutdown: Shutdown) {
    super(scheduler, shutdown, [new PeriodicTask('photo-sweep', INTERVAL_MS, () => sweeper.sweep(clock.now()))]);
  }
}
