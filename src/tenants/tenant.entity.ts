import { Entity, EntityRepositoryType, Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantRepository } from './tenant.repository';

@Entity({ repository: () => TenantRepository })
export class Tenant {
  [EntityRepositoryType]?: TenantRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @Property({ length: 200 })
  name: string;

  @Property({ type: 'json' })
  returnUrls: string[] & Opt = [];

  @Property({ nullable: true, length: 2048 })
  webhookUrl?: string;

  /** The secret tenants verify our notifications with, encrypted by TokenCipher (it must be readable to sign). */
  @Property({ type: 'text', hidden: true, lazy: true })
  webhookSecretCiphertext: string;

  @Property()
  createdAt: Date & Opt = new Date();
}
