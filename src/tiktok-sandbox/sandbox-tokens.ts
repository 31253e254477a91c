import { randomId } from './sandbox-http';
import type { ResolvedSandboxOptions } from './sandbox-options';
import type { AccessTokenRecord, SandboxState, TokenFamily } from './sandbox-state';
import { findScenarioAccountByOpenId } from './scenario-accounts';

export interface IssuedTokens {
  access_token: string;
  expires_in: number;
  open_id: string;
  refresh_token: string;
  refresh_expires_in: number;
  scope: string;
  token_type: 'Bearer';
}

export type RefreshRefusal = 'unknown' | 'rotated' | 'expired' | 'revoked' | 'scenario_refresh_fails';
export type RefreshOutcome =
  { ok: true; tokens: IssuedTokens; family: TokenFamily } | { ok: false; reason: RefreshRefusal };

export class SandboxTokens {
  constructor(
    private readonly state: SandboxState,
    private readonly options: ResolvedSandboxOptions,
  ) {}

  issueFamily(openId: string, scopes: string[]): IssuedTokens {
    const now = this.options.now();
    const family: TokenFamily = {
      id: randomId(),
      openId,
      scopes,
      refreshExpiresAt: now + this.options.refreshTokenTtlSeconds * 1000,
      currentRefreshToken: '',
      revoked: false,
    };
    this.state.families.set(family.id, family);
    return this.issueInto(family);
  }

  /** docs/tiktok.md §3.4: rotation; the old refresh token dies, the family lifetime is not extended. */
  refresh(refreshToken: string): RefreshOutcome {
    const family = this.state.families.get(this.state.refreshTokens.get(refreshToken) ?? '');
    if (!family) return { ok: false, reason: 'unknown' };
    if (family.currentRefreshToken !== refreshToken) return { ok: false, reason: 'rotated' };
    if (family.revoked) return { ok: false, reason: 'revoked' };
    if (this.options.now() >= family.refreshExpiresAt) return { ok: false, reason: 'expired' };
    if (findScenarioAccountByOpenId(family.openId)?.refreshFails)
      return { ok: false, reason: 'scenario_refresh_fails' };
    return { ok: true, tokens: this.issueInto(family), family };
  }

  /** Unknown, expired and revoked tokens all answer access_token_invalid (§4.2). */
  authenticate(accessToken: string): { family: TokenFamily; record: AccessTokenRecord } | undefined {
    const record = this.state.accessTokens.get(accessToken);
    const family = record && this.state.families.get(record.familyId);
    if (!record || !family || family.revoked || this.options.now() >= record.expiresAt) return undefined;
    return { family, record };
  }

  familyOfAccessToken(accessToken: string): TokenFamily | undefined {
    return this.state.families.get(this.state.accessTokens.get(accessToken)?.familyId ?? '');
  }

  expireAccessToken(accessToken: string): boolean {
    const record = this.state.accessTokens.get(accessToken);
    if (record) record.expiresAt = Math.min(record.expiresAt, this.options.now());
    return record !== undefined;
  }

  expireUserAccessTokens(openId: string): number {
    let count = 0;
    for (const record of this.state.accessTokens.values()) {
      if (this.state.families.get(record.familyId)?.openId !== openId) continue;
      record.expiresAt = Math.min(record.expiresAt, this.options.now());
      count += 1;
    }
    return count;
  }

  private issueInto(family: TokenFamily): IssuedTokens {
    const now = this.options.now();
    const accessToken = `act.${randomId(30)}`;
    const refreshToken = `rft.${randomId(30)}`;
    const expiresAt = now + this.options.accessTokenTtlSeconds * 1000;
    this.state.accessTokens.set(accessToken, { token: accessToken, familyId: family.id, expiresAt });
    this.state.refreshTokens.set(refreshToken, family.id);
    family.currentRefreshToken = refreshToken;
    return {
      access_token: accessToken,
      expires_in: this.options.accessTokenTtlSeconds,
      open_id: family.openId,
      refresh_token: refreshToken,
      refresh_expires_in: Math.max(0, Math.floor((family.refreshExpiresAt - now) / 1000)),
      scope: family.scopes.join(','),
      token_type: 'Bearer',
    };
  }
}
