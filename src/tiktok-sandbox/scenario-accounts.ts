import type { SandboxPost } from './sandbox-state';

export type PostingBlock = 'spam_risk_too_many_posts' | 'spam_risk_user_banned_from_posting';

export type SandboxAccountName =
  | 'creator'
  | 'private_creator'
  | 'short_limit_creator'
  | 'capped_creator'
  | 'banned_creator'
  | 'refresh_fails'
  | 'viral_creator';

export interface ScenarioAccount {
  name: SandboxAccountName;
  openId: string;
  unionId: string;
  displayName: string;
  username: string;
  avatarUrl: string;
  /** Private accounts get FOLLOWER_OF_CREATOR instead of PUBLIC_TO_EVERYONE (docs/tiktok.md §5.1). */
  privateAccount: boolean;
  maxVideoPostDurationSec: number;
  commentDisabled: boolean;
  duetDisabled: boolean;
  stitchDisabled: boolean;
  /** Answered by creator_info with HTTP 200 and by init with 403 (§5.1, §9). */
  postingBlock?: PostingBlock;
  /** Every refresh answers invalid_grant: the user must reconnect (§13). */
  refreshFails: boolean;
  /**
   * Its posts reach PUBLISH_COMPLETE without `publicaly_available_post_id` (as docs/tiktok.md §5.6 says often
   * happens) and without the publicly_available webhook: the client must find them with video/list.
   */
  postIdsWithheld: boolean;
  description: string;
}

const VIRAL_OPEN_ID = 'a1b2c3d4-0000-4000-8000-000000000007';

function account(
  name: SandboxAccountName,
  openId: string,
  displayName: string,
  description: string,
  overrides: Partial<ScenarioAccount> = {},
): ScenarioAccount {
  return {
    name,
    openId,
    unionId: `union-${openId}`,
    displayName,
    username: name.replace(/_/g, '.'),
    avatarUrl: `https://p16-sign.tiktokcdn.example/avatar/${name}.jpeg`,
    privateAccount: false,
    maxVideoPostDurationSec: 600,
    commentDisabled: false,
    duetDisabled: false,
    stitchDisabled: false,
    refreshFails: false,
    postIdsWithheld: false,
    description,
    ...overrides,
  };
}

export const SCENARIO_ACCOUNTS: readonly ScenarioAccount[] = [
  account('creator', '723f24d7-e717-40f8-a2b6-cb8464cd23b4', 'Casey Creator', 'Public account, everything works'),
  account('private_creator', 'a1b2c3d4-0000-4000-8000-000000000002', 'Pia Private', 'Private account', {
    privateAccount: true,
    duetDisabled: true,
    stitchDisabled: true,
  }),
  account('short_limit_creator', 'a1b2c3d4-0000-4000-8000-000000000003', 'Sam Short', 'May post up to 60 s', {
    maxVideoPostDurationSec: 60,
    commentDisabled: true,
  }),
  account('capped_creator', 'a1b2c3d4-0000-4000-8000-000000000004', 'Cam Capped', 'Daily post cap reached', {
    postingBlock: 'spam_risk_too_many_posts',
  }),
  account('banned_creator', 'a1b2c3d4-0000-4000-8000-000000000005', 'Ben Banned', 'Banned from posting', {
    postingBlock: 'spam_risk_user_banned_from_posting',
  }),
  account('refresh_fails', 'a1b2c3d4-0000-4000-8000-000000000006', 'Rae Refresh', 'Every refresh is invalid_grant', {
    refreshFails: true,
  }),
  account('viral_creator', VIRAL_OPEN_ID, 'Vic Viral', 'Seeded public video with 9007199254740993 views', {
    postIdsWithheld: true,
  }),
];

export const DEFAULT_SCENARIO_ACCOUNT = 'creator';

export function findScenarioAccount(name: string): ScenarioAccount | undefined {
  return SCENARIO_ACCOUNTS.find((a) => a.name === name);
}

export function findScenarioAccountByOpenId(openId: string): ScenarioAccount | undefined {
  return SCENARIO_ACCOUNTS.find((a) => a.openId === openId);
}

/** docs/tiktok.md §5.1: the options depend on whether the account is private. */
export function privacyLevelOptions(a: ScenarioAccount): string[] {
  return a.privateAccount
    ? ['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY']
    : ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'];
}

/** Posts already on the profiles before any test; video/list and video/query read them (docs/tiktok.md §5.6). */
export const SEEDED_POSTS: readonly SandboxPost[] = [
  {
    // §5.6: id and view_count are int64; both are beyond 2^53 so a JS number cannot carry them.
    id: 7300000000000000001n,
    openId: VIRAL_OPEN_ID,
    mediaType: 'VIDEO',
    createTimeMs: Date.UTC(2026, 9, 1, 12, 0, 0),
    privacyLevel: 'PUBLIC_TO_EVERYONE',
    title: 'The one that went viral',
    description: 'The one that went viral #sandbox',
    durationSec: 15,
    width: 1080,
    height: 1920,
    isAigc: false,
    likeCount: 1_200_000_000,
    commentCount: 1_500_000,
    shareCount: 3_000_000,
    viewCount: 9_007_199_254_740_993n,
  },
  {
    // Only the creator sees it: video/list and video/query must not return it.
    id: 7300000000000000003n,
    openId: VIRAL_OPEN_ID,
    mediaType: 'VIDEO',
    createTimeMs: Date.UTC(2026, 8, 1, 12, 0, 0),
    privacyLevel: 'SELF_ONLY',
    title: 'Just for me',
    description: 'Just for me',
    durationSec: 5,
    width: 1080,
    height: 1920,
    isAigc: false,
    likeCount: 0,
    commentCount: 0,
    shareCount: 0,
    viewCount: 1n,
  },
];
