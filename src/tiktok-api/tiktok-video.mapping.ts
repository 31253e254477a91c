import type { TikTokWireInt } from './tiktok-api.types';
import type { TikTokVideo, TikTokVideoListRequest, TikTokVideoPage } from './tiktok-video.models';
import type {
  TikTokVideoListBody,
  TikTokVideoListData,
  TikTokVideoObjectData,
  TikTokVideoQueryData,
} from './tiktok-video.types';
import { int64ToDecimalString } from './tiktok-json';

/** docs/tiktok.md §5.6: the fields asked of every video (`fields` is required; unknown ones are refused). */
export const VIDEO_FIELDS = [
  'id',
  'create_time',
  'cover_image_url',
  'share_url',
  'video_description',
  'title',
  'duration',
  'height',
  'width',
  'embed_link',
  'like_count',
  'comment_count',
  'share_count',
  'view_count',
].join(',');

function isWireInt(value: unknown): value is TikTokWireInt {
  return typeof value === 'number' || typeof value === 'bigint';
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** An int32 count or size; a bigint here would mean TikTok broke its own type, so it is not trusted. */
function int32(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : null;
}

function int64(value: unknown): bigint | null {
  if (typeof value === 'bigint') return value;
  return typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : null;
}

function isInt64Id(value: unknown): value is string | TikTokWireInt {
  return isWireInt(value) || (typeof value === 'string' && /^\d{1,19}$/.test(value));
}

/** Undefined when a video lacks its id or create time, the two things every caller relies on. */
function toVideo(data: TikTokVideoObjectData): TikTokVideo | undefined {
  if (!isInt64Id(data.id) || !isWireInt(data.create_time)) return undefined;
  return {
    id: int64ToDecimalString(data.id),
    createTime: Number(data.create_time),
    title: text(data.title) ?? '',
    description: text(data.video_description) ?? '',
    shareUrl: text(data.share_url),
    embedLink: text(data.embed_link),
    coverImageUrl: text(data.cover_image_url),
    durationSec: int32(data.duration),
    width: int32(data.width),
    height: int32(data.height),
    viewCount: int64(data.view_count),
    likeCount: int32(data.like_count),
    commentCount: int32(data.comment_count),
    shareCount: int32(data.share_count),
  };
}

function toVideos(list: unknown): TikTokVideo[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const videos = (list as TikTokVideoObjectData[]).map(toVideo);
  return videos.every((video) => video !== undefined) ? (videos as TikTokVideo[]) : undefined;
}

export function toVideoListBody(request: TikTokVideoListRequest): TikTokVideoListBody {
  return {
    ...(request.cursor === undefined ? {} : { cursor: BigInt(request.cursor) }),
    max_count: request.maxCount,
  };
}

export function toVideoPage(data: TikTokVideoListData | undefined): TikTokVideoPage | undefined {
  const videos = toVideos(data?.videos);
  if (!data || !videos || !isWireInt(data.cursor) || typeof data.has_more !== 'boolean') return undefined;
  return { videos, cursor: int64ToDecimalString(data.cursor), hasMore: data.has_more };
}

export function toQueriedVideos(data: TikTokVideoQueryData | undefined): TikTokVideo[] | undefined {
  return toVideos(data?.videos);
}
