import { ApiKey } from '../tenants/api-key.entity';
import { Tenant } from '../tenants/tenant.entity';

/** Every entity, listed once so the app, the CLI and migrations agree. */
export const ENTITIES = [Tenant, ApiKey];
