import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { LocalMediaStorage } from '../../storage/local-media-storage';
import type { MediaStorage } from '../../storage/media-storage';

/** The keys the intake gives received videos; the sweep touches nothing else in the spool folder or bucket. */
const SPOOL_FILE_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.video$/;

export function newSpoolKey(): string {
  return `${randomUUID()}.video`;
}

/**
 * What an upload row records in `spoolPath`: the file's path for local storage (as it always has), the object's key
 * for S3. Either way its last segment is the media key (mediaKeyOf).
 */
export function spoolPathOf(storage: MediaStorage, key: string): string {
  return storage instanceof LocalMediaStorage ? storage.pathOf(key) : key;
}

/** The media key in an upload's `spoolPath`: keys are flat names, so a local path ends in its key. */
export function mediaKeyOf(spoolPath: string): string {
  return basename(spoolPath);
}

export function isSpoolFileName(name: string): boolean {
  return SPOOL_FILE_NAME.test(name);
}

/**
 * The spool files this process's intakes are writing or checking right now, from the first byte until the upload
 * row naming the file is stored (or the file is removed): the sweep never deletes one of them.
 */
@Injectable()
export class ActiveSpoolFiles {
  private readonly names = new Set<string>();

  add(key: string): void {
    this.names.add(key);
  }

  delete(key: string): void {
    this.names.delete(key);
  }

  has(name: string): boolean {
    return this.names.has(name);
  }
}
