import { DECISION_PATH, renderConsentPage, renderErrorPage } from './consent-page';
import type { SandboxCore } from './sandbox-core';
import { randomId, redirect, sendText, type RouteContext, type RouteTable } from './sandbox-http';
import type { PendingConsent } from './sandbox-state';
import { DEFAULT_SCENARIO_ACCOUNT, findScenarioAccount } from './scenario-accounts';

export const KNOWN_SCOPES = [
  'user.info.basic',
  'user.info.profile',
  'user.info.stats',
  'video.list',
  'video.publish',
  'video.upload',
];
const CONSENT_TTL_MS = 10 * 60 * 1000;

function withQuery(base: string, params: Record<string, string | undefined>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

/** docs/tiktok.md §1: GET /v2/auth/authorize/ and the consent decision. */
export function authorizeRoutes(core: SandboxCore): RouteTable {
  const htmlError = (ctx: RouteContext, rule: string, message: string): void => {
    core.recordViolation(ctx, rule, message, 400, 'invalid_request');
    sendText(ctx.res, 400, renderErrorPage(message), 'text/html; charset=utf-8');
  };

  const authorize = (ctx: RouteContext): void => {
    const q = ctx.url.searchParams;
    if (q.get('client_key') !== core.options.clientKey) {
      return htmlError(ctx, 'authorize.client_key', 'client_key is missing or unknown.');
    }
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!core.options.redirectUris.includes(redirectUri)) {
      return htmlError(ctx, 'authorize.redirect_uri', 'redirect_uri does not match a registered redirect URI.');
    }
    const state = q.get('state') ?? '';
    const fail = (rule: string, error: string, description: string): void => {
      core.recordViolation(ctx, rule, description, 302, error);
      redirect(ctx.res, withQuery(redirectUri, { error, error_description: description, state: state || undefined }));
    };
    const rawScope = q.get('scope') ?? '';
    const scopes = rawScope.split(',');
    if (q.get('response_type') !== 'code') {
      return fail('authorize.response_type', 'unsupported_response_type', 'response_type must be code.');
    }
    if (!state) return fail('authorize.state', 'invalid_request', 'state is required.');
    // §1.1: scopes are comma-separated, never space-separated.
    if (/\s/.test(rawScope))
      return fail('authorize.scope_separator', 'invalid_scope', 'Scopes must be comma-separated.');
    const unknown = scopes.filter((s) => !KNOWN_SCOPES.includes(s));
    if (unknown.length > 0)
      return fail('authorize.scope_unknown', 'invalid_scope', `Unknown scope: ${unknown.join(',')}.`);
    const codeChallenge = q.get('code_challenge') ?? '';
    if (!codeChallenge) return fail('authorize.code_challenge', 'invalid_request', 'code_challenge is required.');
    if (q.get('code_challenge_method') !== 'S256') {
      return fail('authorize.code_challenge_method', 'invalid_request', 'code_challenge_method must be S256.');
    }
    const consent: PendingConsent = {
      id: randomId(),
      redirectUri,
      state,
      scopes: [...new Set(scopes)],
      codeChallenge,
      expiresAt: core.now() + CONSENT_TTL_MS,
    };
    // Non-interactive path for tests: decide at once.
    if (q.has('sandbox_decision') || q.has('sandbox_account')) return decide(ctx, consent);
    core.state.consents.set(consent.id, consent);
    sendText(
      ctx.res,
      200,
      renderConsentPage(core.options.appName, consent.id, consent.scopes),
      'text/html; charset=utf-8',
    );
  };

  const decide = (ctx: RouteContext, consent: PendingConsent): void => {
    const q = ctx.url.searchParams;
    const account = findScenarioAccount(q.get('sandbox_account') ?? DEFAULT_SCENARIO_ACCOUNT);
    if (!account) return htmlError(ctx, 'authorize.sandbox_account', 'Unknown sandbox_account.');
    if ((q.get('sandbox_decision') ?? 'approve') === 'deny') {
      const error = { error: 'access_denied', error_description: 'The user denied the authorization request.' };
      return redirect(ctx.res, withQuery(consent.redirectUri, { ...error, state: consent.state }));
    }
    const denied = q.getAll('sandbox_deny_scopes').flatMap((v) => v.split(','));
    const granted = consent.scopes.filter((s) => !denied.includes(s));
    const code = randomId(24);
    core.state.codes.set(code, {
      code,
      redirectUri: consent.redirectUri,
      codeChallenge: consent.codeChallenge,
      openId: account.openId,
      scopes: granted,
      expiresAt: core.now() + core.options.authCodeTtlSeconds * 1000,
      used: false,
    });
    redirect(ctx.res, withQuery(consent.redirectUri, { code, scopes: granted.join(','), state: consent.state }));
  };

  const decision = (ctx: RouteContext): void => {
    const id = ctx.url.searchParams.get('request_id') ?? '';
    const consent = core.state.consents.get(id);
    core.state.consents.delete(id);
    if (!consent || core.now() >= consent.expiresAt) {
      return htmlError(ctx, 'authorize.consent_expired', 'This authorization request expired; start again.');
    }
    decide(ctx, consent);
  };

  return { 'GET /v2/auth/authorize/': authorize, [`GET ${DECISION_PATH}`]: decision };
}
