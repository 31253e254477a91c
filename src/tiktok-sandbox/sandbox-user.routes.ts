import { authorizeApiCall } from './sandbox-api-guard';
import type { SandboxCore } from './sandbox-core';
import { sendApiError, sendApiOk, type RouteContext, type RouteTable } from './sandbox-http';
import { directPostingBlock } from './posting-limits';
import { findScenarioAccountByOpenId, privacyLevelOptions, type ScenarioAccount } from './scenario-accounts';

type FieldReader = [scope: string, read: (a: ScenarioAccount) => unknown];

// docs/tiktok.md §4.3: each field and the scope it needs.
const USER_FIELDS: Record<string, FieldReader> = {
  open_id: ['user.info.basic', (a) => a.openId],
  union_id: ['user.info.basic', (a) => a.unionId],
  avatar_url: ['user.info.basic', (a) => a.avatarUrl],
  avatar_url_100: ['user.info.basic', (a) => a.avatarUrl.replace('.jpeg', '_100.jpeg')],
  avatar_large_url: ['user.info.basic', (a) => a.avatarUrl.replace('.jpeg', '_large.jpeg')],
  display_name: ['user.info.basic', (a) => a.displayName],
  bio_description: ['user.info.profile', (a) => a.description],
  profile_deep_link: ['user.info.profile', (a) => `https://vm.tiktok.example/${a.username}`],
  profile_web_link: ['user.info.profile', (a) => `https://www.tiktok.com/@${a.username}`],
  is_verified: ['user.info.profile', () => false],
  username: ['user.info.profile', (a) => a.username],
  follower_count: ['user.info.stats', () => 1200],
  following_count: ['user.info.stats', () => 80],
  likes_count: ['user.info.stats', () => 34000],
  video_count: ['user.info.stats', () => 42],
};

/** `GET /v2/user/info/` (§4.3) and `POST /v2/post/publish/creator_info/query/` (§5.1). */
export function userRoutes(core: SandboxCore): RouteTable {
  const userInfo = (ctx: RouteContext): void => {
    const caller = authorizeApiCall(core, ctx, ['user.info.basic'], 'user_info');
    if (!caller) return;
    const fields = (ctx.url.searchParams.get('fields') ?? '').split(',').filter(Boolean);
    if (fields.length === 0)
      return core.refuseApi(ctx, 'user_info.fields', 400, 'invalid_params', 'fields is required.');
    const unknown = fields.filter((f) => !(f in USER_FIELDS));
    if (unknown.length > 0) {
      return core.refuseApi(ctx, 'user_info.fields', 400, 'invalid_params', `Unknown fields: ${unknown.join(',')}.`);
    }
    const missing = fields.filter((f) => !caller.family.scopes.includes(USER_FIELDS[f][0]));
    if (missing.length > 0) {
      const message = `Fields need scopes the user did not grant: ${missing.join(',')}.`;
      return core.refuseApi(ctx, 'user_info.scope_permission_missed', 400, 'scope_permission_missed', message);
    }
    const account = findScenarioAccountByOpenId(caller.openId);
    if (!account) return sendApiError(ctx, 500, 'internal_error', 'Unknown account.');
    sendApiOk(ctx, { user: Object.fromEntries(fields.map((f) => [f, USER_FIELDS[f][1](account)])) });
  };

  const creatorInfo = (ctx: RouteContext): void => {
    const caller = authorizeApiCall(core, ctx, ['video.publish'], 'creator_info');
    if (!caller) return;
    const account = core.account(caller.openId);
    if (!account) return sendApiError(ctx, 500, 'internal_error', 'Unknown account.');
    // §5.1: the posting blocks come back with HTTP 200 "(intentional)"; only error.code tells.
    const block = directPostingBlock(core, account);
    if (block) return sendApiError(ctx, 200, block.code, block.message);
    sendApiOk(ctx, {
      creator_avatar_url: account.avatarUrl,
      creator_username: account.username,
      creator_nickname: account.displayName,
      privacy_level_options: privacyLevelOptions(account),
      comment_disabled: account.commentDisabled,
      duet_disabled: account.duetDisabled,
      stitch_disabled: account.stitchDisabled,
      max_video_post_duration_sec: account.maxVideoPostDurationSec,
    });
  };

  return { 'GET /v2/user/info/': userInfo, 'POST /v2/post/publish/creator_info/query/': creatorInfo };
}
