import { checkChunkPlan, type ChunkPlan } from './chunk-rules';
import { privacyLevelOptions, type ScenarioAccount } from './scenario-accounts';

export interface InitRefusal {
  ok: false;
  rule: string;
  status: number;
  code: string;
  message: string;
}

export type SourceCheck =
  | { ok: true; source: 'FILE_UPLOAD'; plan: ChunkPlan }
  | { ok: true; source: 'PULL_FROM_URL'; videoUrl: string }
  | InitRefusal;

const TITLE_MAX_UTF16 = 2200;
const BOOLEAN_FIELDS = [
  'disable_duet',
  'disable_comment',
  'disable_stitch',
  'brand_content_toggle',
  'brand_organic_toggle',
  'is_aigc',
];

export function refuse(rule: string, message: string, status = 400, code = 'invalid_param'): InitRefusal {
  return { ok: false, rule, status, code, message };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** docs/tiktok.md §5.2 source_info, §6.1 chunk rules, §6.3 exact-prefix URL ownership. */
export function checkSourceInfo(sourceInfo: unknown, verifiedUrlPrefixes: string[]): SourceCheck {
  if (!isObject(sourceInfo)) return refuse('init.source_info', 'source_info is required.');
  if (sourceInfo.source === 'FILE_UPLOAD') {
    const check = checkChunkPlan(sourceInfo.video_size, sourceInfo.chunk_size, sourceInfo.total_chunk_count);
    return check.ok ? { ok: true, source: 'FILE_UPLOAD', plan: check.plan } : refuse(check.rule, check.message);
  }
  if (sourceInfo.source !== 'PULL_FROM_URL') {
    return refuse('init.source', 'source must be FILE_UPLOAD or PULL_FROM_URL.');
  }
  const videoUrl = sourceInfo.video_url;
  const refusal = checkPullUrl(videoUrl, 'video_url', verifiedUrlPrefixes);
  return refusal ?? { ok: true, source: 'PULL_FROM_URL', videoUrl: videoUrl as string };
}

/** §6.3: an absolute URL TikTok may pull, under one of the app's verified prefixes; undefined when it is. */
export function checkPullUrl(url: unknown, field: string, verifiedUrlPrefixes: string[]): InitRefusal | undefined {
  if (typeof url !== 'string' || !URL.canParse(url) || !isPullableUrl(url, verifiedUrlPrefixes)) {
    return refuse(`init.${field}`, `${field} must be an absolute https URL.`);
  }
  if (!verifiedUrlPrefixes.some((prefix) => url.startsWith(prefix))) {
    const message = `The ${field} does not start with a verified domain or URL prefix of this app.`;
    return refuse('init.url_ownership_unverified', message, 403, 'url_ownership_unverified');
  }
  return undefined;
}

/** §5.2 post_info and §11.3 unaudited-client rules for Direct Post. */
export function checkPostInfo(
  postInfo: unknown,
  account: ScenarioAccount,
  audited: boolean,
): { ok: true; privacyLevel: string } | InitRefusal {
  if (!isObject(postInfo)) return refuse('init.post_info', 'post_info is required for Direct Post.');
  const { title } = postInfo;
  if (title !== undefined && typeof title !== 'string') return refuse('init.title', 'title must be a string.');
  // §5.2: the limit counts UTF-16 code units, which is what String.length counts.
  if (typeof title === 'string' && title.length > TITLE_MAX_UTF16) {
    return refuse('init.title_too_long', `title exceeds ${TITLE_MAX_UTF16} UTF-16 code units.`);
  }
  const badBoolean = BOOLEAN_FIELDS.find((f) => postInfo[f] !== undefined && typeof postInfo[f] !== 'boolean');
  if (badBoolean) return refuse('init.post_info_type', `${badBoolean} must be a boolean.`);
  const cover = postInfo.video_cover_timestamp_ms;
  if (cover !== undefined && !(Number.isSafeInteger(cover) && (cover as number) >= 0)) {
    return refuse('init.post_info_type', 'video_cover_timestamp_ms must be a non-negative integer.');
  }
  return checkPrivacyLevel(postInfo, account, audited);
}

/** §5.2/§5.4 privacy_level of a Direct Post (video or photo), with §11.3's unaudited-client rules. */
export function checkPrivacyLevel(
  postInfo: Record<string, unknown>,
  account: ScenarioAccount,
  audited: boolean,
): { ok: true; privacyLevel: string } | InitRefusal {
  const privacyLevel = postInfo.privacy_level;
  if (!audited && !account.privateAccount) {
    const message = 'Unaudited clients can only post to private accounts.';
    return refuse('init.unaudited_public_account', message, 403, 'unaudited_client_can_only_post_to_private_accounts');
  }
  if (typeof privacyLevel !== 'string' || !privacyLevelOptions(account).includes(privacyLevel)) {
    const message = "privacy_level is missing or not one of the creator's privacy_level_options.";
    return refuse('init.privacy_level_option_mismatch', message, 403, 'privacy_level_option_mismatch');
  }
  if (!audited && privacyLevel !== 'SELF_ONLY') {
    const message = 'Unaudited clients can only post with privacy_level SELF_ONLY.';
    return refuse('init.unaudited_privacy_level', message, 403, 'privacy_level_option_mismatch');
  }
  // §5.2/§19: branded content cannot be private; the API error is unconfirmed, the sandbox refuses it.
  if (postInfo.brand_content_toggle === true && privacyLevel === 'SELF_ONLY') {
    return refuse('init.branded_content_private', 'Branded content cannot be posted with SELF_ONLY.');
  }
  return { ok: true, privacyLevel };
}

/** TikTok pulls only https (§6.3); http passes only under a verified prefix that is itself http (a test's server). */
function isPullableUrl(videoUrl: string, verifiedUrlPrefixes: string[]): boolean {
  const { protocol } = new URL(videoUrl);
  if (protocol === 'https:') return true;
  return protocol === 'http:' && verifiedUrlPrefixes.some((p) => p.startsWith('http://') && videoUrl.startsWith(p));
}
