import { CreateRequestContext } from '@mikro-orm/core';
import { InjectRepository } from '@mikro-orm/nestjs';
import { Injectable, Logger } from '@nestjs/common';
import { MediaStorage } from '../../storage/media-storage';
import { ActiveSpoolFiles, isSpoolFileName, mediaKeyOf } from './spool-files';
import { UploadRepository } from '../upload.repository';
import { Upload } from '../upload.entity';

/**
 * Only files left alone this long are swept: a file still being received is written to all the time, and one
 * being checked (scan, probe, creator info) gets its row well within it — also in another instance that shares
 * the folder or bucket, which this process's own list of active files cannot see.
 */
export const SPOOL_SWEEP_MIN_AGE_MS = 3_600_000;

/**
 * An S3 multipart upload is listed only once complete, so one a crash cut off mid-write is aborted after this long
 * (far longer than any intake takes).
 */
const INCOMPLETE_UPLOAD_MAX_AGE_MS = 24 * 3_600_000;

/**
 * Deletes stored media that no upload names: what a crash or a kill left half-received or never recorded. Only
 * objects with the intake's own naming pattern, old enough, and not being written by an intake here; in a bucket
 * also multipart uploads never completed.
 */
@Injectable()
export class SpoolSweeper {
  private readonly logger = new Logger(SpoolSweeper.name);

  constructor(
    @InjectRepository(Upload) private readonly uploads: UploadRepository,
    private readonly active: ActiveSpoolFiles,
    private readonly storage: MediaStorage,
  ) {}

  /** Returns the names of the files it deleted. */
  @CreateRequestContext<SpoolSweeper>((sweeper) => sweeper.uploads)
  async sweep(now: Date): Promise<string[]> {
    const aborted = await this.storage.abortIncompleteUploadsOlderThan(
      new Date(now.getTime() - INCOMPLETE_UPLOAD_MAX_AGE_MS),
    );
    if (aborted > 0) this.logger.warn({ aborted }, 'Aborted multipart uploads to the bucket that never completed');
    const old = await this.storage.listOlderThan(new Date(now.getTime() - SPOOL_SWEEP_MIN_AGE_MS + 1));
    const candidates = old.map((media) => media.key).filter((key) => isSpoolFileName(key) && !this.active.has(key));
    if (candidates.length === 0) return [];
    const named = await this.namedByUploads();
    const deleted: string[] = [];
    for (const key of candidates) {
      if (named.has(key) || this.active.has(key)) continue;
      await this.storage.delete(key);
      deleted.push(key);
    }
    if (deleted.length > 0) this.logger.warn({ files: deleted }, 'Deleted spool files that no upload names');
    return deleted;
  }

  /** By key, so a spool folder spelled differently since (relative, absolute) still matches its rows. */
  private async namedByUploads(): Promise<Set<string>> {
    return new Set((await this.uploads.spoolPaths()).map(mediaKeyOf));
  }
}
