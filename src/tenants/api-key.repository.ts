import { EntityRepository } from '@mikro-orm/core';
import { ApiKey } from './api-key.entity';

export class ApiKeyRepository extends EntityRepository<ApiKey> {
  findByLookupId(lookupId: string): Promise<ApiKey | null> {
    return this.findOne({ lookupId });
  }
}
