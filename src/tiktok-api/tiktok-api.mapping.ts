import type {
  TikTokCreatorInfo,
  TikTokPhotoPost,
  TikTokPostInfo,
  TikTokPrivacyLevel,
  TikTokPublishInit,
  TikTokPublishStatus,
  TikTokPublishStatusValue,
  TikTokTokenSet,
  TikTokUserInfo,
  TikTokVideoSource,
} from './tiktok-api.models';
import type {
  TikTokCreatorInfoData,
  TikTokInitData,
  TikTokPhotoInitBody,
  TikTokPostInfoBody,
  TikTokPublishStatusData,
  TikTokSourceInfoBody,
  TikTokTokenResponse,
  TikTokUserInfoData,
  TikTokWireInt,
} from './tiktok-api.types';
import { int64ToDecimalString, wireIntToNumber } from './tiktok-json';

/** Wire ⇄ camelCase. Each reader returns undefined when a field TikTok promises is missing. */

function isWireInt(value: unknown): value is TikTokWireInt {
  return typeof value === 'number' || typeof value === 'bigint';
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

export function toTokenSet(body: TikTokTokenResponse): TikTokTokenSet | undefined {
  const { access_token, refresh_token, open_id, expires_in, refresh_expires_in } = body;
  if (!isText(access_token) || !isText(refresh_token) || !isText(open_id)) return undefined;
  if (!isWireInt(expires_in) || !isWireInt(refresh_expires_in)) return undefined;
  return {
    accessToken: access_token,
    refreshToken: refresh_token,
    openId: open_id,
    expiresInSeconds: Number(expires_in),
    refreshExpiresInSeconds: Number(refresh_expires_in),
    // docs/tiktok.md §3.3: comma-separated
    scopes: (body.scope ?? '')
      .split(',')
      .map((scope) => scope.trim())
      .filter((scope) => scope !== ''),
    tokenType: body.token_type ?? 'Bearer',
  };
}

export function toUserInfo(data: TikTokUserInfoData | undefined): TikTokUserInfo | undefined {
  const user = data?.user;
  if (!user || !isText(user.open_id)) return undefined;
  return {
    openId: user.open_id,
    unionId: user.union_id,
    displayName: user.display_name,
    avatarUrl: user.avatar_url,
  };
}

export function toCreatorInfo(data: TikTokCreatorInfoData | undefined): TikTokCreatorInfo | undefined {
  if (!data || !Array.isArray(data.privacy_level_options) || !isWireInt(data.max_video_post_duration_sec)) {
    return undefined;
  }
  return {
    creatorAvatarUrl: data.creator_avatar_url ?? '',
    creatorUsername: data.creator_username ?? '',
    creatorNickname: data.creator_nickname ?? '',
    privacyLevelOptions: data.privacy_level_options as TikTokPrivacyLevel[],
    commentDisabled: data.comment_disabled === true,
    duetDisabled: data.duet_disabled === true,
    stitchDisabled: data.stitch_disabled === true,
    maxVideoPostDurationSec: Number(data.max_video_post_duration_sec),
  };
}

export function toPublishInit(
  data: TikTokInitData | undefined,
  expectUploadUrl: boolean,
): TikTokPublishInit | undefined {
  if (!data || !isText(data.publish_id)) return undefined;
  // docs/tiktok.md §5.2: upload_url only for FILE_UPLOAD, and without it the bytes cannot be sent.
  if (expectUploadUrl && !isText(data.upload_url)) return undefined;
  return expectUploadUrl ? { publishId: data.publish_id, uploadUrl: data.upload_url } : { publishId: data.publish_id };
}

export function toPublishStatus(data: TikTokPublishStatusData | undefined): TikTokPublishStatus | undefined {
  if (!data || !isText(data.status)) return undefined;
  const ids = data.publicaly_available_post_id ?? [];
  if (!Array.isArray(ids) || !ids.every((id) => isWireInt(id) || isText(id))) return undefined;
  return {
    status: data.status as TikTokPublishStatusValue,
    failReason: isText(data.fail_reason) ? data.fail_reason : undefined,
    postIds: ids.map(int64ToDecimalString),
    uploadedBytes: wireIntToNumber(data.uploaded_bytes),
    downloadedBytes: wireIntToNumber(data.downloaded_bytes),
  };
}

export function toSourceInfoBody(source: TikTokVideoSource): TikTokSourceInfoBody {
  if (source.kind === 'url') return { source: 'PULL_FROM_URL', video_url: source.videoUrl };
  return {
    source: 'FILE_UPLOAD',
    video_size: source.videoSize,
    chunk_size: source.chunkSize,
    total_chunk_count: source.totalChunkCount,
  };
}

export function toPostInfoBody(post: TikTokPostInfo): TikTokPostInfoBody {
  return {
    title: post.title,
    privacy_level: post.privacyLevel,
    disable_duet: post.disableDuet,
    disable_comment: post.disableComment,
    disable_stitch: post.disableStitch,
    video_cover_timestamp_ms: post.videoCoverTimestampMs,
    brand_content_toggle: post.brandContentToggle,
    brand_organic_toggle: post.brandOrganicToggle,
    is_aigc: post.isAigc,
  };
}

/** docs/tiktok.md §5.4: video-only fields never appear in a photo body. */
export function toPhotoInitBody(post: TikTokPhotoPost): TikTokPhotoInitBody {
  const text = { title: post.title, description: post.description };
  const direct = post.direct;
  return {
    media_type: 'PHOTO',
    post_mode: direct ? 'DIRECT_POST' : 'MEDIA_UPLOAD',
    post_info: direct
      ? {
          ...text,
          privacy_level: direct.privacyLevel,
          disable_comment: direct.disableComment,
          auto_add_music: direct.autoAddMusic,
          brand_content_toggle: direct.brandContentToggle,
          brand_organic_toggle: direct.brandOrganicToggle,
        }
      : text,
    source_info: { source: 'PULL_FROM_URL', photo_images: post.imageUrls, photo_cover_index: post.coverIndex },
    ...(direct?.isAigc === undefined ? {} : { is_aigc: direct.isAigc }),
  };
}
