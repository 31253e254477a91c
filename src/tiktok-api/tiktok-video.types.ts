import type { TikTokWireInt } from './tiktok-api.types';

/** docs/tiktok.md §5.6: the wire format of video/list and video/query, beside tiktok-api.types.ts. */

// https://developers.tiktok.com/docs/en/tiktok-api-v2-video-object
export interface TikTokVideoObjectData {
  id?: string | TikTokWireInt;
  create_time?: TikTokWireInt;
  cover_image_url?: string;
  share_url?: string;
  video_description?: string;
  title?: string;
  duration?: TikTokWireInt;
  height?: TikTokWireInt;
  width?: TikTokWireInt;
  embed_link?: string;
  like_count?: TikTokWireInt;
  comment_count?: TikTokWireInt;
  share_count?: TikTokWireInt;
  /** int64: may exceed 2^53 (a bigint from tiktok-json.ts). */
  view_count?: TikTokWireInt;
}

export interface TikTokVideoListBody {
  /** int64 create time in ms: the page holds posts created before it. */
  cursor?: bigint;
  max_count: number;
}

export interface TikTokVideoListData {
  videos?: TikTokVideoObjectData[];
  cursor?: TikTokWireInt;
  has_more?: boolean;
}

export interface TikTokVideoQueryBody {
  filters: { video_ids: string[] };
}

export interface TikTokVideoQueryData {
  videos?: TikTokVideoObjectData[];
}
