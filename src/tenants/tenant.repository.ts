import { EntityRepository } from '@mikro-orm/core';
import { Tenant } from './tenant.entity';

export class TenantRepository extends EntityRepository<Tenant> {
  listByCreation(): Promise<Tenant[]> {
    return this.findAll({ orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  findByName(name: string): Promise<Tenant | null> {
    return this.findOne({ name });
  }
}
