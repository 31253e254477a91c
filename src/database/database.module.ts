import { EntityClass, MikroORM } from '@mikro-orm/core';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { DynamicModule, Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { buildOrmOptions } from './orm-options';
import { migrateUnderLock, pendingMigrations } from './schema-migrations';
import { sqliteFileOf, tightenSqliteFiles } from './sqlite-files';

const DB_CONFIG = Symbol('DB_CONFIG');

/**
 * The database, with its committed migrations applied at start (before any module that uses it initialises), under
 * a lock so that instances starting together take turns. With DATABASE_MIGRATE_ON_START=false a release step runs
 * them (`npm run db:migrate`), and an instance refuses to start on a schema older than its code.
 */
@Module({})
export class DatabaseModule implements OnModuleInit {
  private readonly logger = new Logger('Migrations');

  constructor(
    private readonly orm: MikroORM,
    @Inject(DB_CONFIG) private readonly db: AppConfig['db'],
  ) {}

  static register(db: AppConfig['db'], entities: EntityClass<object>[]): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [MikroOrmModule.forRoot(buildOrmOptions(db, entities))],
      providers: [{ provide: DB_CONFIG, useValue: db }],
    };
  }

  async onModuleInit(): Promise<void> {
    if (this.db.migrateOnStart) {
      const applied = await migrateUnderLock(this.orm, this.db, this.logger);
      if (applied.length > 0) this.logger.log(`Applied ${applied.length} migration(s): ${applied.join(', ')}`);
    } else {
      await this.refuseAnOlderSchema();
    }
    // The WAL and shared-memory files exist only once SQLite has written.
    const file = sqliteFileOf(this.db);
    if (file) tightenSqliteFiles(file);
  }

  private async refuseAnOlderSchema(): Promise<void> {
    const pending = await pendingMigrations(this.orm, this.db, this.logger);
    if (pending.length === 0) return;
    // Serving on an older schema would fail requests one by one with missing tables or columns; refusing to start
    // keeps the previous instances serving and says what to do.
    const message =
      `The database lacks ${pending.length} migration(s) this version needs (${pending.join(', ')}) and ` +
      'DATABASE_MIGRATE_ON_START=false: run `npm run db:migrate` first, or set DATABASE_MIGRATE_ON_START=true.';
    this.logger.error(message);
    throw new Error(message);
  }
}
