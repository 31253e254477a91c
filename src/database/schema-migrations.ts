import { MikroORM } from '@mikro-orm/core';
import { AppConfig } from '../config/app-config';
import { acquireMigrationLock, MigrationLockLog } from './migration-lock';

type DbConfig = Pick<AppConfig['db'], 'url' | 'driver'>;

/** Applies the pending migrations under the database's migration lock; returns the names applied (none when up to date). */
export async function migrateUnderLock(orm: MikroORM, db: DbConfig, log: MigrationLockLog): Promise<string[]> {
  return underLock(orm, db, log, async () => (await orm.getMigrator().up()).map((migration) => migration.name));
}

/**
 * The migrations this build has and the database has not run. Read under the lock too: on a database never migrated,
 * reading creates the migrations table, which instances starting together must not do at the same moment.
 */
export async function pendingMigrations(orm: MikroORM, db: DbConfig, log: MigrationLockLog): Promise<string[]> {
  return underLock(orm, db, log, async () =>
    (await orm.getMigrator().getPendingMigrations()).map((migration) => migration.name),
  );
}

async function underLock<T>(orm: MikroORM, db: DbConfig, log: MigrationLockLog, run: () => Promise<T>): Promise<T> {
  const release = await acquireMigrationLock(orm, db, log);
  try {
    return await run();
  } finally {
    await release();
  }
}
