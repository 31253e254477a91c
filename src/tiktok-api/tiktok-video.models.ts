/** What TikTokApiClient returns from video/list and video/query (docs/tiktok.md §5.6): camelCase, int64-exact. */

export interface TikTokVideo {
  /** int64 as an exact decimal string. */
  id: string;
  /** Unix seconds. */
  createTime: number;
  title: string;
  description: string;
  shareUrl: string | null;
  embedLink: string | null;
  /** Expires after about 6 hours (docs/tiktok.md §5.6). */
  coverImageUrl: string | null;
  durationSec: number | null;
  width: number | null;
  height: number | null;
  /** int64: kept a bigint, as view counts pass 2^53. */
  viewCount: bigint | null;
  likeCount: number | null;
  commentCount: number | null;
  shareCount: number | null;
}

export interface TikTokVideoPage {
  videos: TikTokVideo[];
  /** TikTok's int64 cursor as an exact decimal string, for the next page. */
  cursor: string;
  hasMore: boolean;
}

export interface TikTokVideoListRequest {
  /** An int64 cursor from a previous page, as a decimal string. */
  cursor?: string;
  /** 1 to 20. */
  maxCount: number;
}
