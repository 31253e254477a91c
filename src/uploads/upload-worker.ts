import { EntityManager } from '@mikro-orm/core';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { UploadTransferService } from './upload-transfer.service';
import { Upload } from './upload.entity';

const TICK_MS = 250;
const CONCURRENCY = 4;
const LEASE_MS = 60_000;

/**
 * Takes due uploads from the database and moves each one step (upload-transfer.service.ts). Claims use a lease in
 * the row, so several instances share the work and an instance that dies mid-upload is replaced once its lease
 * lapses; the new owner resumes from the last acknowledged byte.
 */
@Injectable()
export class UploadWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(UploadWorker.name);
  private readonly owner = randomUUID();
  private readonly active = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private claiming = false;
  private stopping = false;

  constructor(
    private readonly em: EntityManager,
    private readonly transfer: UploadTransferService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), TICK_MS);
  }

  /** Before the database closes: finish the current chunk and hand the leases back, so the next owner starts at once. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await Promise.allSettled([...this.active]);
  }

  /** Look for work now (called after a new upload is queued). */
  kick(): void {
    if (this.stopping || this.claiming || this.active.size >= CONCURRENCY) return;
    this.claiming = true;
    this.claimDue()
      .then((uploads) => uploads.forEach((upload) => this.run(upload)))
      .catch((error: unknown) => this.logger.error({ err: error }, 'Could not claim uploads'))
      .finally(() => (this.claiming = false));
  }

  private async claimDue(): Promise<Upload[]> {
    const now = this.clock.now();
    const em = this.em.fork();
    const due = await em.find(
      Upload,
      {
        status: { $in: ['queued', 'uploading', 'processing'] },
        nextActionAt: { $lte: now },
        $or: [{ leaseUntil: null }, { leaseUntil: { $lt: now } }],
      },
      { orderBy: { nextActionAt: 'asc' }, limit: CONCURRENCY - this.active.size, fields: ['id'] },
    );
    const claimed: Upload[] = [];
    for (const { id } of due) {
      const taken = await em.nativeUpdate(
        Upload,
        { id, $or: [{ leaseUntil: null }, { leaseUntil: { $lt: now } }] },
        { leaseUntil: new Date(now.getTime() + LEASE_MS), leaseOwner: this.owner },
      );
      if (taken === 1) claimed.push(await em.findOneOrFail(Upload, { id }, { disableIdentityMap: true }));
    }
    return claimed;
  }

  private run(upload: Upload): void {
    const work = this.transfer
      .advance(upload, {
        now: () => this.clock.now(),
        stopping: () => this.stopping,
        renewLease: () => this.renewLease(upload.id),
      })
      .catch(async (error: unknown) => {
        this.logger.error({ err: error, uploadId: upload.id }, 'Upload step failed; it will be retried');
        const retryAt = new Date(this.clock.now().getTime() + 5000);
        await this.em.fork().nativeUpdate(Upload, { id: upload.id }, { nextActionAt: retryAt });
      })
      .finally(async () => {
        await this.em
          .fork()
          .nativeUpdate(Upload, { id: upload.id, leaseOwner: this.owner }, { leaseUntil: null, leaseOwner: null });
        this.active.delete(work);
        this.kick();
      });
    this.active.add(work);
  }

  private async renewLease(id: string): Promise<void> {
    await this.em
      .fork()
      .nativeUpdate(
        Upload,
        { id, leaseOwner: this.owner },
        { leaseUntil: new Date(this.clock.now().getTime() + LEASE_MS) },
      );
  }
}
