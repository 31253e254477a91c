import {
  Entity,
  EntityRepositoryType,
  Enum,
  Index,
  ManyToOne,
  Opt,
  PrimaryKey,
  Property,
  Ref,
  Unique,
} from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Tenant } from '../tenants/tenant.entity';
import { ConnectionRepository } from './connection.repository';

export type ConnectionStatus = 'active' | 'reauth_required' | 'disconnected';

/**
 * A tenant user's TikTok account. Tokens are AES-GCM ciphertexts bound to this row and field; `tokenVersion`
 * is the compare-and-swap guard so a token pair is only ever replaced by the refresh that read it.
 */
@Entity({ repository: () => ConnectionRepository })
@Unique({ properties: ['tenant', 'userId'] })
// The refresh job's due scan: cost grows with the number due, not the number stored.
@Index({ properties: ['status', 'accessTokenExpiresAt'] })
export class Connection {
  [EntityRepositoryType]?: ConnectionRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @ManyToOne(() => Tenant, { ref: true, deleteRule: 'cascade' })
  tenant: Ref<Tenant>;

  @Property({ length: 128 })
  userId: string;

  @Enum({ items: ['active', 'reauth_required', 'disconnected'] })
  status: ConnectionStatus & Opt = 'active';

  @Property({ length: 128 })
  @Index()
  openId: string;

  @Property({ nullable: true, length: 255 })
  displayName?: string;

  @Property({ nullable: true, type: 'text' })
  avatarUrl?: string;

  @Property({ type: 'json' })
  scopes: string[] & Opt = [];

  @Property({ type: 'text', nullable: true, hidden: true })
  accessTokenCiphertext?: string | null;

  @Property({ type: 'text', nullable: true, hidden: true })
  refreshTokenCiphertext?: string | null;

  @Property({ type: 'datetime', nullable: true })
  accessTokenExpiresAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  refreshTokenExpiresAt?: Date | null;

  @Property({ version: false })
  tokenVersion: number & Opt = 1;

  /** While set and in the future, one refresher (any instance) owns this row's refresh. */
  @Property({ type: 'datetime', nullable: true })
  refreshLeaseUntil?: Date | null;

  @Property({ nullable: true, length: 64 })
  refreshLeaseOwner?: string | null;

  @Property({ nullable: true, length: 500 })
  lastRefreshError?: string | null;

  /** Why the connection ended (disconnect, invalid_grant, TikTok's authorization.removed reason). */
  @Property({ nullable: true, length: 200 })
  endedReason?: string | null;

  @Property()
  connectedAt: Date & Opt = new Date();

  @Property({ onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}
