import type { Readable } from 'node:stream';

/** What TikTokApiClient returns and accepts: camelCase, no wire details. */

export interface TikTokTokenSet {
  accessToken: string;
  refreshToken: string;
  openId: string;
  /** Remaining lifetimes as TikTok reports them; never hard-code (docs/tiktok.md §13 "Lifetimes"). */
  expiresInSeconds: number;
  refreshExpiresInSeconds: number;
  scopes: string[];
  tokenType: string;
}

export interface TikTokCodeExchange {
  code: string;
  redirectUri: string;
  /** Omit for a web app registered without PKCE (docs/tiktok.md §2.3). */
  codeVerifier?: string;
}

export interface TikTokUserInfo {
  openId: string;
  unionId?: string;
  displayName?: string;
  avatarUrl?: string;
}

export type TikTokPrivacyLevel = 'PUBLIC_TO_EVERYONE' | 'MUTUAL_FOLLOW_FRIENDS' | 'FOLLOWER_OF_CREATOR' | 'SELF_ONLY';

export interface TikTokCreatorInfo {
  creatorAvatarUrl: string;
  creatorUsername: string;
  creatorNickname: string;
  privacyLevelOptions: TikTokPrivacyLevel[];
  commentDisabled: boolean;
  duetDisabled: boolean;
  stitchDisabled: boolean;
  maxVideoPostDurationSec: number;
}

export type TikTokVideoSource =
  | {
      kind: 'file';
      videoSize: number;
      chunkSize: number;
      totalChunkCount: number;
    }
  | { kind: 'url'; videoUrl: string };

export interface TikTokPostInfo {
  title?: string;
  /** Must come from the creator's current privacyLevelOptions, never a default (docs/tiktok.md §13). */
  privacyLevel: TikTokPrivacyLevel;
  disableComment?: boolean;
  disableDuet?: boolean;
  disableStitch?: boolean;
  videoCoverTimestampMs?: number;
  /** Marked required by TikTok (docs/tiktok.md §5.2). */
  brandContentToggle: boolean;
  brandOrganicToggle?: boolean;
  isAigc?: boolean;
}

/** docs/tiktok.md §5.4: a photo post; `direct` carries the Direct Post settings, an inbox post only text. */
export interface TikTokPhotoPost {
  imageUrls: string[];
  coverIndex: number;
  title?: string;
  description?: string;
  direct?: {
    /** From the creator's current privacyLevelOptions, never a default (docs/tiktok.md §13). */
    privacyLevel: TikTokPrivacyLevel;
    disableComment?: boolean;
    autoAddMusic?: boolean;
    brandContentToggle: boolean;
    brandOrganicToggle?: boolean;
    isAigc?: boolean;
  };
}

export interface TikTokPublishInit {
  publishId: string;
  /** Only for FILE_UPLOAD; valid one hour (docs/tiktok.md §5.2). */
  uploadUrl?: string;
}

export type TikTokPublishStatusValue =
  'PROCESSING_UPLOAD' | 'PROCESSING_DOWNLOAD' | 'SEND_TO_USER_INBOX' | 'PUBLISH_COMPLETE' | 'FAILED';

export interface TikTokPublishStatus {
  /** Passed through as TikTok sends it, so a status TikTok adds later does not break polling. */
  status: TikTokPublishStatusValue;
  failReason?: string;
  /** int64 ids as exact decimal strings. */
  postIds: string[];
  uploadedBytes?: number;
  downloadedBytes?: number;
}

export interface TikTokByteRange {
  start: number;
  /** Inclusive. */
  end: number;
  total: number;
}

export interface TikTokChunkPut {
  uploadUrl: string;
  /** A fresh stream of bytes start..end for each attempt (a retry reads the range again from storage). */
  body: () => Readable;
  /** How many bytes the stored video holds; a chunk must end inside it. */
  storedBytes: number;
  start: number;
  /** Inclusive. */
  end: number;
  totalBytes: number;
  contentType: 'video/mp4' | 'video/quicktime' | 'video/webm';
}

export interface TikTokChunkResult {
  /** 206: more chunks expected; 201: all bytes received, TikTok starts posting (docs/tiktok.md §6.2). */
  status: 206 | 201;
  uploadedRange?: TikTokByteRange;
}
