import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { AuthenticatedTenant } from '../common/auth/authenticated-tenant';
import { apiKeyLookupId, generateApiKey, hashSecret, secretsEqual } from '../common/crypto/secret-hash';
import { NotFoundError } from '../common/errors/app-error';
import { ApiKey } from './api-key.entity';
import { Tenant } from './tenant.entity';

@Injectable()
export class ApiKeysService {
  constructor(private readonly em: EntityManager) {}

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
    const key = await this.em.fork().findOne(ApiKey, { lookupId });
    if (!key || key.revokedAt) return undefined;
    if (!secretsEqual(hashSecret(rawKey), key.secretHash)) return undefined;
    return { tenantId: key.tenant.id, apiKeyId: key.id };
  }

  async revoke(id: string): Promise<void> {
    const key = await this.em.findOne(ApiKey, { id });
    if (!key) throw new NotFoundError('No API key with this id.');
    key.revokedAt ??= new Date();
    await this.em.flush();
  }
}
