import { EntityManager } from '@mikro-orm/core';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { ActiveSpoolFiles, isSpoolFileName } from './spool-files';
import { Upload } from './upload.entity';

/**
 * Only files left alone this long are swept: a file still being received is written to all the time, and one
 * being checked (scan, probe, creator info) gets its row well within it — also in another instance that shares
 * the folder, which this process's own list of active files cannot see.
 */
export const SPOOL_SWEEP_MIN_AGE_MS = 3_600_000;

/**
 * Deletes spool files that no upload names: what a crash or a kill left half-received or never recorded. Only
 * files with the intake's own naming pattern, old enough, and not being written by an intake here.
 */
@Injectable()
export class SpoolSweeper {
  private readonly logger = new Logger(SpoolSweeper.name);

  constructor(
    private readonly em: EntityManager,
    private readonly active: ActiveSpoolFiles,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  /** Returns the names of the files it deleted. */
  async sweep(now: Date): Promise<string[]> {
    const { spoolDir } = this.config.get('uploads', { infer: true });
    const candidates = await this.oldUnclaimedFiles(spoolDir, now);
    if (candidates.length === 0) return [];
    const named = await this.namedByUploads();
    const deleted: string[] = [];
    for (const name of candidates) {
      if (named.has(name) || this.active.has(name)) continue;
      await rm(join(spoolDir, name), { force: true });
      deleted.push(name);
    }
    if (deleted.length > 0) this.logger.warn({ files: deleted }, 'Deleted spool files that no upload names');
    return deleted;
  }

  private async oldUnclaimedFiles(spoolDir: string, now: Date): Promise<string[]> {
    const entries = await readdir(spoolDir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    const old: string[] = [];
    for (const entry of entries) {
      if (!entry.isFile() || !isSpoolFileName(entry.name) || this.active.has(entry.name)) continue;
      const info = await stat(join(spoolDir, entry.name)).catch(() => undefined);
      if (info && now.getTime() - info.mtimeMs >= SPOOL_SWEEP_MIN_AGE_MS) old.push(entry.name);
    }
    return old;
  }

  /** By file name, so a spool folder spelled differently since (relative, absolute) still matches its rows. */
  private async namedByUploads(): Promise<Set<string>> {
    const uploads = await this.em
      .fork()
      .find(Upload, { spoolPath: { $ne: null } }, { fields: ['spoolPath'], disableIdentityMap: true });
    return new Set(uploads.map((upload) => basename(upload.spoolPath!)));
  }
}
