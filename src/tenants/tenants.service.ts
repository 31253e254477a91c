import { CreateRequestContext, EnsureRequestContext, EntityManager } from '@mikro-orm/core';
import { InjectRepository } from '@mikro-orm/nestjs';
import { Injectable } from '@nestjs/common';
import { randomToken } from '../common/crypto/secret-hash';
import { NotFoundError, ValidationFailedError } from '../common/errors/app-error';
import { WebhookTargetPolicy } from '../common/net/webhook-target-policy';
import { TokenCipher } from '../common/crypto/token-cipher';
import { ApiKeysService } from './api-keys.service';
import { CreateTenantDto } from './dto/create-tenant.dto';
import {
  CreatedApiKeyResponse,
  CreatedTenantResponse,
  CurrentTenantResponse,
  RotatedWebhookSecretResponse,
  TenantResponse,
} from './dto/tenant.response';
import { AuthenticatedTenant } from '../common/auth/authenticated-tenant';
import { Tenant } from './tenant.entity';
import { TenantRepository } from './tenant.repository';

export const DEMO_TENANT_NAME = 'demo';

@Injectable()
export class TenantsService {
  constructor(
    private readonly em: EntityManager,
    @InjectRepository(Tenant) private readonly tenants: TenantRepository,
    private readonly apiKeys: ApiKeysService,
    private readonly cipher: TokenCipher,
    private readonly webhookTargets: WebhookTargetPolicy,
  ) {}

  async createTenant(dto: CreateTenantDto, presetApiKey?: string): Promise<CreatedTenantResponse> {
    if (dto.webhookUrl) this.checkWebhookUrl(dto.webhookUrl);
    const webhookSecret = `whsec_${randomToken(32)}`;
    const tenant = this.em.create(Tenant, {
      name: dto.name,
      returnUrls: dto.returnUrls ?? [],
      webhookUrl: dto.webhookUrl,
      webhookSecretCiphertext: 'pending',
    });
    // The ciphertext is bound to the tenant id, so it is written once the id exists (same transaction).
    tenant.webhookSecretCiphertext = this.cipher.encrypt(webhookSecret, webhookSecretAad(tenant.id));
    return this.em.transactional(async (em) => {
      em.persist(tenant);
      const { apiKey } = await this.apiKeys.issue(tenant, presetApiKey);
      return { ...toTenantResponse(tenant), apiKey, webhookSecret };
    });
  }

  async listTenants(): Promise<{ items: TenantResponse[] }> {
    return { items: (await this.tenants.listByCreation()).map(toTenantResponse) };
  }

  async describe(caller: AuthenticatedTenant): Promise<CurrentTenantResponse> {
    const tenant = await this.tenants.findOneOrFail({ id: caller.tenantId });
    return { tenantId: tenant.id, name: tenant.name, apiKeyId: caller.apiKeyId };
  }

  async createApiKey(tenantId: string): Promise<CreatedApiKeyResponse> {
    const tenant = await this.tenants.findOne({ id: tenantId });
    if (!tenant) throw new NotFoundError('No tenant with this id.');
    return this.apiKeys.issue(tenant);
  }

  revokeApiKey(id: string): Promise<void> {
    return this.apiKeys.revoke(id);
  }

  /**
   * Replaces the tenant's webhook secret; the new one is returned only here. Notifications are signed when sent,
   * so every delivery from now on (retries of older ones too) carries the new secret's signature.
   */
  async rotateWebhookSecret(tenantId: string): Promise<RotatedWebhookSecretResponse> {
    const webhookSecret = `whsec_${randomToken(32)}`;
    const ciphertext = this.cipher.encrypt(webhookSecret, webhookSecretAad(tenantId));
    const updated = await this.tenants.nativeUpdate({ id: tenantId }, { webhookSecretCiphertext: ciphertext });
    if (updated !== 1) throw new NotFoundError('No tenant with this id.');
    return { webhookSecret };
  }

  /** Also read outside requests (operators' scripts and tests), hence a context when there is none. */
  @EnsureRequestContext()
  async getWebhookSecret(tenantId: string): Promise<string> {
    const tenant = await this.tenants.findOneOrFail(
      { id: tenantId },
      { populate: ['webhookSecretCiphertext'], disableIdentityMap: true },
    );
    return this.cipher.decrypt(tenant.webhookSecretCiphertext, webhookSecretAad(tenant.id));
  }

  /** Where and with which secret the tenant's notifications go, from one read; undefined without a webhook URL. */
  async webhookTarget(tenantId: string): Promise<{ url: string; secret: string } | undefined> {
    const tenant = await this.tenants.findWithWebhookSecret(tenantId);
    if (!tenant?.webhookUrl) return undefined;
    return {
      url: tenant.webhookUrl,
      secret: this.cipher.decrypt(tenant.webhookSecretCiphertext, webhookSecretAad(tenant.id)),
    };
  }

  /**
   * Refuses, when the URL is set, what can be judged without resolving its host; the addresses it resolves to are
   * checked at every send (NotificationSender), as DNS answers can change.
   */
  private checkWebhookUrl(url: string): void {
    const refusal = this.webhookTargets.checkUrl(url);
    if (!refusal) return;
    throw new ValidationFailedError(
      `webhookUrl refused: ${refusal.reason}. Webhooks go over https to public addresses only, unless the operator ` +
        'lists the host in TENANT_WEBHOOK_ALLOW.',
      { field: 'webhookUrl', rule: refusal.rule, ...(refusal.addressClass ? { address: refusal.addressClass } : {}) },
    );
  }

  /** Sandbox mode's demo tenant, created on first start with a key the caller supplies (and can print). */
  @CreateRequestContext()
  async ensureDemoTenant(apiKey: string, returnUrls: string[]): Promise<{ created: boolean }> {
    if (await this.tenants.findByName(DEMO_TENANT_NAME)) return { created: false };
    await this.createTenant({ name: DEMO_TENANT_NAME, returnUrls }, apiKey);
    return { created: true };
  }
}

export function webhookSecretAad(tenantId: string): string {
  return `tenant:${tenantId}:webhook_secret`;
}

function toTenantResponse(tenant: Tenant): TenantResponse {
  return {
    id: tenant.id,
    name: tenant.name,
    returnUrls: tenant.returnUrls,
    webhookUrl: tenant.webhookUrl ?? null,
    createdAt: tenant.createdAt,
  };
}
