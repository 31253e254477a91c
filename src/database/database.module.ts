import { MikroORM } from '@mikro-orm/core';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppConfig } from '../config/app-config';
import { buildOrmOptions } from './orm-options';
import { sqliteFileOf, tightenSqliteFiles } from './sqlite-files';

/** The database, with its committed migrations applied at start (before any module that uses it initialises). */
@Module({})
export class DatabaseModule implements OnModuleInit {
  constructor(
    private readonly orm: MikroORM,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  static register(db: AppConfig['db']): DynamicModule {
    return { module: DatabaseModule, imports: [MikroOrmModule.forRoot(buildOrmOptions(db))] };
  }

  async onModuleInit(): Promise<void> {
    await this.orm.getMigrator().up();
    // The WAL and shared-memory files exist only once SQLite has written.
    const file = sqliteFileOf(this.config.get('db', { infer: true }));
    if (file) tightenSqliteFiles(file);
  }
}
