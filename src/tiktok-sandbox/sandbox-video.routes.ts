import { authorizeApiCall, readJsonObject } from './sandbox-api-guard';
import type { SandboxCore } from './sandbox-core';
import { sendApiError, sendApiOkText, type RouteContext, type RouteTable } from './sandbox-http';
import { publicPostsOf } from './sandbox-posts';
import { findScenarioAccountByOpenId, type ScenarioAccount } from './scenario-accounts';
import { VIDEO_FIELD_NAMES, videoObjectJson } from './video-object';

// docs/tiktok.md §5.6: max_count 1..20, default 10; at most 20 ids per query.
const MAX_COUNT_DEFAULT = 10;
const MAX_COUNT_LIMIT = 20;
const MAX_QUERY_IDS = 20;

class InvalidParams extends Error {}

function requestedFields(ctx: RouteContext): string[] {
  const raw = ctx.url.searchParams.get('fields');
  if (!raw) throw new InvalidParams('fields is required.');
  const fields = raw.split(',');
  const unknown = fields.filter((f) => !VIDEO_FIELD_NAMES.includes(f));
  if (unknown.length > 0) throw new InvalidParams(`Unknown fields: ${unknown.join(',')}.`);
  return [...new Set(fields)];
}

function onlyKeys(body: Record<string, unknown>, allowed: string[], where: string): void {
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw new InvalidParams(`Unknown ${where} fields: ${unknown.join(', ')}.`);
}

function optionalInteger(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    throw new InvalidParams(`${name} must be an integer from ${min} to ${max}.`);
  }
  return value as number;
}

/** `POST /v2/video/list/` and `POST /v2/video/query/` (§5.6): the user's public posts, scope video.list. */
export function videoRoutes(core: SandboxCore): RouteTable {
  const readBack =
    (answer: (account: ScenarioAccount, body: Record<string, unknown>, fields: string[]) => string, rule: string) =>
    async (ctx: RouteContext): Promise<void> => {
      const caller = authorizeApiCall(core, ctx, ['video.list'], 'video_list');
      if (!caller) return;
      const account = findScenarioAccountByOpenId(caller.openId);
      if (!account) return sendApiError(ctx, 500, 'internal_error', 'Unknown account.');
      try {
        const fields = requestedFields(ctx);
        const body = await readJsonObject(core, ctx, 'invalid_params');
        if (!body) return;
        sendApiOkText(ctx, answer(account, body, fields));
      } catch (error) {
        if (!(error instanceof InvalidParams)) throw error;
        core.refuseApi(ctx, rule, 400, 'invalid_params', error.message);
      }
    };

  const list = readBack((account, body, fields) => {
    onlyKeys(body, ['cursor', 'max_count'], 'body');
    // The cursor is a create time in ms: the page holds posts created strictly before it.
    const cursor = optionalInteger(body.cursor, 'cursor', 0, Number.MAX_SAFE_INTEGER);
    const maxCount = optionalInteger(body.max_count, 'max_count', 1, MAX_COUNT_LIMIT) ?? MAX_COUNT_DEFAULT;
    const older = publicPostsOf(core.state, account.openId).filter(
      (p) => cursor === undefined || p.createTimeMs < cursor,
    );
    const page = older.slice(0, maxCount);
    const next = page.length > 0 ? page[page.length - 1].createTimeMs : (cursor ?? 0);
    const videos = page.map((p) => videoObjectJson(p, account, fields)).join(',');
    return `{"videos":[${videos}],"cursor":${next},"has_more":${older.length > page.length}}`;
  }, 'video_list.params');

  const query = readBack((account, body, fields) => {
    onlyKeys(body, ['filters'], 'body');
    const filters = body.filters;
    if (typeof filters !== 'object' || filters === null || Array.isArray(filters)) {
      throw new InvalidParams('filters.video_ids is required.');
    }
    onlyKeys(filters as Record<string, unknown>, ['video_ids'], 'filters');
    const ids = (filters as Record<string, unknown>).video_ids;
    if (!Array.isArray(ids) || ids.length < 1 || ids.length > MAX_QUERY_IDS) {
      throw new InvalidParams(`filters.video_ids must list 1 to ${MAX_QUERY_IDS} ids.`);
    }
    if (!ids.every((id) => typeof id === 'string' && /^\d{1,19}$/.test(id))) {
      throw new InvalidParams('filters.video_ids must be int64 ids written as strings.');
    }
    // Someone else's or a non-public post is simply not found.
    const own = new Map(publicPostsOf(core.state, account.openId).map((p) => [p.id.toString(), p]));
    const found = (ids as string[]).flatMap((id) => (own.has(id) ? [own.get(id)!] : []));
    return `{"videos":[${found.map((p) => videoObjectJson(p, account, fields)).join(',')}]}`;
  }, 'video_query.params');

  return { 'POST /v2/video/list/': list, 'POST /v2/video/query/': query };
}
