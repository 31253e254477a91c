import { MikroORM } from '@mikro-orm/core';
import { existsSync, readFileSync } from 'node:fs';
import { buildOrmOptions } from '../../../src/database/orm-options';
import { ENTITIES } from '../../../src/entities';

/**
 * The test's own view of a gateway's database, through the project's ORM options (SQLite and PostgreSQL alike):
 * for moving a row in time as a scheduler would see it, and for dumping every table to look for secrets.
 */
export class DatabasePeek {
  private constructor(
    readonly orm: MikroORM,
    private readonly sqliteFile?: string,
  ) {}

  static async open(url: string): Promise<DatabasePeek> {
    const driver = url.startsWith('sqlite:') ? 'sqlite' : 'postgresql';
    const orm = await MikroORM.init({ ...buildOrmOptions({ url, driver }, ENTITIES), logger: () => undefined });
    return new DatabasePeek(orm, driver === 'sqlite' ? url.slice('sqlite:'.length) : undefined);
  }

  get em() {
    return this.orm.em.fork();
  }

  /** Every row of every table as text, plus (SQLite) the raw file bytes, freed pages and WAL included. */
  async dumpEverything(): Promise<string> {
    const connection = this.orm.em.getConnection();
    const tables = Object.values(this.orm.getMetadata().getAll())
      .filter((meta) => !meta.embeddable && !meta.virtual && meta.tableName)
      .map((meta) => meta.tableName);
    const parts: string[] = [];
    for (const table of new Set(tables)) {
      parts.push(JSON.stringify(await connection.execute(`select * from "${table}"`)));
    }
    if (this.sqliteFile) {
      for (const file of [this.sqliteFile, `${this.sqliteFile}-wal`].filter((f) => existsSync(f)))
        parts.push(readFileSync(file).toString('latin1'));
    }
    return parts.join('\n');
  }

  async close(): Promise<void> {
    await this.orm.close(true);
  }
}
