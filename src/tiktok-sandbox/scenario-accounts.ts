export type PostingBlock = 'spam_risk_too_many_posts' | 'spam_risk_user_banned_from_posting';

export type SandboxAccountName =
  'creator' | 'private_creator' | 'short_limit_creator' | 'capped_creator' | 'banned_creator' | 'refresh_fails';

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
  description: string;
}

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
