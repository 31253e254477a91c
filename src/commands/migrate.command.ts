// `npm run db:migrate`: applies the pending migrations and exits, for a release step that runs before new
// instances start (with DATABASE_MIGRATE_ON_START=false). Takes the same lock as an instance migrating at start.
import { MikroORM } from '@mikro-orm/core';
import { loadEnvironmentOrExit } from '../config/load-environment';
import { ENTITIES } from '../entities';
import { buildOrmOptions } from '../database/orm-options';
import { migrateUnderLock } from '../database/schema-migrations';

async function main(): Promise<void> {
  const { db } = loadEnvironmentOrExit().config;
  const orm = await MikroORM.init({ ...buildOrmOptions(db, ENTITIES), logger: () => undefined });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  try {
    const applied = await migrateUnderLock(orm, db, { log: say });
    say(applied.length > 0 ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'Nothing to migrate.');
  } finally {
    await orm.close(true);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
