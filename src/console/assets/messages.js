// Words for people: every error code (docs/errors.md), TikTok's codes and fail reasons, and the upload states.

/** docs/errors.md: what each stable code means for the person at the keyboard. */
export const ERROR_MESSAGES = {
  unauthorized: 'The API key was not accepted. Check that it is complete and has not been revoked.',
  forbidden: 'This API key may not do that.',
  not_found: 'Not found: it does not exist or belongs to another tenant.',
  validation_failed: 'Some input was not accepted.',
  invalid_state: 'This sign-in or request is no longer valid. Start again.',
  not_connected: 'This user has no connected TikTok account. Connect one first.',
  reauth_required: 'TikTok needs the user to sign in again. Use "Reconnect".',
  conflict: 'That cannot be done in the current state.',
  payload_too_large: 'The video is larger than this gateway accepts.',
  unsupported_media_type: 'That file is not a video TikTok accepts (MP4, MOV or WebM).',
  video_rejected: 'TikTok would reject this video.',
  photo_rejected: 'TikTok would reject one of these photos.',
  rate_limited: 'Too many requests for now.',
  tiktok_error: 'TikTok refused the request.',
  tiktok_unavailable: 'TikTok cannot be reached right now. Try again in a moment.',
  service_unavailable: 'The gateway is temporarily unavailable (its database or cache). Try again in a moment.',
  internal_error: 'Something went wrong in the gateway.',
  network: 'The gateway could not be reached. Check your connection and that the service is running.',
  unexpected: 'The gateway answered in an unexpected way.',
};

/** docs/tiktok.md §9 and §5.1: TikTok's own codes, carried in `details.code` of `tiktok_error`. */
export const TIKTOK_CODES = {
  spam_risk_too_many_posts: "The creator has reached TikTok's daily post limit. Try again tomorrow.",
  spam_risk_user_banned_from_posting: 'TikTok has banned this account from posting.',
  spam_risk_too_many_pending_share:
    'The creator has 5 videos waiting in the TikTok inbox from the last 24 hours. They need to post or delete some first.',
  reached_active_user_cap: "This app has reached TikTok's daily limit of posting users. Try again later.",
  unaudited_client_can_only_post_to_private_accounts:
    'Until TikTok audits this app, it can only post to private accounts, visible to "Only me".',
  privacy_level_option_mismatch: 'That privacy choice is not available for this account any more. Choose again.',
  url_ownership_unverified: "The video's web address is not on a domain verified with TikTok.",
  access_token_invalid: 'TikTok no longer accepts the sign-in. Reconnect the account.',
  scope_not_authorized: 'The account did not grant the permissions needed to post. Reconnect and allow them.',
  rate_limit_exceeded: 'TikTok is limiting requests for this account. Wait a minute and try again.',
  invalid_param: 'TikTok did not accept the request parameters.',
  publish_not_cancellable: 'TikTok can no longer cancel this upload.',
  internal_error: 'TikTok had an internal error. Try again later.',
};

/** docs/tiktok.md §8: why TikTok failed a video after accepting it. */
export const FAIL_REASONS = {
  file_format_check_failed: 'TikTok does not support this video format.',
  duration_check_failed: 'The video is too long or too short for this account.',
  frame_rate_check_failed: 'TikTok does not support the frame rate (it needs 23 to 60 frames per second).',
  picture_size_check_failed: 'TikTok does not support the picture size (360 to 4096 pixels each side).',
  internal: 'TikTok had an internal error. Uploading again may work.',
  video_pull_failed: 'TikTok could not download the video.',
  photo_pull_failed: 'TikTok could not download the photo.',
  publish_cancelled: 'The upload was cancelled.',
  auth_removed: 'The creator removed this app’s access during the upload.',
  spam_risk_too_many_posts: "The creator reached TikTok's daily post limit.",
  spam_risk_user_banned_from_posting: 'TikTok has banned this account from posting.',
  spam_risk_text: 'TikTok judged the caption as spam. Change the caption.',
  spam_risk: 'TikTok judged this post as risky and refused it.',
};

/** Reasons the connect flow sends back to the console as `?tiktok=error&error=&reason=`. */
export const CONNECT_FAILURES = {
  ticket_unknown: 'The connect link was not valid. Try connecting again.',
  ticket_used: 'The connect link was already used. Try connecting again.',
  ticket_expired: 'The connect link expired (links last 10 minutes). Try connecting again.',
  state_unknown: 'TikTok’s answer did not match a sign-in in progress. Try connecting again.',
  state_used: 'That TikTok answer was already used. Try connecting again.',
  state_expired: 'The TikTok sign-in took longer than 10 minutes. Try connecting again.',
  other_browser: 'The sign-in was started in another browser. Connect from this browser.',
  access_denied: 'The account was not connected because access was declined on TikTok.',
  tiktok_authorization_error: 'TikTok refused the sign-in request.',
  tiktok_error: 'TikTok refused to finish the sign-in.',
  tiktok_unavailable: 'TikTok could not be reached. Try again in a moment.',
};

