// MikroORM CLI config: `npx mikro-orm migration:create` generates a migration for the DATABASE_URL's platform.
import { loadConfig } from '../src/config/env.schema';
import { buildOrmOptions } from '../src/database/orm-options';
import { ENTITIES } from '../src/entities';
import { testPreset } from './presets';

export default buildOrmOptions(loadConfig({ ...testPreset, ...process.env }).db, ENTITIES);
