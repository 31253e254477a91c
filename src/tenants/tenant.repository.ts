import { EntityRepository } from '@mikro-orm/core';
import { Tenant } from './tenant.entity';

export class TenantRepository extends EntityRepository<Tenant> {
  listByCreation(): Promise<Tenant[]> {
    return this.findAll({ orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  /** The tenant with its (hidden) webhook secret, read afresh: the secret may have been rotated since. */
  findWithWebhookSecret(id: string): Promise<Tenant | null> {
    return this.findOne({ id }, { populate: ['webhookSecretCiphertext'], disableIdentityMap: true });
  }

  findByName(name: string): Promise<Tenant | null> {
    return this.findOne({ name });
  }
}
