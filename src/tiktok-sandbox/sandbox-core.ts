import { sendApiError, sendJson, type RouteContext } from './sandbox-http';
import type { ResolvedSandboxOptions } from './sandbox-options';
import { SandboxPublishes } from './sandbox-publishes';
import { SandboxState } from './sandbox-state';
import { findScenarioAccountByOpenId, type ScenarioAccount } from './scenario-accounts';
import { SandboxTokens } from './sandbox-tokens';
import { SandboxWebhooks } from './sandbox-webhooks';

/** The parts every route module shares; one per running sandbox. */
export class SandboxCore {
  readonly state = new SandboxState();
  readonly tokens: SandboxTokens;
  readonly webhooks: SandboxWebhooks;
  readonly publishes: SandboxPublishes;
  baseUrl = '';

  constructor(readonly options: ResolvedSandboxOptions) {
    this.tokens = new SandboxTokens(this.state, options);
    this.webhooks = new SandboxWebhooks(
      () => this.options.webhookUrl,
      options.clientKey,
      options.clientSecret,
      options.now,
    );
    this.publishes = new SandboxPublishes(this.state, options, this.webhooks);
  }

  /** The scenario account with the settings a test has changed since (creator_info and init read these). */
  account(openId: string): ScenarioAccount | undefined {
    const account = findScenarioAccountByOpenId(openId);
    return account && { ...account, ...this.state.accountChanges.get(openId) };
  }

  now(): number {
    return this.options.now();
  }

  get publicBaseUrl(): string {
    return (this.options.publicBaseUrl ?? this.baseUrl).replace(/\/$/, '');
  }

  recordViolation(ctx: RouteContext, rule: string, message: string, status: number, code: string): void {
    this.state.violations.push({
      rule,
      message,
      error: { status, code, message },
      method: ctx.req.method ?? '',
      path: ctx.url.pathname,
      time: this.now(),
    });
  }

  /** A data-API refusal caused by the client: answered in TikTok's envelope and recorded. */
  refuseApi(ctx: RouteContext, rule: string, status: number, code: string, message: string): void {
    this.recordViolation(ctx, rule, message, status, code);
    sendApiError(ctx, status, code, message);
  }

  /** docs/tiktok.md §3.5: flat `{error, error_description, log_id}`, status configurable (default 200). */
  refuseToken(ctx: RouteContext, rule: string | undefined, error: string, description: string): void {
    const status = this.options.tokenErrorHttpStatus;
    if (rule) this.recordViolation(ctx, rule, description, status, error);
    sendJson(ctx.res, status, { error, error_description: description, log_id: ctx.logId });
  }

  reset(): void {
    this.state.reset();
    this.webhooks.reset();
  }
}
