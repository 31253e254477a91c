import {
  CONNECT_FAILURES,
  describeError,
  describePhotoError,
  describeStage,
  describeTimeZone,
  localDateTimeToIso,
  ERROR_MESSAGES,
  FAIL_REASONS,
  formatBytes,
  STATUS_LABELS,
} from './assets/messages.js';
import { UPLOAD_STATUSES } from '../uploads/upload.entity';

// The codes of docs/errors.md, plus what the page itself can meet (no answer, an answer that is not the envelope).
const API_ERROR_CODES = [
  'unauthorized',
  'forbidden',
  'not_found',
  'validation_failed',
  'invalid_state',
  'not_connected',
  'reauth_required',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'video_rejected',
  'photo_rejected',
  'rate_limited',
  'tiktok_error',
  'tiktok_unavailable',
  'service_unavailable',
  'internal_error',
  'network',
  'unexpected',
];

// docs/tiktok.md §8.
const TIKTOK_FAIL_REASONS = [
  'file_format_check_failed',
  'duration_check_failed',
  'frame_rate_check_failed',
  'picture_size_check_failed',
  'internal',
  'video_pull_failed',
  'photo_pull_failed',
  'publish_cancelled',
  'auth_removed',
  'spam_risk_too_many_posts',
  'spam_risk_user_banned_from_posting',
  'spam_risk_text',
  'spam_risk',
];

describe('console messages', () => {
  it('should have words for every error code, upload status, fail reason and connect failure', () => {
    expect(Object.keys(ERROR_MESSAGES).sort()).toEqual([...API_ERROR_CODES].sort());
    expect(Object.keys(STATUS_LABELS).sort()).toEqual([...UPLOAD_STATUSES].sort());
    expect(Object.keys(FAIL_REASONS).sort()).toEqual([...TIKTOK_FAIL_REASONS].sort());
    expect(Object.keys(CONNECT_FAILURES)).toContain('other_browser');
  });

  it("should explain TikTok's code, the retry delay and the ids support needs", () => {
    const text = describeError({
      code: 'tiktok_error',
      message: 'TikTok refused the post.',
      details: { code: 'spam_risk_too_many_posts', logId: '2026112401' },
      requestId: 'req-1',
    });
    expect(text).toBe(
      "TikTok refused the request. The creator has reached TikTok's daily post limit. Try again tomorrow. " +
        'TikTok refused the post. TikTok log id: 2026112401. Request id: req-1.',
    );
    expect(describeError({ code: 'rate_limited', retryAfter: 12 })).toContain('Try again in 12 seconds.');
    expect(describeError({ code: 'something_new' })).toBe(ERROR_MESSAGES.unexpected);
  });

  it("should describe TikTok's stage with chunk counts and the fail reason", () => {
    expect(describeStage({ status: 'uploading', progress: { uploadedChunks: 1, totalChunks: 3 } })).toBe(
      'Sending to TikTok: chunk 1 of 3 sent',
    );
    expect(describeStage({ status: 'failed', failReason: 'frame_rate_check_failed' })).toBe(
      'Failed: TikTok does not support the frame rate (it needs 23 to 60 frames per second).',
    );
    expect(describeStage({ status: 'failed', error: { code: 'tiktok_error', tiktokCode: 'spam_risk' } })).toContain(
      'TikTok refused the request.',
    );
  });

  it('should name photos in the stage, and explain a refused photo form by the missing MEDIA_PUBLIC_URL', () => {
    expect(describeStage({ status: 'processing', mediaType: 'photo' })).toBe(
      'TikTok is pulling and processing the photos',
    );
    expect(describeStage({ status: 'processing', mediaType: 'video' })).toBe('TikTok is processing the video');
    const refused = describePhotoError({
      code: 'unsupported_media_type',
      message: 'This gateway takes photo posts as application/json with photoUrls only.',
      requestId: 'req-2',
    });
    expect(refused).toBe(
      'This gateway does not take image files. This gateway takes photo posts as application/json with photoUrls ' +
        'only. Add the images by their web addresses instead. Request id: req-2.',
    );
    expect(describePhotoError({ code: 'photo_rejected', message: 'Photo 1 was refused.' })).toBe(
      'TikTok would reject one of these photos. Photo 1 was refused.',
    );
  });

  it('should format sizes for people', () => {
    expect([formatBytes(512), formatBytes(19_877), formatBytes(5 * 1024 ** 3)]).toEqual(['512 B', '19 KB', '5.0 GB']);
  });

  it('should send a datetime-local value as ISO 8601 with the offset of that moment, naming the time zone', () => {
    const iso = localDateTimeToIso('2026-12-24T18:00');
    expect(iso).toMatch(/^2026-12-24T18:00:00[+-]\d{2}:\d{2}$/);
    expect(new Date(iso!).getTime()).toBe(new Date('2026-12-24T18:00').getTime());
    expect(localDateTimeToIso('2026-12-24T18:00:30')).toMatch(/^2026-12-24T18:00:30[+-]/);
    expect(localDateTimeToIso('')).toBeUndefined();
    expect(localDateTimeToIso('tomorrow')).toBeUndefined();
    expect(describeTimeZone()).toMatch(/\(UTC[+-]\d{2}:\d{2}\)$/);
    expect(describeStage({ status: 'scheduled', publishAt: '2026-12-24T17:00:00.000Z' } as never)).toContain(
      'Scheduled for',
    );
  });
});
