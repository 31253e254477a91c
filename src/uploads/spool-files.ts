import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { basename, join } from 'node:path';

/** The names the intake gives received videos; the sweep touches nothing else in the spool folder. */
const SPOOL_FILE_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.video$/;

export function newSpoolPath(spoolDir: string): string {
  return join(spoolDir, `${randomUUID()}.video`);
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

  add(path: string): void {
    this.names.add(basename(path));
  }

  delete(path: string): void {
    this.names.delete(basename(path));
  }

  has(name: string): boolean {
    return this.names.has(name);
  }
}
