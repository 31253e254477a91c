import { checkPrivacyLevel, checkPullUrl, isObject, refuse, type InitRefusal } from './init-body-rules';
import type { PublishKind } from './sandbox-state';
import type { ScenarioAccount } from './scenario-accounts';

export type PhotoPostMode = 'DIRECT_POST' | 'MEDIA_UPLOAD';

export interface PhotoInit {
  ok: true;
  kind: PublishKind;
  imageUrls: string[];
  privacyLevel?: string;
}

// docs/tiktok.md §5.4 and §7: at most 35 images, title 90 and description 4000 UTF-16 units.
export const MAX_PHOTO_IMAGES = 35;
const TITLE_MAX_UTF16 = 90;
const DESCRIPTION_MAX_UTF16 = 4000;
const TOP_LEVEL_FIELDS = new Set(['media_type', 'post_mode', 'post_info', 'source_info', 'is_aigc']);
const SOURCE_FIELDS = new Set(['source', 'photo_images', 'photo_cover_index']);
const TEXT_FIELDS = new Set(['title', 'description']);
const DIRECT_POST_FIELDS = new Set([
  'privacy_level',
  'disable_comment',
  'auto_add_music',
  'brand_content_toggle',
  'brand_organic_toggle',
]);
// §5.4: video fields in a photo body were answered invalid_params (plural), not the init endpoints' invalid_param.
const VIDEO_ONLY_FIELDS = new Set([
  'disable_duet',
  'disable_stitch',
  'video_cover_timestamp_ms',
  'video_url',
  'video_size',
  'chunk_size',
  'total_chunk_count',
]);
const KIND_OF_MODE: Record<PhotoPostMode, PublishKind> = { DIRECT_POST: 'direct', MEDIA_UPLOAD: 'inbox' };

/** post_mode decides the scope (§5: video.publish for DIRECT_POST, video.upload for MEDIA_UPLOAD). */
export function photoPostMode(body: Record<string, unknown>): PhotoPostMode | InitRefusal {
  const mode = body.post_mode;
  if (mode === 'DIRECT_POST' || mode === 'MEDIA_UPLOAD') return mode;
  return refuse('photo.post_mode', 'post_mode must be DIRECT_POST or MEDIA_UPLOAD.');
}

/** The whole photo init body of §5.4, after post_mode was read. */
export function checkPhotoInit(
  body: Record<string, unknown>,
  mode: PhotoPostMode,
  account: ScenarioAccount,
  audited: boolean,
  verifiedUrlPrefixes: string[],
): PhotoInit | InitRefusal {
  const videoOnly = [body, body.post_info, body.source_info].flatMap((part) =>
    isObject(part) ? Object.keys(part).filter((key) => VIDEO_ONLY_FIELDS.has(key)) : [],
  );
  if (videoOnly.length > 0) {
    const message = `Video-only fields are not allowed in a photo post: ${videoOnly.join(', ')}.`;
    return refuse('photo.video_only_field', message, 400, 'invalid_params');
  }
  const unknown = Object.keys(body).filter((key) => !TOP_LEVEL_FIELDS.has(key));
  if (unknown.length > 0) return refuse('photo.unknown_field', `Unknown fields: ${unknown.join(', ')}.`);
  if (body.media_type !== 'PHOTO') return refuse('photo.media_type', 'media_type must be PHOTO.');
  if (body.is_aigc !== undefined && typeof body.is_aigc !== 'boolean') {
    return refuse('photo.post_info_type', 'is_aigc must be a boolean.');
  }
  const source = checkPhotoSource(body.source_info, verifiedUrlPrefixes);
  if (!source.ok) return source;
  const post = checkPhotoPostInfo(body.post_info, mode, account, audited);
  if (!post.ok) return post;
  return { ok: true, kind: KIND_OF_MODE[mode], imageUrls: source.imageUrls, privacyLevel: post.privacyLevel };
}

function checkPhotoSource(
  sourceInfo: unknown,
  verifiedUrlPrefixes: string[],
): { ok: true; imageUrls: string[] } | InitRefusal {
  if (!isObject(sourceInfo)) return refuse('photo.source_info', 'source_info is required.');
  const unknown = Object.keys(sourceInfo).filter((key) => !SOURCE_FIELDS.has(key));
  if (unknown.length > 0) return refuse('photo.unknown_field', `Unknown source_info fields: ${unknown.join(', ')}.`);
  // §5.4: photos are pulled only; there is no FILE_UPLOAD for them.
  if (sourceInfo.source !== 'PULL_FROM_URL') return refuse('photo.source', 'source must be PULL_FROM_URL for photos.');
  const images = sourceInfo.photo_images;
  if (!Array.isArray(images) || images.length < 1 || images.length > MAX_PHOTO_IMAGES) {
    return refuse('photo.image_count', `photo_images must list 1 to ${MAX_PHOTO_IMAGES} URLs.`);
  }
  for (const url of images) {
    const refusal = checkPullUrl(url, 'photo_images', verifiedUrlPrefixes);
    if (refusal) return refusal;
  }
  const cover = sourceInfo.photo_cover_index;
  if (!Number.isSafeInteger(cover) || (cover as number) < 0 || (cover as number) >= images.length) {
    return refuse('photo.cover_index', `photo_cover_index must be an integer from 0 to ${images.length - 1}.`);
  }
  return { ok: true, imageUrls: images as string[] };
}

function checkPhotoPostInfo(
  postInfo: unknown,
  mode: PhotoPostMode,
  account: ScenarioAccount,
  audited: boolean,
): { ok: true; privacyLevel?: string } | InitRefusal {
  if (postInfo === undefined && mode === 'MEDIA_UPLOAD') return { ok: true };
  if (!isObject(postInfo)) return refuse('photo.post_info', 'post_info must be an object (required for DIRECT_POST).');
  for (const [key, value] of Object.entries(postInfo)) {
    if (TEXT_FIELDS.has(key)) {
      if (typeof value !== 'string') return refuse('photo.post_info_type', `${key} must be a string.`);
      // UTF-16 code units are what String.length counts.
      const max = key === 'title' ? TITLE_MAX_UTF16 : DESCRIPTION_MAX_UTF16;
      if (value.length > max) return refuse(`photo.${key}_too_long`, `${key} exceeds ${max} UTF-16 code units.`);
    } else if (DIRECT_POST_FIELDS.has(key)) {
      // §5.4: the creator picks privacy and settings in the app for MEDIA_UPLOAD.
      if (mode === 'MEDIA_UPLOAD') return refuse('photo.direct_post_field', `${key} is only for DIRECT_POST.`);
      if (key !== 'privacy_level' && typeof value !== 'boolean') {
        return refuse('photo.post_info_type', `${key} must be a boolean.`);
      }
    } else {
      return refuse('photo.unknown_field', `Unknown post_info field: ${key}.`);
    }
  }
  if (mode === 'MEDIA_UPLOAD') return { ok: true };
  return checkPrivacyLevel(postInfo, account, audited);
}
