import { EntityManager } from '@mikro-orm/core';
import { InjectRepository } from '@mikro-orm/nestjs';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { hashSecret, randomToken, secretsEqual } from '../common/crypto/secret-hash';
import { ValidationFailedError } from '../common/errors/app-error';
import { AuthenticatedTenant } from '../common/auth/authenticated-tenant';
import { AppConfig } from '../config/app-config';
import { returnUrlRefusal } from '../tenants/return-urls';
import { Tenant } from '../tenants/tenant.entity';
import { TokenCipher } from '../common/crypto/token-cipher';
import { ConnectAttempt } from './connect-attempt.entity';
import { ConnectAttemptRepository } from './connect-attempt.repository';
import { ConnectFlowError } from './connect-flow.error';
import { ConnectLinkResponse } from './dto/connect-link.response';
import { CreateConnectLinkDto } from './dto/create-connect-link.dto';
import { codeChallenge, createCodeVerifier } from './pkce';

const LINK_LIFETIME_MS = 10 * 60_000;
const STATE_LIFETIME_MS = 10 * 60_000;
export const BROWSER_COOKIE_PREFIX = 'tgw_connect_';

export interface AuthorizationStart {
  state: string;
  codeChallenge: string;
  browserCookie: { name: string; value: string; maxAgeMs: number };
}

/** Connect links, and the database-backed OAuth state store behind the Passport strategy. */
@Injectable()
export class ConnectFlowService {
  constructor(
    private readonly em: EntityManager,
    @InjectRepository(ConnectAttempt) private readonly attempts: ConnectAttemptRepository,
    private readonly cipher: TokenCipher,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  async createConnectLink(
    caller: AuthenticatedTenant,
    dto: CreateConnectLinkDto,
    now: Date,
  ): Promise<ConnectLinkResponse> {
    const tenant = await this.em.findOneOrFail(Tenant, { id: caller.tenantId });
    const refusal = dto.returnUrl === undefined ? undefined : returnUrlRefusal(dto.returnUrl, tenant.returnUrls);
    if (refusal) {
      throw new ValidationFailedError(refusal, { field: 'returnUrl', allowedPrefixes: tenant.returnUrls });
    }
    const ticket = randomToken(32);
    const expiresAt = new Date(now.getTime() + LINK_LIFETIME_MS);
    const attempt = this.em.create(ConnectAttempt, {
      tenant,
      userId: dto.userId,
      returnUrl: dto.returnUrl,
      ticketHash: hashSecret(ticket),
      expiresAt,
    });
    await this.em.persist(attempt).flush();
    const publicUrl = this.config.get('app', { infer: true }).publicUrl;
    return { url: `${publicUrl}/api/auth/tiktok?ticket=${encodeURIComponent(ticket)}`, expiresAt };
  }

  /** Spends the ticket and starts one OAuth flow bound to this browser (state, PKCE verifier, cookie). */
  async startAuthorization(ticket: string | undefined, now: Date): Promise<AuthorizationStart> {
    const attempt = ticket ? await this.attempts.findOne({ ticketHash: hashSecret(ticket) }) : null;
    if (!attempt) throw new ConnectFlowError('ticket_unknown');
    if (!(await this.attempts.spendTicket(attempt.id, now))) {
      throw new ConnectFlowError(attempt.openedAt ? 'ticket_used' : 'ticket_expired', attempt.returnUrl);
    }
    const state = randomToken(32);
    const verifier = createCodeVerifier();
    const browserToken = randomToken(32);
    await this.attempts.nativeUpdate(
      { id: attempt.id },
      {
        stateHash: hashSecret(state),
        verifierCiphertext: this.cipher.encrypt(verifier, verifierAad(attempt.id)),
        browserHash: hashSecret(browserToken),
        stateExpiresAt: new Date(now.getTime() + STATE_LIFETIME_MS),
      },
    );
    return {
      state,
      codeChallenge: codeChallenge(verifier, this.config.get('tiktok', { infer: true }).pkceEncoding),
      browserCookie: { name: browserCookieName(attempt.id), value: browserToken, maxAgeMs: STATE_LIFETIME_MS },
    };
  }

  /**
   * Checks and spends a state on TikTok's callback: it must exist, be unused and unexpired, and come back to the
   * browser that opened the link (the cookie set at start). Returns the attempt and its PKCE verifier.
   */
  async consumeState(
    state: string | undefined,
    cookies: Record<string, string | undefined>,
    now: Date,
  ): Promise<{ attempt: ConnectAttempt; verifier: string }> {
    const attempt = state ? await this.attempts.findOne({ stateHash: hashSecret(state) }) : null;
    if (!attempt?.verifierCiphertext || !attempt.browserHash) throw new ConnectFlowError('state_unknown');
    const browserToken = cookies[browserCookieName(attempt.id)];
    if (!browserToken || !secretsEqual(hashSecret(browserToken), attempt.browserHash)) {
      throw new ConnectFlowError('other_browser', attempt.returnUrl);
    }
    if (!(await this.attempts.spendState(attempt.id, now))) {
      throw new ConnectFlowError(attempt.completedAt ? 'state_used' : 'state_expired', attempt.returnUrl);
    }
    return { attempt, verifier: this.cipher.decrypt(attempt.verifierCiphertext, verifierAad(attempt.id)) };
  }
}

export function browserCookieName(attemptId: string): string {
  return `${BROWSER_COOKIE_PREFIX}${attemptId.replace(/-/g, '').slice(0, 16)}`;
}

function verifierAad(attemptId: string): string {
  return `connect_attempt:${attemptId}:code_verifier`;
}
