import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../../common/clock';
import { Shutdown } from '../../common/lifecycle/shutdown';
import { PeriodicJob, PeriodicTask } from '../../common/periodic-task';
import { InstanceRegistry } from '../../instances/instance-registry';
import { UploadStateService } from '../upload-state.service';
import { FINAL_STATUSES, Upload } from '../upload.entity';

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
    private readonly em: EntityManager,
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

  async endGoneHolders(): Promise<void> {
    const now = this.clock.now();
    for (const holder of await this.instances.goneInstances(now)) {
      const em = this.em.fork();
      await em.nativeUpdate(Upload, { mediaHolder: holder, status: 'processing' }, { mediaHolder: null });
      const waiting = await em.find(
        Upload,
        { mediaHolder: holder, status: { $in: ['scheduled', 'queued', 'uploading'] } },
        { disableIdentityMap: true, limit: BATCH },
      );
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

  async deleteEndedFiles(): Promise<void> {
    const ended = await this.em
      .fork()
      .find(
        Upload,
        { mediaHolder: this.instances.id, spoolPath: { $ne: null }, status: { $in: [...FINAL_STATUSES] } },
        { disableIdentityMap: true, limit: BATCH },
      );
    for (const upload of ended) await this.state.deleteSpool(upload);
  }
}
