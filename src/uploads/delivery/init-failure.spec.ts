import { HttpStatus } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { TokenDecryptionError } from '../../common/crypto/token-cipher';
import { TikTokApiError, TikTokUnavailableError } from '../../tiktok-api/tiktok-api.error';
import { initFailure, InitAttempt } from './init-failure';
import { MAX_ATTEMPTS } from './upload-retries';

const now = new Date('2026-11-24T12:00:00Z');
const sent: InitAttempt = { attempts: 0, inDoubt: true, now };
const beforeSending: InitAttempt = { attempts: 0, inDoubt: false, now };

const tooManyRequests = (retryAfterSeconds?: number) =>
  new TikTokApiError({
    tiktokCode: 'rate_limit_exceeded',
    message: 'Too many requests.',
    logId: 'log-429',
    httpStatus: 429,
    retryAfterSeconds,
  });
const refusal = new TikTokApiError({
  tiktokCode: 'spam_risk_too_many_posts',
  message: 'The user has posted too much today.',
  logId: 'log-refused',
  httpStatus: 403,
});
const unreachable = (deliveryUnknown: boolean) =>
  new TikTokUnavailableError({
    endpoint: '/v2/post/publish/video/init/',
    reason: deliveryUnknown ? 'timeout' : 'network',
    deliveryUnknown,
    logId: 'log-5xx',
    tiktokCode: 'internal_error',
  });
const reauthRequired = new AppError('reauth_required', 'User u1 must connect again.', HttpStatus.CONFLICT);

/** The delay in ms from `now` of a retry decision, failing the test on any other kind. */
function retryDelayMs(decision: ReturnType<typeof initFailure>): number {
  if (decision.kind !== 'retry') throw new Error(`expected a retry, got ${decision.kind}`);
  return decision.at.getTime() - now.getTime();
}

describe(initFailure.name, () => {
  it("should retry a 429 at TikTok's Retry-After, keeping TikTok's code and logId", () => {
    const decision = initFailure(tooManyRequests(42), { ...sent, attempts: 2 });

    expect(decision).toEqual({
      kind: 'retry',
      at: new Date(now.getTime() + 42_000),
      attempts: 3,
      error: {
        code: 'tiktok_error',
        message: 'TikTok asked to slow down (rate_limit_exceeded); the upload waits and tries again.',
        tiktokCode: 'rate_limit_exceeded',
        logId: 'log-429',
      },
    });
  });

  it('should retry a 429 without Retry-After after a minute', () => {
    expect(retryDelayMs(initFailure(tooManyRequests(), sent))).toBe(60_000);
  });

  it('should fail a 429 on the last attempt with the same error it would have retried with', () => {
    const decision = initFailure(tooManyRequests(5), { ...sent, attempts: MAX_ATTEMPTS - 1 });

    expect(decision).toEqual({
      kind: 'fail',
      error: expect.objectContaining({ code: 'tiktok_error', tiktokCode: 'rate_limit_exceeded', logId: 'log-429' }),
    });
  });

  it("should fail a TikTok refusal with TikTok's code, message and logId, never retrying", () => {
    expect(initFailure(refusal, sent)).toEqual({
      kind: 'fail',
      error: {
        code: 'spam_risk_too_many_posts',
        message: 'The user has posted too much today.',
        tiktokCode: 'spam_risk_too_many_posts',
        logId: 'log-refused',
      },
    });
  });

  it("should fail a refused token refresh before sending with TikTok's code", () => {
    const invalidGrant = new TikTokApiError({
      tiktokCode: 'invalid_grant',
      message: 'Refresh refused.',
      httpStatus: 400,
    });

    expect(initFailure(invalidGrant, beforeSending)).toMatchObject({ kind: 'fail', error: { code: 'invalid_grant' } });
  });

  it.each(['reauth_required', 'not_connected'] as const)(
    'should fail with %s when the connection is gone before sending',
    (code) => {
      const gone = new AppError(code, `The connection is ${code}.`, HttpStatus.CONFLICT);

      expect(initFailure(gone, beforeSending)).toEqual({
        kind: 'fail',
        error: { code, message: `The connection is ${code}.` },
      });
    },
  );

  it('should retry with backoff when TikTok was unreachable while preparing (a refresh that never left)', () => {
    const decision = initFailure(unreachable(false), { ...beforeSending, attempts: 2 });

    expect(decision).toMatchObject({
      kind: 'retry',
      attempts: 3,
      error: { code: 'tiktok_unavailable', message: 'Preparing the TikTok request failed; retrying.' },
    });
    // backoffMs(2): between half and all of 4 s.
    expect(retryDelayMs(decision)).toBeGreaterThanOrEqual(2000);
    expect(retryDelayMs(decision)).toBeLessThan(4000);
  });

  it('should retry an unexpected failure while preparing (a store that cannot decrypt, a bug) as internal_error', () => {
    expect(initFailure(new Error('boom'), beforeSending)).toMatchObject({
      kind: 'retry',
      error: { code: 'internal_error' },
    });
    expect(initFailure(new TokenDecryptionError('unknown_key'), beforeSending)).toMatchObject({
      kind: 'retry',
      error: { code: 'internal_error' },
    });
  });

  it('should fail a preparation failure on the last attempt', () => {
    const decision = initFailure(new Error('boom'), { ...beforeSending, attempts: MAX_ATTEMPTS - 1 });

    expect(decision).toEqual({
      kind: 'fail',
      error: { code: 'internal_error', message: 'Preparing the TikTok request failed; retrying.' },
    });
  });

  it('should retry with backoff a network error before the init was sent', () => {
    const decision = initFailure(unreachable(false), sent);

    expect(decision).toMatchObject({
      kind: 'retry',
      attempts: 1,
      error: { code: 'tiktok_unavailable', message: 'TikTok could not be reached; retrying.' },
    });
    // backoffMs(0): between half and all of 1 s.
    expect(retryDelayMs(decision)).toBeGreaterThanOrEqual(500);
    expect(retryDelayMs(decision)).toBeLessThan(1000);
  });

  it('should fail a network error before sending once the attempts are used up', () => {
    const decision = initFailure(unreachable(false), { ...sent, attempts: MAX_ATTEMPTS - 1 });

    expect(decision).toEqual({
      kind: 'fail',
      error: { code: 'tiktok_unavailable', message: 'TikTok could not be reached; retrying.' },
    });
  });

  it('should fail init_outcome_unknown, never retrying, when the init was sent and no answer came', () => {
    expect(initFailure(unreachable(true), sent)).toEqual({
      kind: 'fail',
      error: {
        code: 'init_outcome_unknown',
        message: 'TikTok did not answer whether it created the post; not retried, to avoid a duplicate post.',
        tiktokCode: 'internal_error',
        logId: 'log-5xx',
      },
    });
  });

  it('should fail init_outcome_unknown on an unexpected error once the init may have left', () => {
    expect(initFailure(new Error('socket hang up'), sent)).toEqual({
      kind: 'fail',
      error: {
        code: 'init_outcome_unknown',
        message: 'The TikTok request failed in an unexpected way; not retried, to avoid a duplicate post.',
      },
    });
    expect(initFailure(reauthRequired, sent)).toMatchObject({ kind: 'fail', error: { code: 'init_outcome_unknown' } });
  });
});
