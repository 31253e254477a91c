import { Entity, EntityRepositoryType, ManyToOne, Opt, PrimaryKey, Property, Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { ApiKeyRepository } from './api-key.repository';
import { Tenant } from './tenant.entity';

/** An API key is stored only as a SHA-256 hash; `lookupId` is its non-secret, indexed part. */
@Entity({ repository: () => ApiKeyRepository })
export class ApiKey {
  [EntityRepositoryType]?: ApiKeyRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @ManyToOne(() => Tenant, { ref: true, deleteRule: 'cascade' })
  tenant: Ref<Tenant>;

  @Property({ length: 64, unique: true })
  lookupId: string;

  @Property({ length: 64, hidden: true })
  secretHash: string;

  @Property()
  createdAt: Date & Opt = new Date();

  @Property({ nullable: true })
  revokedAt?: Date;
}
