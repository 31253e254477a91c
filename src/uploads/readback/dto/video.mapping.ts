import type { TikTokVideo, TikTokVideoPage } from '../../../tiktok-api/tiktok-video.models';
import type { VideoListResponse, VideoResponse } from './video.response';

export function toVideoResponse(video: TikTokVideo): VideoResponse {
  return {
    id: video.id,
    title: video.title,
    description: video.description,
    shareUrl: video.shareUrl,
    embedLink: video.embedLink,
    coverImageUrl: video.coverImageUrl,
    durationSec: video.durationSec,
    width: video.width,
    height: video.height,
    createdAt: new Date(video.createTime * 1000).toISOString(),
    viewCount: video.viewCount,
    likeCount: video.likeCount,
    commentCount: video.commentCount,
    shareCount: video.shareCount,
  };
}

export function toVideoListResponse(page: TikTokVideoPage): VideoListResponse {
  return {
    items: page.videos.map(toVideoResponse),
    nextCursor: page.hasMore ? page.cursor : null,
    hasMore: page.hasMore,
  };
}