export const STATUS_LABELS = {
  scheduled: 'Scheduled',
  queued: 'Waiting to start',
  uploading: 'Sending to TikTok',
  processing: 'TikTok is processing the video',
  inbox_delivered: "Delivered to the creator's TikTok inbox",
  published: 'Published on TikTok',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** Where a photo post's stage reads differently from a video's. */
export const PHOTO_STATUS_LABELS = {
  processing: 'TikTok is pulling and processing the photos',
};

export const FINAL_STATUSES = ['inbox_delivered', 'published', 'failed', 'cancelled'];

export const PRIVACY_LABELS = {
  PUBLIC_TO_EVERYONE: 'Everyone',
  MUTUAL_FOLLOW_FRIENDS: 'Friends (followers you follow back)',
  FOLLOWER_OF_CREATOR: 'Followers',
  SELF_ONLY: 'Only me',
};

/** One readable paragraph for an ApiError-like `{code, message, details, requestId, retryAfter}`. */
export function describeError(error) {
  const code = error && error.code;
  const parts = [ERROR_MESSAGES[code] || ERROR_MESSAGES.unexpected];
  const details = (error && error.details) || {};
  // API errors carry TikTok's code and log id in `details`; an upload's stored error carries them at top level.
  const tiktokCode = details.code || (error && error.tiktokCode);
  const logId = details.logId || details.log_id || (error && error.logId);
  if (TIKTOK_CODES[tiktokCode]) parts.push(TIKTOK_CODES[tiktokCode]);
  if (error && error.message && error.message !== parts[0]) parts.push(error.message);
  if (code === 'rate_limited' && error.retryAfter) parts.push(`Try again in ${error.retryAfter} seconds.`);
  if (logId) parts.push(`TikTok log id: ${logId}.`);
  if (error && error.requestId) parts.push(`Request id: ${error.requestId}.`);
  return parts.join(' ');
}

/**
 * A photo form answered 415 means this gateway has no MEDIA_PUBLIC_URL to serve received images from (README "Photo
 * posts"), not that a file was wrong: say so, with the gateway's own words, and what works instead.
 */
export function describePhotoError(error) {
  if (!error || error.code !== 'unsupported_media_type') return describeError(error);
  const parts = ['This gateway does not take image files.'];
  if (error.message) parts.push(error.message);
  parts.push('Add the images by their web addresses instead.');
  if (error.requestId) parts.push(`Request id: ${error.requestId}.`);
  return parts.join(' ');
}

export function describeFailReason(reason) {
  if (!reason) return '';
  return FAIL_REASONS[reason] || `TikTok reported: ${reason}.`;
}

/** The TikTok stage of an upload (GET /api/tiktok/uploads/{id}), as one short line. */
export function describeStage(upload) {
  const photoLabel = upload.mediaType === 'photo' && PHOTO_STATUS_LABELS[upload.status];
  const label = photoLabel || STATUS_LABELS[upload.status] || upload.status;
  const progress = upload.progress || {};
  if (upload.status === 'uploading' && progress.totalChunks) {
    return `${label}: chunk ${progress.uploadedChunks} of ${progress.totalChunks} sent`;
  }
  if (upload.status === 'scheduled' && upload.publishAt) {
    return `${label} for ${new Date(upload.publishAt).toLocaleString()}`;
  }
  if (upload.status === 'failed') {
    const why = describeFailReason(upload.failReason) || describeUploadError(upload.error);
    return why ? `${label}: ${why}` : label;
  }
  return label;
}

function describeUploadError(error) {
  if (!error) return '';
  return typeof error === 'string' ? error : describeError(error);
}

export function formatBytes(bytes) {
  if (!Number.isFinite(bytes)) return '';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/**
 * A `datetime-local` value ("2026-12-24T18:00", this browser's wall clock) as ISO 8601 with this browser's offset
 * at that moment ("2026-12-24T18:00:00+01:00"), as `publishAt` wants it; undefined when it is not a time.
 */
export function localDateTimeToIso(value) {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value)) return undefined;
  const at = new Date(value); // without an offset, ECMAScript reads a date-time as local time
  if (Number.isNaN(at.getTime())) return undefined;
  return `${value.length === 16 ? `${value}:00` : value}${offsetOf(at)}`;
}

/** This browser's time zone as people read it, e.g. "Europe/Berlin (UTC+01:00)". */
export function describeTimeZone(now = new Date()) {
  const name = Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
  return `${name} (UTC${offsetOf(now)})`;
}

function offsetOf(at) {
  const minutes = -at.getTimezoneOffset();
  const pad = (n) => String(n).padStart(2, '0');
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

/** docs/tiktok.md §5.2: the caption limit counts UTF-16 code units, which is what JavaScript's length counts. */
export const CAPTION_LIMIT = 2200;
export function captionLength(text) {
  return text.length;
}
