import type { SandboxCore } from './sandbox-core';
import type { ScenarioAccount } from './scenario-accounts';

// docs/tiktok.md §5.5: "typically around 15 posts per day" per creator; 5 pending inbox shares in any 24 h;
// an unaudited client may have up to 5 users posting per 24 h.
export const DAILY_DIRECT_POST_CAP = 15;
export const PENDING_INBOX_SHARE_CAP = 5;
export const UNAUDITED_ACTIVE_USER_CAP = 5;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface PostingRefusal {
  rule: string;
  code: string;
  message: string;
}

const BANNED: PostingRefusal = {
  rule: 'posting.user_banned',
  code: 'spam_risk_user_banned_from_posting',
  message: 'The user is banned from posting.',
};
const CAPPED: PostingRefusal = {
  rule: 'posting.daily_cap',
  code: 'spam_risk_too_many_posts',
  message: 'The daily post cap from API is reached.',
};

function recentInits(core: SandboxCore, kind: 'inbox' | 'direct') {
  const since = core.now() - DAY_MS;
  return core.state.inits.filter((i) => i.kind === kind && i.time > since);
}

/** What creator_info answers with HTTP 200 and Direct Post init with 403 (§5.1, §9). */
export function directPostingBlock(core: SandboxCore, account: ScenarioAccount): PostingRefusal | undefined {
  if (account.postingBlock === 'spam_risk_user_banned_from_posting') return BANNED;
  const posts = recentInits(core, 'direct');
  if (account.postingBlock === 'spam_risk_too_many_posts') return CAPPED;
  if (posts.filter((i) => i.openId === account.openId).length >= DAILY_DIRECT_POST_CAP) return CAPPED;
  const activeUsers = new Set(posts.map((i) => i.openId));
  if (!core.options.audited && !activeUsers.has(account.openId) && activeUsers.size >= UNAUDITED_ACTIVE_USER_CAP) {
    const message = 'The client reached its daily cap of active publishing users.';
    return { rule: 'posting.active_user_cap', code: 'reached_active_user_cap', message };
  }
  return undefined;
}

/** §5.3: inbox init refuses banned users and a sixth pending share within 24 h. */
export function inboxPostingBlock(core: SandboxCore, account: ScenarioAccount): PostingRefusal | undefined {
  if (account.postingBlock === 'spam_risk_user_banned_from_posting') return BANNED;
  const pending = recentInits(core, 'inbox').filter((i) => {
    const status = core.state.publishes.get(i.publishId)?.status;
    return i.openId === account.openId && status !== 'PUBLISH_COMPLETE' && status !== 'FAILED';
  });
  if (pending.length >= PENDING_INBOX_SHARE_CAP) {
    const message = `The user already has ${PENDING_INBOX_SHARE_CAP} pending inbox shares in the last 24 hours.`;
    return { rule: 'posting.pending_share_cap', code: 'spam_risk_too_many_pending_share', message };
  }
  return undefined;
}
