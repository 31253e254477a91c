import { MikroORM } from '@mikro-orm/core';
import type { AbstractSqlConnection } from '@mikro-orm/knex';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../config/app-config';

/**
 * The advisory-lock key every instance takes around its migrations: the bytes of "tgw-migr" read as a 64-bit number,
 * fixed so that instances of any version agree on it.
 */
const POSTGRES_LOCK_KEY = '8387803867993696114';
const SQLITE_RETRY_MS = 100;

export interface MigrationLockLog {
  log(message: string): void;
}

/** Releases the lock; safe to call once. */
export type ReleaseMigrationLock = () => Promise<void>;

/**
 * Holds the database's migration lock, so instances that start at once migrate one after another (the later ones
 * then find nothing pending). PostgreSQL: a session-level advisory lock on a connection of its own, which the server
 * drops with the session if the process dies. SQLite: an exclusive transaction on a lock file beside the database,
 * which the operating system drops with the process.
 */
export async function acquireMigrationLock(
  orm: MikroORM,
  db: Pick<AppConfig['db'], 'url' | 'driver'>,
  log: MigrationLockLog,
): Promise<ReleaseMigrationLock> {
  if (db.driver === 'postgresql') return lockPostgreSql(orm, log);
  const file = db.url.slice('sqlite:'.length);
  return file === ':memory:' ? async () => undefined : lockSqliteFile(orm, `${file}.migrate-lock`, log);
}

interface PgSession {
  query(sql: string, values: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

async function lockPostgreSql(orm: MikroORM, log: MigrationLockLog): Promise<ReleaseMigrationLock> {
  const client = knexClient(orm);
  // Outside the pool: the migrator's own queries use pooled connections, and the lock must not go back to the pool.
  const session = (await client.acquireRawConnection()) as PgSession;
  const close = () => client.destroyRawConnection(session);
  try {
    const { rows } = await session.query('select pg_try_advisory_lock($1) as locked', [POSTGRES_LOCK_KEY]);
    if (rows[0]?.locked !== true) {
      log.log('Another instance is migrating the database; waiting for it to finish');
      await session.query('select pg_advisory_lock($1)', [POSTGRES_LOCK_KEY]);
    }
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  return async () => {
    try {
      await session.query('select pg_advisory_unlock($1)', [POSTGRES_LOCK_KEY]);
    } finally {
      await close();
    }
  };
}

interface SqliteDatabase {
  exec(sql: string): void;
  close(): void;
}

async function lockSqliteFile(orm: MikroORM, path: string, log: MigrationLockLog): Promise<ReleaseMigrationLock> {
  // The configured driver's own class (libsql), on a file of its own: a lock on the database file itself would
  // also shut out the migrator's connection.
  const Database = knexClient(orm).driver as new (path: string) => SqliteDatabase;
  const lock = new Database(path);
  for (let waited = false; ;) {
    try {
      lock.exec('begin exclusive');
      break;
    } catch (error) {
      if (!/locked|busy/i.test(String(error))) {
        lock.close();
        throw error;
      }
      if (!waited) log.log('Another process is migrating this SQLite database; waiting for it to finish');
      waited = true;
      // Polled rather than a busy timeout, which would block the event loop while it waits.
      await sleep(SQLITE_RETRY_MS);
    }
  }
  return async () => {
    try {
      lock.exec('rollback');
    } finally {
      lock.close();
    }
  };
}

function knexClient(orm: MikroORM) {
  return (orm.em.getConnection() as AbstractSqlConnection).getKnex().client as {
    driver: unknown;
    acquireRawConnection(): Promise<unknown>;
    destroyRawConnection(connection: unknown): Promise<void>;
  };
}
