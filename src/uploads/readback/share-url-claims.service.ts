import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import { leaseFree } from '../../common/lease';
import type { StopRequested } from '../../common/periodic-task';
import { runPool } from '../../common/run-pool';
import { AppConfig } from '../../config/app-config';
import { Upload } from '../upload.entity';
import { ShareUrlReadBackService } from './share-url-read-back.service';

const BATCH_SIZE = 16;
const CONCURRENCY = 4;
/** A try is a few reads; should it outlive its lease, another instance repeating it costs only a read. */
const LEASE_MS = 120_000;

/**
 * Claims published uploads whose read-back is due, under the row's lease (free once an upload is published: the
 * delivery job claims only uploads still on their way), so each try runs on one instance at a time.
 */
@Injectable()
export class ShareUrlClaimsService {
  private readonly owner: string;

  constructor(
    private readonly em: EntityManager,
    private readonly readBack: ShareUrlReadBackService,
    config: ConfigService<AppConfig, true>,
  ) {
    this.owner = `${config.get('instance', { infer: true }).id}#${randomBytes(6).toString('hex')}`;
  }

  async runDue(now: Date, stopRequested: StopRequested): Promise<void> {
    const due = await this.em
      .fork()
      .find(
        Upload,
        { status: 'published', readBackAt: { $lte: now }, ...leaseFree(now) },
        { orderBy: { readBackAt: 'asc' }, limit: BATCH_SIZE, fields: ['id'], disableIdentityMap: true },
      );
    await runPool(due, CONCURRENCY, stopRequested, async ({ id }) => {
      const em = this.em.fork();
      const taken = await em.nativeUpdate(
        Upload,
        { id, ...leaseFree(now) },
        { leaseUntil: new Date(now.getTime() + LEASE_MS), leaseOwner: this.owner },
      );
      if (taken !== 1) return;
      try {
        const upload = await em.findOneOrFail(Upload, { id }, { disableIdentityMap: true });
        if (upload.status === 'published' && upload.readBackAt) await this.readBack.tryOnce(upload, now);
      } finally {
        await em.nativeUpdate(Upload, { id, leaseOwner: this.owner }, { leaseUntil: null, leaseOwner: null });
      }
    });
  }
}
