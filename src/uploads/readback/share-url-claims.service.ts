import { CreateRequestContext } from '@mikro-orm/core';
import { InjectRepository } from '@mikro-orm/nestjs';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import type { StopRequested } from '../../common/periodic-task';
import { runPool } from '../../common/run-pool';
import { AppConfig } from '../../config/app-config';
import { Upload } from '../upload.entity';
import { UploadRepository } from '../upload.repository';
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
    @InjectRepository(Upload) private readonly uploads: UploadRepository,
    private readonly readBack: ShareUrlReadBackService,
    config: ConfigService<AppConfig, true>,
  ) {
    this.owner = `${config.get('instance', { infer: true }).id}#${randomBytes(6).toString('hex')}`;
  }

  @CreateRequestContext<ShareUrlClaimsService>((service) => service.uploads)
  async runDue(now: Date, stopRequested: StopRequested): Promise<void> {
    const due = await this.uploads.findDueReadBacks(now, BATCH_SIZE);
    await runPool(due, CONCURRENCY, stopRequested, ({ id }) => this.runOne(id, now));
  }

  /** Each try runs in its own context: several run at once, and none may see another's unit of work. */
  @CreateRequestContext<ShareUrlClaimsService>((service) => service.uploads)
  private async runOne(id: string, now: Date): Promise<void> {
    const upload = await this.uploads.claim(id, this.owner, now, LEASE_MS);
    if (!upload) return;
    try {
      if (upload.status === 'published' && upload.readBackAt) await this.readBack.tryOnce(upload, now);
    } finally {
      await this.uploads.releaseLease(id, this.owner);
    }
  }
}
