import { CreateRequestContext } from '@mikro-orm/core';
import { InjectRepository } from '@mikro-orm/nestjs';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { randomBytes } from 'node:crypto';
import { Clock } from '../../common/clock';
import { Shutdown } from '../../common/lifecycle/shutdown';
import { AppConfig } from '../../config/app-config';
import { UploadStepService } from './upload-step.service';
import { Upload } from '../upload.entity';
import { UploadRepository } from '../upload.repository';
import { PeriodicTask } from '../../common/periodic-task';

const TICK_MS = 250;
const CONCURRENCY = 4;
/** How long an upload waits for a new owner after its instance died (kill -9, power loss). */
export const UPLOAD_LEASE_MS = 30_000;
/** Renewed this often while the work runs, however long one chunk PUT takes; three renewals fit in a lease. */
const HEARTBEAT_MS = 10_000;

/**
 * Takes due uploads from the database and moves each one step (upload-step.service.ts). Claims use a lease in
 * the row, renewed by a heartbeat while the work runs, so several instances share the work and an instance that
 * dies mid-upload is replaced once its lease lapses; the new owner resumes from the last acknowledged byte. An owner
 * that finds its lease taken (it stalled past the lease) stops before its next chunk.
 *
 * A received video is on the local disk of the instance that took it (`mediaHolder`): only that instance claims it,
 * so after a crash the same host (same INSTANCE_ID) continues it; the uploads of an instance gone for longer than
 * INSTANCE_GONE_AFTER_SECONDS are failed or handed to all instances instead (media-holders.job.ts).
 */
@Injectable()
export class UploadDeliveryJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(UploadDeliveryJob.name);
  private readonly instanceId: string;
  /** This process in leases: its INSTANCE_ID, plus a suffix because several processes may share one. */
  private readonly owner: string;
  private readonly active = new Set<Promise<void>>();
  /** Claims due uploads every TICK_MS, one claim pass at a time. */
  private readonly claims = new PeriodicTask('upload-claims', TICK_MS, () => this.claimAndRun());
  private stopping = false;

  constructor(
    @InjectRepository(Upload) private readonly uploads: UploadRepository,
    private readonly transfer: UploadStepService,
    private readonly clock: Clock,
    private readonly scheduler: SchedulerRegistry,
    private readonly shutdown: Shutdown,
    config: ConfigService<AppConfig, true>,
  ) {
    this.instanceId = config.get('instance', { infer: true }).id;
    this.owner = `${this.instanceId}#${randomBytes(6).toString('hex')}`;
  }

  onApplicationBootstrap(): void {
    this.claims.start(this.scheduler);
  }

  /**
   * Before the database closes: each upload stops after its current chunk (from the first moment of shutdown on) and
   * its lease is handed back, so another instance continues it at once. One still sending when the grace period ends
   * keeps its lease until it lapses: handing it back then would let two instances send the same chunk.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.claims.stop(this.scheduler);
    if (!(await this.shutdown.withinGrace(Promise.allSettled([...this.active])))) {
      this.logger.warn(`${this.active.size} upload(s) still sending after the grace period; their leases will lapse`);
    }
  }

  /** Look for work now (called after a new upload is queued). */
  kick(): void {
    this.claims.tick();
  }

  /** A context of its own: this pass's reads stay out of the uploads' contexts (and of the request that kicked it). */
  @CreateRequestContext<UploadDeliveryJob>((job) => job.uploads)
  private async claimAndRun(): Promise<void> {
    if (this.isStopping() || this.active.size >= CONCURRENCY) return;
    const claimant = { owner: this.owner, instanceId: this.instanceId, leaseMs: UPLOAD_LEASE_MS };
    const claimed = await this.uploads.claimDue(this.clock.now(), claimant, CONCURRENCY - this.active.size, () =>
      this.isStopping(),
    );
    claimed.forEach((upload) => this.run(upload));
  }

  private run(upload: Upload): void {
    let leaseLost = false;
    const heartbeat = setInterval(() => {
      this.uploads.renewLease(upload.id, this.owner, this.clock.now(), UPLOAD_LEASE_MS).then(
        (held) => (leaseLost ||= !held),
        (error: unknown) => this.logger.warn({ err: error, uploadId: upload.id }, 'Could not renew the upload lease'),
      );
    }, HEARTBEAT_MS);
    const work = this.advance(upload, () => this.isStopping() || leaseLost).finally(async () => {
      clearInterval(heartbeat);
      await this.uploads.releaseLease(upload.id, this.owner);
      this.active.delete(work);
      this.kick();
    });
    this.active.add(work);
  }

  /** Each upload runs in its own context: several run at once, and none may see another's unit of work. */
  @CreateRequestContext<UploadDeliveryJob>((job) => job.uploads)
  private async advance(upload: Upload, stopping: () => boolean): Promise<void> {
    try {
      await this.transfer.advance(upload, { now: () => this.clock.now(), stopping });
    } catch (error) {
      this.logger.error({ err: error, uploadId: upload.id }, 'Upload step failed; it will be retried');
      await this.uploads.postpone(upload.id, new Date(this.clock.now().getTime() + 5000));
    }
  }

  private isStopping(): boolean {
    return this.stopping || this.shutdown.draining;
  }
}
