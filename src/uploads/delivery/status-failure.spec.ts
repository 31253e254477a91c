import { HttpStatus } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { TikTokApiError, TikTokUnavailableError } from '../../tiktok-api/tiktok-api.error';
import { processingTimedOut, statusFailure } from './status-failure';

const now = new Date('2026-11-24T12:00:00Z');
const hoursBefore = (hours: number) => new Date(now.getTime() - hours * 3_600_000);

const tooManyRequests = (retryAfterSeconds?: number) =>
  new TikTokApiError({
    tiktokCode: 'rate_limit_exceeded',
    message: 'Too many requests.',
    logId: 'log-429',
    httpStatus: 429,
    retryAfterSeconds,
  });

describe(statusFailure.name, () => {
  it("should ask again at TikTok's Retry-After after a 429, showing rate_limit_exceeded with TikTok's logId", () => {
    expect(statusFailure(tooManyRequests(12), now)).toEqual({
      kind: 'retry',
      at: new Date(now.getTime() + 12_000),
      error: {
        code: 'rate_limit_exceeded',
        message: 'TikTok asked to slow down status checks.',
        tiktokCode: 'rate_limit_exceeded',
        logId: 'log-429',
      },
    });
  });

  it('should ask again after 30 s on a 429 without Retry-After', () => {
    expect(statusFailure(tooManyRequests(), now)).toMatchObject({
      kind: 'retry',
      at: new Date(now.getTime() + 30_000),
    });
  });

  it('should treat a rate_limit_exceeded body under another HTTP status as a 429', () => {
    const limited = new TikTokApiError({ tiktokCode: 'rate_limit_exceeded', message: 'Slow down.', httpStatus: 200 });

    expect(statusFailure(limited, now)).toMatchObject({ kind: 'retry', error: { code: 'rate_limit_exceeded' } });
  });

  it('should ask again after 5 s when TikTok is unavailable, leaving the last error as it was', () => {
    const unavailable = new TikTokUnavailableError({
      endpoint: '/v2/post/publish/status/fetch/',
      reason: 'timeout',
      deliveryUnknown: true,
    });

    expect(statusFailure(unavailable, now)).toEqual({ kind: 'retry', at: new Date(now.getTime() + 5000) });
  });

  it("should fail a TikTok refusal with TikTok's code and logId", () => {
    const refusal = new TikTokApiError({
      tiktokCode: 'invalid_publish_id',
      message: 'The publish id is unknown.',
      logId: 'log-refused',
      httpStatus: 400,
    });

    expect(statusFailure(refusal, now)).toEqual({
      kind: 'fail',
      error: {
        code: 'invalid_publish_id',
        message: 'The publish id is unknown.',
        tiktokCode: 'invalid_publish_id',
        logId: 'log-refused',
      },
    });
  });

  it('should fail with the code of our own error (the connection gone)', () => {
    const gone = new AppError('reauth_required', 'User u1 must connect again.', HttpStatus.CONFLICT);

    expect(statusFailure(gone, now)).toEqual({
      kind: 'fail',
      error: { code: 'reauth_required', message: 'User u1 must connect again.' },
    });
  });

  it('should leave an error that is none of ours to the caller', () => {
    expect(statusFailure(new TypeError('undefined is not a function'), now)).toEqual({ kind: 'rethrow' });
  });
});

describe(processingTimedOut.name, () => {
  it('should end an upload still processing more than 24 hours after it was created', () => {
    expect(processingTimedOut(new Date(hoursBefore(24).getTime() - 1), now)).toBe(true);
  });

  it('should keep polling up to exactly 24 hours', () => {
    expect(processingTimedOut(hoursBefore(24), now)).toBe(false);
    expect(processingTimedOut(hoursBefore(23), now)).toBe(false);
  });
});
