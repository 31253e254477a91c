import { HttpStatus, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { statfs } from 'node:fs/promises';
import { AppError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';

/** A refused intake costs the caller nothing but a retry; a few seconds frees a place in most cases. */
const BUSY_RETRY_AFTER_SECONDS = 5;
/** Disk space comes back when queued uploads reach TikTok and their files go. */
const DISK_RETRY_AFTER_SECONDS = 60;

/**
 * Bounds what multipart intakes can take from this instance before a byte is read: places per API key and in total
 * (each intake holds a few megabytes of buffers and a file), and free disk in the spool's file system.
 */
@Injectable()
export class IntakeLimits {
  private readonly limits: AppConfig['uploadIntake'];
  private total = 0;
  private readonly perKey = new Map<string, number>();

  constructor(config: ConfigService<AppConfig, true>) {
    this.limits = config.get('uploadIntake', { infer: true });
  }

  /** Takes a place for one intake or refuses (429 for the key, 503 for the instance); call the result when done. */
  async admit(apiKeyId: string, spoolDir: string | undefined, declaredBytes: number): Promise<() => void> {
    const held = this.perKey.get(apiKeyId) ?? 0;
    if (held >= this.limits.maxConcurrentPerKey) {
      throw new AppError(
        'rate_limited',
        `This API key already has ${held} uploads in progress, its limit; retry after the time in Retry-After.`,
        HttpStatus.TOO_MANY_REQUESTS,
        { limit: this.limits.maxConcurrentPerKey, retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS },
      );
    }
    if (this.total >= this.limits.maxConcurrent) {
      throw new AppError(
        'service_unavailable',
        'The gateway is receiving as many uploads as it takes at once; retry after the time in Retry-After.',
        HttpStatus.SERVICE_UNAVAILABLE,
        { retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS },
      );
    }
    this.total++;
    this.perKey.set(apiKeyId, held + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.perKey.get(apiKeyId) ?? 1) - 1;
      if (left > 0) this.perKey.set(apiKeyId, left);
      else this.perKey.delete(apiKeyId);
    };
    try {
      if (spoolDir !== undefined) await this.checkDisk(spoolDir, declaredBytes);
    } catch (error) {
      release();
      throw error;
    }
    return release;
  }

  /** The body's declared length must fit with `minFreeBytes` to spare, so the spool never fills the disk. */
  private async checkDisk(spoolDir: string, declaredBytes: number): Promise<void> {
    const { bavail, bsize } = await statfs(spoolDir);
    if (bavail * bsize - declaredBytes >= this.limits.minFreeBytes) return;
    throw new AppError(
      'service_unavailable',
      'The gateway is low on disk space for received videos; retry after the time in Retry-After.',
      HttpStatus.SERVICE_UNAVAILABLE,
      { retryAfterSeconds: DISK_RETRY_AFTER_SECONDS },
    );
  }
}
