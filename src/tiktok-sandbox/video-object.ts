import type { SandboxPost } from './sandbox-state';
import type { ScenarioAccount } from './scenario-accounts';

type FieldValue = string | number | boolean | bigint;

// docs/tiktok.md §5.6: the video object's fields; id is a string, view_count an int64 written as a bare number.
const VIDEO_FIELDS: Record<string, (post: SandboxPost, account: ScenarioAccount) => FieldValue> = {
  id: (p) => p.id.toString(),
  create_time: (p) => Math.floor(p.createTimeMs / 1000),
  cover_image_url: (p) => `https://p16-sign.tiktokcdn.example/obj/cover/${p.id}.jpeg`,
  share_url: (p, a) => shareUrl(p, a),
  video_description: (p) => p.description,
  title: (p) => p.title,
  duration: (p) => p.durationSec,
  height: (p) => p.height,
  width: (p) => p.width,
  embed_html: (p, a) =>
    `<blockquote class="tiktok-embed" cite="${shareUrl(p, a)}" data-video-id="${p.id}"></blockquote>`,
  embed_link: (p) => `https://www.tiktok.com/player/v1/${p.id}`,
  like_count: (p) => p.likeCount,
  comment_count: (p) => p.commentCount,
  share_count: (p) => p.shareCount,
  view_count: (p) => p.viewCount,
  is_aigc: (p) => p.isAigc,
};

export const VIDEO_FIELD_NAMES = Object.keys(VIDEO_FIELDS);

function shareUrl(post: SandboxPost, account: ScenarioAccount): string {
  return `https://www.tiktok.com/@${account.username}/${post.mediaType === 'PHOTO' ? 'photo' : 'video'}/${post.id}`;
}

/** The requested fields only, in the order asked; written by hand so int64 counts keep every digit. */
export function videoObjectJson(post: SandboxPost, account: ScenarioAccount, fields: string[]): string {
  const members = fields.map((field) => {
    const value = VIDEO_FIELDS[field](post, account);
    return `${JSON.stringify(field)}:${typeof value === 'bigint' ? value.toString() : JSON.stringify(value)}`;
  });
  return `{${members.join(',')}}`;
}
