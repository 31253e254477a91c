import { EntityClass, Options } from '@mikro-orm/core';
import { Logger } from '@nestjs/common';
import { Migrator } from '@mikro-orm/migrations';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { prepareSqliteFile, sqliteFileOf } from './sqlite-files';
import { cachePreparedStatements } from './sqlite-statement-cache';

/** How long a SQLite statement waits for another connection's write lock (libsql's `timeout`, in ms). */
const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * MikroORM options for the app and the CLI alike; migrations are kept per database platform. The entities come from
 * the caller (src/entities.ts), so this layer names no feature.
 */
export function buildOrmOptions(db: Pick<AppConfig['db'], 'url' | 'driver'>, entities: EntityClass<object>[]): Options {
  const common: Options = {
    entities,
    extensions: [Migrator],
    migrations: {
      path: join(__dirname, 'migrations', db.driver),
      pathTs: join(__dirname, '..', '..', 'src', 'database', 'migrations', db.driver),
      glob: '!(*.d).{js,ts}',
      transactional: true,
      snapshot: false,
      silent: true,
    },
    logger: (message) => new Logger('MikroORM').log(message),
    allowGlobalContext: false,
    forceUtcTimezone: true,
    debug: false,
  };
  if (db.driver === 'postgresql') {
    // A database that hangs must fail fast (503), not hold requests for knex's default 60 s. A connection attempt
    // that fails does not fail the request waiting for a connection (knex's `propagateCreateError` default): after
    // an outage, attempts made into it still time out seconds later, and would fail requests a healthy connection
    // can serve; a request still gets its 503 once the acquire timeout has passed.
    return {
      ...common,
      driver: loadPostgreSqlDriver(),
      clientUrl: db.url,
      pool: { min: 0, max: 10, acquireTimeoutMillis: 5000, propagateCreateError: false },
      driverOptions: { connection: { connectionTimeoutMillis: 5000 }, acquireConnectionTimeout: 5000 },
    };
  }
  const file = db.url.slice('sqlite:'.length);
  if (sqliteFileOf(db)) prepareSqliteFile(file);
  // Another process on the same file (a restart that overlaps the old one, the migration command) holds the write
  // lock for a moment: wait for it as PostgreSQL would, instead of failing at once with "database is locked".
  return {
    ...common,
    driver: loadLibSqlDriver(),
    dbName: file,
    driverOptions: { connection: { timeout: SQLITE_BUSY_TIMEOUT_MS } },
    pool: {
      afterCreate: (
        connection: Parameters<typeof cachePreparedStatements>[0],
        done: (error: null, connection: unknown) => void,
      ) => done(null, cachePreparedStatements(connection)),
    },
  };
}

// Only the configured driver is loaded: the other one (knex dialect, pg or the native libsql binding) would cost
// every process memory and start time for nothing.
/* eslint-disable @typescript-eslint/no-require-imports */
function loadPostgreSqlDriver(): typeof import('@mikro-orm/postgresql').PostgreSqlDriver {
  return (require('@mikro-orm/postgresql') as typeof import('@mikro-orm/postgresql')).PostgreSqlDriver;
}

function loadLibSqlDriver(): typeof import('@mikro-orm/libsql').LibSqlDriver {
  return (require('@mikro-orm/libsql') as typeof import('@mikro-orm/libsql')).LibSqlDriver;
}
/* eslint-enable @typescript-eslint/no-require-imports */
