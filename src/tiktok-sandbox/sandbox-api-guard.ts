import type { SandboxCore } from './sandbox-core';
import {
  bearerToken,
  fingerprintToken,
  parseMediaType,
  readBody,
  sendApiError,
  type RouteContext,
} from './sandbox-http';
import type { TokenFamily } from './sandbox-state';

export type RateBucket = 'init' | 'creator_info' | 'status' | 'user_info' | 'video_list';

// docs/tiktok.md §5.5 / §4.3: per access token, one-minute sliding window; video list and query share the Display
// API's 600.
export const RATE_BUDGETS: Record<RateBucket, number> = {
  init: 6,
  creator_info: 20,
  status: 30,
  user_info: 600,
  video_list: 600,
};
const WINDOW_MS = 60_000;

export interface ApiCaller {
  accessToken: string;
  family: TokenFamily;
  openId: string;
}

/** Bearer auth (401 access_token_invalid), scope (401 scope_not_authorized), then the rate budget (429). */
export function authorizeApiCall(
  core: SandboxCore,
  ctx: RouteContext,
  anyOfScopes: string[],
  bucket: RateBucket | undefined,
): ApiCaller | undefined {
  const accessToken = bearerToken(ctx.req);
  if (accessToken) ctx.record.tokenFingerprint = fingerprintToken(accessToken);
  const session = accessToken ? core.tokens.authenticate(accessToken) : undefined;
  if (!accessToken || !session) {
    const why = accessToken ? 'unknown, expired or revoked' : 'missing';
    core.refuseApi(ctx, 'auth.access_token_invalid', 401, 'access_token_invalid', `The access token is ${why}.`);
    return undefined;
  }
  const caller = { accessToken, family: session.family, openId: session.family.openId };
  return admitCaller(core, ctx, caller, anyOfScopes, bucket) ? caller : undefined;
}

/**
 * The scope and budget half of authorizeApiCall, for an endpoint whose scope depends on its body (photo init's
 * post_mode); false when it refused.
 */
export function admitCaller(
  core: SandboxCore,
  ctx: RouteContext,
  caller: ApiCaller,
  anyOfScopes: string[],
  bucket: RateBucket | undefined,
): boolean {
  if (anyOfScopes.length > 0 && !anyOfScopes.some((s) => caller.family.scopes.includes(s))) {
    const message = `The user did not authorize the scope required: ${anyOfScopes.join(' or ')}.`;
    core.refuseApi(ctx, 'auth.scope_not_authorized', 401, 'scope_not_authorized', message);
    return false;
  }
  if (bucket && !admitToBudget(core, `${bucket}:${caller.accessToken}`, RATE_BUDGETS[bucket])) {
    const message = `Rate limit of ${RATE_BUDGETS[bucket]} requests per minute exceeded for this access token.`;
    core.refuseApi(ctx, `rate_limit.${bucket}`, 429, 'rate_limit_exceeded', message);
    return false;
  }
  return true;
}

function admitToBudget(core: SandboxCore, key: string, budget: number): boolean {
  const now = core.now();
  const window = (core.state.rateWindows.get(key) ?? []).filter((t) => t > now - WINDOW_MS);
  const admitted = window.length < budget;
  if (admitted) window.push(now);
  core.state.rateWindows.set(key, window);
  return admitted;
}

/**
 * docs/tiktok.md §5: posting endpoints take `Content-Type: application/json; charset=UTF-8`. A missing charset is
 * accepted (it is JSON's default); any other media type or charset is invalid_param.
 */
export async function readJsonObject(
  core: SandboxCore,
  ctx: RouteContext,
  errorCode = 'invalid_param',
): Promise<Record<string, unknown> | undefined> {
  const { type, charset } = parseMediaType(ctx.req.headers['content-type']);
  if (type !== 'application/json' || (charset !== undefined && charset !== 'utf-8')) {
    const message = 'Content-Type must be application/json; charset=UTF-8.';
    core.refuseApi(ctx, 'api.content_type', 400, errorCode, message);
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readBody(ctx.req));
  } catch {
    core.refuseApi(ctx, 'api.malformed_json', 400, errorCode, 'The request body is not valid JSON.');
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    core.refuseApi(ctx, 'api.malformed_json', 400, errorCode, 'The request body must be a JSON object.');
    return undefined;
  }
  return parsed as Record<string, unknown>;
}

/** Answers 429 when the control API queued one for this endpoint (SandboxControl.rateLimitNext…); true if it did. */
export async function answeredInjected429(
  core: SandboxCore,
  ctx: RouteContext,
  fault: 'inits429' | 'statusFetches429',
): Promise<boolean> {
  if (core.state.faults[fault] <= 0) return false;
  core.state.faults[fault] -= 1;
  await readBody(ctx.req).catch(() => '');
  sendApiError(ctx, 429, 'rate_limit_exceeded', 'Rate limit exceeded (sandbox fault).');
  return true;
}
