import { CreateRequestContext } from '@mikro-orm/core';
import { InjectRepository } from '@mikro-orm/nestjs';
import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../../common/clock';
import { Shutdown } from '../../common/lifecycle/shutdown';
import { PeriodicJob, PeriodicTask } from '../../common/periodic-task';
import { InstanceRegistry } from '../../instances/instance-registry';
import { UploadStateService } from '../upload-state.service';
import { UploadRepository } from '../upload.repository';
import { Upload } from '../upload.entity';

const BATCH = 100;

/**
 * Received videos wait on the local disk of the instance that took them, and only that instance works on them
 * (upload-delivery.job.ts). Two duties follow, on the heartbeat's rhythm:
 * - when another instance is gone for good, its uploads still waiting to be sent end `failed` with
 *   `media_unreachable` (and upload.failed to the tenant) instead of waiting forever; the ones TikTok already has
 *   every byte of (`processing`) need no media any more and are handed to every instance, which go on polling them;
 * - an upload another instance ended (a TikTok webhook, a cancel, the above) leaves its file to its holder, which
 *   deletes it here, also when it comes back after being taken for gone.
 */
@Injectable()
export class MediaHoldersJob extends PeriodicJob {
  constructor(
    private readonly instances: InstanceRegistry,
    @InjectRepository(Upload) private readonly uploads: UploadRepository,
    private readonly state: UploadStateService,
    private readonly clock: Clock,
    scheduler: SchedulerRegistry,
    shutdown: Shutdown,
  ) {
    super(scheduler, shutdown, [
      new PeriodicTask('unreachable-media', instances.heartbeatMs, () => this.endGoneHolders()),
      new PeriodicTask('spool-cleanup', instances.heartbeatMs, () => this.deleteEndedFiles()),
    ]);
  }

  @CreateRequestContext<MediaHoldersJob>((job) => job.uploads)
  async endGoneHolders(): Promise<void> {
    const now = this.clock.now();
    for (const holder of await this.instances.goneInstances(now)) {
      await this.uploads.releaseProcessingHeldBy(holder);
      const waiting = await this.uploads.findWaitingOn(holder, BATCH);
      if (waiting.length === 0) {
        await this.instances.forget(holder, now);
        continue;
      }
      for (const upload of waiting) {
        await this.state.fail(
          upload,
          'media_unreachable',
          `The received video is on the disk of instance ${holder}, silent for more than ${this.instances.goneAfterSeconds} s; upload it again.`,
        );
      }
    }
  }

  @CreateRequestContext<MediaHoldersJob>((job) => job.uploads)
  async deleteEndedFiles(): Promise<void> {
    const ended = await this.uploads.findEndedWithFileOn(this.instances.id, BATCH);
    for (const upload of ended) await this.state.deleteSpool(upload);
  }
}
