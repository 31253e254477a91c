import { Logger } from '@nestjs/common';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AppConfig } from '../config/app-config';

/** The database file of a SQLite configuration (none for PostgreSQL or an in-memory database). */
export function sqliteFileOf(db: Pick<AppConfig['db'], 'url' | 'driver'>): string | undefined {
  const file = db.url.slice('sqlite:'.length);
  return db.driver === 'sqlite' && file !== ':memory:' ? file : undefined;
}

/** SQLite's own files beside the database: WAL, shared memory and rollback journal. */
const COMPANIONS = ['-wal', '-shm', '-journal'];

/**
 * The database holds encrypted tokens, hashed keys and every tenant's data: only the service's user may read it, as
 * with the upload spool. A missing folder is created 0700 and the file 0600 before SQLite opens it (SQLite gives
 * its WAL and journal files the database file's mode); files left from an older start are tightened to 0600.
 */
export function prepareSqliteFile(file: string): void {
  const folder = dirname(resolve(file));
  if (!existsSync(folder)) mkdirSync(folder, { recursive: true, mode: 0o700 });
  else if ((statSync(folder).mode & 0o077) !== 0) {
    // An existing folder may be shared (the working directory, /var/lib): say so rather than change it.
    new Logger('Database').warn(`The database folder ${folder} is open to other users; chmod 700 it.`);
  }
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  tightenSqliteFiles(file);
}

/** Sets the database file and whichever of its companion files exist to 0600. */
export function tightenSqliteFiles(file: string): void {
  for (const path of [file, ...COMPANIONS.map((suffix) => `${file}${suffix}`)]) {
    if (!existsSync(path)) continue;
    try {
      chmodSync(path, 0o600);
    } catch (error) {
      // Another user's file the service may still use: say so rather than refuse to start.
      new Logger('Database').warn(`Could not make ${path} private (${(error as Error).message}); chmod 600 it.`);
    }
  }
}
