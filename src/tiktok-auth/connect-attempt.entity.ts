import { Entity, EntityRepositoryType, ManyToOne, Opt, PrimaryKey, Property, Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Tenant } from '../tenants/tenant.entity';
import { ConnectAttemptRepository } from './connect-attempt.repository';

/**
 * One connect link and the OAuth flow it starts. Only hashes of the ticket, state and browser cookie are stored,
 * and the PKCE verifier is encrypted, so nothing here lets someone else finish the flow. Each step is single-use:
 * `openedAt` spends the ticket, `completedAt` spends the state.
 */
@Entity({ repository: () => ConnectAttemptRepository })
export class ConnectAttempt {
  [EntityRepositoryType]?: ConnectAttemptRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @ManyToOne(() => Tenant, { ref: true, deleteRule: 'cascade' })
  tenant: Ref<Tenant>;

  @Property({ length: 128 })
  userId: string;

  @Property({ nullable: true, length: 2048 })
  returnUrl?: string;

  @Property({ length: 64, unique: true })
  ticketHash: string;

  @Property()
  expiresAt: Date;

  @Property({ nullable: true })
  openedAt?: Date;

  @Property({ length: 64, nullable: true, unique: true })
  stateHash?: string;

  @Property({ type: 'text', nullable: true, hidden: true })
  verifierCiphertext?: string;

  @Property({ length: 64, nullable: true })
  browserHash?: string;

  @Property({ nullable: true })
  stateExpiresAt?: Date;

  @Property({ nullable: true })
  completedAt?: Date;

  @Property()
  createdAt: Date & Opt = new Date();
}
