import { setTimeout as delay } from 'node:timers/promises';
import type { SandboxCore } from './sandbox-core';
import {
  fingerprintToken,
  parseMediaType,
  randomId,
  readBody,
  sendJson,
  type RouteContext,
  type RouteTable,
} from './sandbox-http';
import { isValidVerifier, pkceChallenge } from './pkce';

const PKCE_INVALID = 'Code verifier or code challenge is invalid.';

/** docs/tiktok.md §3: POST /v2/oauth/token/ and /v2/oauth/revoke/. */
export function tokenRoutes(core: SandboxCore): RouteTable {
  const { options } = core;

  /** Form body and client credentials, common to token and revoke (§3). */
  const readClientForm = async (ctx: RouteContext): Promise<URLSearchParams | undefined> => {
    if (parseMediaType(ctx.req.headers['content-type']).type !== 'application/x-www-form-urlencoded') {
      await readBody(ctx.req).catch(() => '');
      core.refuseToken(ctx, 'token.content_type', 'invalid_request', 'The request parameters are malformed.');
      return undefined;
    }
    const form = new URLSearchParams(await readBody(ctx.req));
    if (!form.get('client_secret')) {
      core.refuseToken(ctx, 'token.client_secret_missing', 'invalid_request', 'Client secret is missed in request.');
      return undefined;
    }
    if (form.get('client_key') !== options.clientKey || form.get('client_secret') !== options.clientSecret) {
      core.refuseToken(ctx, 'token.invalid_client', 'invalid_client', 'Client key or secret is invalid.');
      return undefined;
    }
    return form;
  };

  const exchangeCode = (ctx: RouteContext, form: URLSearchParams): void => {
    const code = core.state.codes.get(form.get('code') ?? '');
    if (!code) return core.refuseToken(ctx, 'token.code_unknown', 'invalid_grant', 'Authorization code is invalid.');
    if (code.used) {
      // Single use (§1.3, assumed): a second exchange is refused and recorded.
      return core.refuseToken(ctx, 'token.code_reused', 'invalid_grant', 'Authorization code has been used.');
    }
    if (core.now() >= code.expiresAt) {
      return core.refuseToken(ctx, 'token.code_expired', 'invalid_grant', 'Authorization code is expired.');
    }
    if (form.get('redirect_uri') !== code.redirectUri) {
      const message = 'Redirect_uri is not matched with the uri when requesting code.';
      return core.refuseToken(ctx, 'token.redirect_uri_mismatch', 'invalid_request', message);
    }
    const verifier = form.get('code_verifier') ?? '';
    if (!isValidVerifier(verifier, options.verifierMinLength)) {
      const why = `code_verifier must be ${options.verifierMinLength}..128 unreserved characters.`;
      core.recordViolation(ctx, 'token.pkce_verifier_format', why, options.tokenErrorHttpStatus, 'invalid_request');
      return core.refuseToken(ctx, undefined, 'invalid_request', PKCE_INVALID);
    }
    if (pkceChallenge(verifier, options.pkceEncoding) !== code.codeChallenge) {
      const other = options.pkceEncoding === 'hex' ? 'base64url' : 'hex';
      const hint = pkceChallenge(verifier, other) === code.codeChallenge ? ` (challenge was ${other})` : '';
      const why = `code_challenge is not ${options.pkceEncoding}(SHA-256(code_verifier))${hint}.`;
      core.recordViolation(ctx, 'token.pkce_challenge_mismatch', why, options.tokenErrorHttpStatus, 'invalid_request');
      return core.refuseToken(ctx, undefined, 'invalid_request', PKCE_INVALID);
    }
    code.used = true;
    sendJson(ctx.res, 200, core.tokens.issueFamily(code.openId, code.scopes));
  };

  const refresh = (ctx: RouteContext, form: URLSearchParams): void => {
    const refreshToken = form.get('refresh_token');
    if (!refreshToken)
      return core.refuseToken(ctx, 'token.refresh_token_missing', 'invalid_request', 'refresh_token is required.');
    const outcome = core.tokens.refresh(refreshToken);
    if (outcome.ok) return sendJson(ctx.res, 200, outcome.tokens);
    const description = 'Refresh token is invalid or expired.';
    if (outcome.reason === 'rotated') {
      core.state.refreshTokenReused = true;
      const why = 'rotated refresh token reused';
      core.recordViolation(ctx, 'token.refresh_token_reused', why, options.tokenErrorHttpStatus, 'invalid_grant');
      return core.refuseToken(ctx, undefined, 'invalid_grant', description);
    }
    const rule = outcome.reason === 'scenario_refresh_fails' ? undefined : `token.refresh_token_${outcome.reason}`;
    core.refuseToken(ctx, rule, 'invalid_grant', description);
  };

  const token = async (ctx: RouteContext): Promise<void> => {
    // The control API's token delay holds the request before any rule is judged, so a slow TikTok stays as strict.
    if (core.state.faults.tokenDelayMs > 0) await delay(core.state.faults.tokenDelayMs);
    const form = await readClientForm(ctx);
    if (!form) return;
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') return exchangeCode(ctx, form);
    if (grantType === 'refresh_token') return refresh(ctx, form);
    if (grantType === 'client_credentials') {
      // §3.7: a client token is not a user token; the data APIs here refuse it.
      return sendJson(ctx.res, 200, { access_token: `clt.${randomId(30)}`, expires_in: 7200, token_type: 'Bearer' });
    }
    core.refuseToken(ctx, 'token.grant_type', 'unsupported_grant_type', 'grant_type is not supported.');
  };

  /** §3.6: kills the family; empty 200 body. Unknown tokens also get 200 (RFC 7009), but are recorded. */
  const revoke = async (ctx: RouteContext): Promise<void> => {
    const form = await readClientForm(ctx);
    if (!form) return;
    const accessToken = form.get('token') ?? '';
    ctx.record.tokenFingerprint = accessToken ? fingerprintToken(accessToken) : undefined;
    const family = core.tokens.familyOfAccessToken(accessToken);
    if (!family) core.recordViolation(ctx, 'revoke.unknown_token', 'token is not a known access token.', 200, 'ok');
    if (family && !family.revoked) {
      family.revoked = true;
      core.publishes.failAllInProgressOf(family.openId, 'auth_removed');
      // §10.3: reason 5 = developer revoked the authorization.
      core.webhooks.emit('authorization.removed', family.openId, JSON.stringify({ reason: 5 }));
    }
    ctx.res.writeHead(200, { 'Content-Length': 0 });
    ctx.res.end();
  };

  return { 'POST /v2/oauth/token/': token, 'POST /v2/oauth/revoke/': revoke };
}
