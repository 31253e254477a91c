import { isObject } from './init-body-rules';
import type { Publish, SandboxPost, SandboxState } from './sandbox-state';
import { SEEDED_POSTS } from './scenario-accounts';

/**
 * What a finished publish leaves on the profile. A video's caption is its post_info.title (§5.2), shown as both title
 * and description; a photo post has both (§5.4). An inbox draft's privacy is picked in the app: the sandbox assumes
 * Everyone. The sandbox does not decode video frames, so a pulled or uploaded video reports width and height 0.
 */
export function postFromPublish(state: SandboxState, publish: Publish, id: bigint, nowMs: number): SandboxPost {
  const postInfo = isObject(publish.initBody.post_info) ? publish.initBody.post_info : {};
  const text = (key: string) => (typeof postInfo[key] === 'string' ? postInfo[key] : '');
  const isPhoto = publish.mediaType === 'PHOTO';
  const cover = isPhoto ? publish.images?.[Number(sourceOf(publish).photo_cover_index) || 0] : undefined;
  const post: SandboxPost = {
    id,
    openId: publish.openId,
    mediaType: publish.mediaType,
    createTimeMs: nextCreateTime(state, publish.openId, nowMs),
    privacyLevel: publish.privacyLevel ?? 'PUBLIC_TO_EVERYONE',
    title: text('title'),
    description: isPhoto ? text('description') : text('title'),
    durationSec: isPhoto ? 0 : Math.round(publish.media.durationSec ?? 0),
    width: cover?.width ?? 0,
    height: cover?.height ?? 0,
    isAigc: (isPhoto ? publish.initBody.is_aigc : postInfo.is_aigc) === true,
    likeCount: 0,
    commentCount: 0,
    shareCount: 0,
    viewCount: 0n,
  };
  state.posts.push(post);
  return post;
}

/** §5.6: only public posts are read back, newest first. */
export function publicPostsOf(state: SandboxState, openId: string): SandboxPost[] {
  return [...SEEDED_POSTS, ...state.posts]
    .filter((p) => p.openId === openId && p.privacyLevel === 'PUBLIC_TO_EVERYONE')
    .sort((a, b) => b.createTimeMs - a.createTimeMs);
}

function sourceOf(publish: Publish): Record<string, unknown> {
  return isObject(publish.initBody.source_info) ? publish.initBody.source_info : {};
}

/** Distinct create times per creator, so a create-time cursor (§5.6) never skips a post sharing its millisecond. */
function nextCreateTime(state: SandboxState, openId: string, nowMs: number): number {
  const latest = Math.max(
    0,
    ...[...SEEDED_POSTS, ...state.posts].filter((p) => p.openId === openId).map((p) => p.createTimeMs),
  );
  return Math.max(nowMs, latest + 1);
}
