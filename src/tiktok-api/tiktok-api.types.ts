/**
 * TikTok's wire format (docs/tiktok.md §3-9): the only place snake_case lives.
 * Numbers come from a bigint-safe parser (tiktok-json.ts), so an int64 may arrive as a bigint.
 */
export type TikTokWireInt = number | bigint;

// docs/tiktok.md §3.1, §3.2, §3.6: form bodies of the OAuth endpoints.
export interface TikTokCodeExchangeForm {
  client_key: string;
  client_secret: string;
  code: string;
  grant_type: 'authorization_code';
  redirect_uri: string;
  code_verifier?: string;
}

export interface TikTokRefreshForm {
  client_key: string;
  client_secret: string;
  grant_type: 'refresh_token';
  refresh_token: string;
}

export interface TikTokRevokeForm {
  client_key: string;
  client_secret: string;
  token: string;
}

// docs/tiktok.md §3.3: flat token JSON, no data/error envelope.
export interface TikTokTokenResponse {
  access_token?: string;
  expires_in?: TikTokWireInt;
  open_id?: string;
  refresh_token?: string;
  refresh_expires_in?: TikTokWireInt;
  scope?: string;
  token_type?: string;
}

// docs/tiktok.md §3.5: flat OAuth error.
export interface TikTokOAuthErrorBody {
  error?: string;
  error_description?: string;
  log_id?: string;
}

// docs/tiktok.md §4.1: envelope of every v2 data API.
export interface TikTokEnvelopeError {
  code: string;
  message?: string;
  log_id?: string;
}

export interface TikTokEnvelope<TData> {
  data?: TData;
  error?: TikTokEnvelopeError;
}

// docs/tiktok.md §4.3
export interface TikTokUserInfoData {
  user?: {
    open_id?: string;
    union_id?: string;
    avatar_url?: string;
    display_name?: string;
  };
}

// docs/tiktok.md §5.1
export interface TikTokCreatorInfoData {
  creator_avatar_url?: string;
  creator_username?: string;
  creator_nickname?: string;
  privacy_level_options?: string[];
  comment_disabled?: boolean;
  duet_disabled?: boolean;
  stitch_disabled?: boolean;
  max_video_post_duration_sec?: TikTokWireInt;
}

// docs/tiktok.md §5.2
export interface TikTokPostInfoBody {
  title?: string;
  privacy_level: string;
  disable_duet?: boolean;
  disable_comment?: boolean;
  disable_stitch?: boolean;
  video_cover_timestamp_ms?: number;
  brand_content_toggle: boolean;
  brand_organic_toggle?: boolean;
  is_aigc?: boolean;
}

export type TikTokSourceInfoBody =
  | {
      source: 'FILE_UPLOAD';
      video_size: number;
      chunk_size: number;
      total_chunk_count: number;
    }
  | { source: 'PULL_FROM_URL'; video_url: string };

export interface TikTokDirectPostInitBody {
  post_info: TikTokPostInfoBody;
  source_info: TikTokSourceInfoBody;
}

// docs/tiktok.md §5.3: inbox init sends only source_info.
export interface TikTokInboxInitBody {
  source_info: TikTokSourceInfoBody;
}

// docs/tiktok.md §5.4: photos are pulled only; the toggles exist only for DIRECT_POST.
export interface TikTokPhotoInitBody {
  media_type: 'PHOTO';
  post_mode: 'DIRECT_POST' | 'MEDIA_UPLOAD';
  post_info: {
    title?: string;
    description?: string;
    privacy_level?: string;
    disable_comment?: boolean;
    auto_add_music?: boolean;
    brand_content_toggle?: boolean;
    brand_organic_toggle?: boolean;
  };
  source_info: { source: 'PULL_FROM_URL'; photo_images: string[]; photo_cover_index: number };
  is_aigc?: boolean;
}

export interface TikTokInitData {
  publish_id?: string;
  upload_url?: string;
}

// docs/tiktok.md §6.3, §8
export interface TikTokPublishStatusData {
  status?: string;
  fail_reason?: string;
  /** Misspelled by TikTok; int64 values above 2^53 (docs/tiktok.md §8). */
  publicaly_available_post_id?: Array<TikTokWireInt | string>;
  uploaded_bytes?: TikTokWireInt;
  downloaded_bytes?: TikTokWireInt;
}
