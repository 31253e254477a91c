import { EntityManager } from '@mikro-orm/core';
import { InjectRepository } from '@mikro-orm/nestjs';
import { Injectable } from '@nestjs/common';
import { AuthenticatedTenant } from '../common/auth/authenticated-tenant';
import { apiKeyLookupId, generateApiKey, hashSecret, secretsEqual } from '../common/crypto/secret-hash';
import { NotFoundError } from '../common/errors/app-error';
import { ApiKey } from './api-key.entity';
import { ApiKeyRepository } from './api-key.repository';
import { Tenant } from './tenant.entity';

/**
 * How long a verified key is trusted before the database is asked again. Every request needs its key checked, and
 * the lookup was about a third of the database time of a simple GET; a revocation is immediate on the instance that
 * revokes and reaches other instances within this time.
 */
export const VERIFIED_KEY_TTL_MS = 5_000;
const MAX_VERIFIED_KEYS = 10_000;

interface VerifiedKey {
  secretHash: string;
  tenant: AuthenticatedTenant;
  verifiedAt: number;
}

@Injectable()
export class ApiKeysService {
  /** Keys that passed a database check, by lookup id; never a refused key. */
  private readonly verified = new Map<string, VerifiedKey>();

  constructor(
    private readonly em: EntityManager,
    @InjectRepository(ApiKey) private readonly apiKeys: ApiKeyRepository,
  ) {}

  /** Creates a key for the tenant; the returned plaintext key is never stored and never shown again. */
  async issue(tenant: Tenant, presetKey?: string): Promise<{ id: string; apiKey: string }> {
    const generated = presetKey ? { key: presetKey, lookupId: apiKeyLookupId(presetKey) } : generateApiKey();
    if (!generated.lookupId) throw new Error('Preset API key has the wrong format');
    const apiKey = this.em.create(ApiKey, {
      tenant,
      lookupId: generated.lookupId,
      secretHash: hashSecret(generated.key),
    });
    await this.em.persist(apiKey).flush();
    return { id: apiKey.id, apiKey: generated.key };
  }

  async authenticate(rawKey: string): Promise<AuthenticatedTenant | undefined> {
    const lookupId = apiKeyLookupId(rawKey);
    if (!lookupId) return undefined;
    const presented = hashSecret(rawKey);
    const cached = this.verified.get(lookupId);
    if (cached && performance.now() - cached.verifiedAt < VERIFIED_KEY_TTL_MS) {
      return secretsEqual(presented, cached.secretHash) ? cached.tenant : undefined;
    }
    const key = await this.apiKeys.findByLookupId(lookupId);
    if (!key || key.revokedAt) {
      this.verified.delete(lookupId);
      return undefined;
    }
    if (!secretsEqual(presented, key.secretHash)) return undefined;
    const tenant = { tenantId: key.tenant.id, apiKeyId: key.id };
    this.remember(lookupId, { secretHash: key.secretHash, tenant, verifiedAt: performance.now() });
    return tenant;
  }

  async revoke(id: string): Promise<void> {
    const key = await this.em.findOne(ApiKey, { id });
    if (!key) throw new NotFoundError('No API key with this id.');
    key.revokedAt ??= new Date();
    await this.em.flush();
    this.verified.delete(key.lookupId);
  }

  private remember(lookupId: string, entry: VerifiedKey): void {
    this.verified.delete(lookupId);
    // A Map iterates in insertion order, so the first entry is the one verified longest ago.
    if (this.verified.size >= MAX_VERIFIED_KEYS) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(lookupId, entry);
  }
}
