import { TikTokApiError, TikTokUnavailableError, TikTokUploadRejectedError } from '../../tiktok-api/tiktok-api.error';
import { ChunkAttempt, chunkFailure } from './chunk-failure';
import { MAX_ATTEMPTS } from './upload-retries';

const now = new Date('2026-11-24T12:00:00Z');
const MB = 1_000_000;
/** 25 MB in chunks of 10 MB: two of 10 MB and a last one that absorbs the rest (docs/tiktok.md §6.1). */
const attempt: ChunkAttempt = { attempts: 0, videoSizeBytes: 25 * MB, chunkSize: 10 * MB, now };

const rangeMismatch = (receivedBytes?: number) =>
  new TikTokUploadRejectedError(
    'range_mismatch',
    416,
    receivedBytes === undefined ? undefined : { start: 0, end: receivedBytes - 1, total: 25 * MB },
    'log-416',
  );
const unavailable = new TikTokUnavailableError({
  endpoint: 'upload_url',
  reason: 'server_error',
  deliveryUnknown: true,
  httpStatus: 503,
});

describe(chunkFailure.name, () => {
  it("should continue from TikTok's range after a 416, counting an attempt", () => {
    expect(chunkFailure(rangeMismatch(20 * MB), { ...attempt, attempts: 1 })).toEqual({
      kind: 'continue',
      uploadedBytes: 20 * MB,
      uploadedChunks: 2,
      attempts: 2,
      cause: 'range_mismatch',
    });
  });

  it('should start again from byte 0 when a 416 carries no range', () => {
    expect(chunkFailure(rangeMismatch(), attempt)).toMatchObject({
      kind: 'continue',
      uploadedBytes: 0,
      uploadedChunks: 0,
      attempts: 1,
    });
  });

  it('should move on to processing when the 416 shows TikTok has every byte', () => {
    expect(chunkFailure(rangeMismatch(25 * MB), attempt)).toEqual({ kind: 'all_sent', cause: 'range_mismatch' });
  });

  it("should fail with TikTok's code a 416 whose range ends inside a chunk, still counted as a retry", () => {
    expect(chunkFailure(rangeMismatch(15 * MB), attempt)).toEqual({
      kind: 'fail',
      error: {
        code: 'range_mismatch',
        message: 'TikTok refused the video chunk (range_mismatch).',
        tiktokCode: 'range_mismatch',
        logId: 'log-416',
      },
      cause: 'range_mismatch',
    });
  });

  it('should fail a 416 once the attempts are used up, not counted as a retry', () => {
    expect(chunkFailure(rangeMismatch(20 * MB), { ...attempt, attempts: MAX_ATTEMPTS })).toEqual({
      kind: 'fail',
      error: expect.objectContaining({ code: 'range_mismatch', logId: 'log-416' }),
      cause: undefined,
    });
  });

  it('should re-init when the upload_url expired (403), whatever the attempts', () => {
    const expired = new TikTokUploadRejectedError('upload_url_expired', 403);

    expect(chunkFailure(expired, attempt)).toEqual({ kind: 'reinit', cause: 'upload_url_expired' });
    expect(chunkFailure(expired, { ...attempt, attempts: MAX_ATTEMPTS })).toEqual({
      kind: 'reinit',
      cause: 'upload_url_expired',
    });
  });

  it('should retry with backoff when TikTok did not accept the chunk', () => {
    const decision = chunkFailure(unavailable, { ...attempt, attempts: 3 });

    expect(decision).toMatchObject({
      kind: 'retry',
      attempts: 4,
      error: { code: 'tiktok_unavailable', message: 'TikTok did not accept a chunk; retrying.' },
      cause: 'unavailable',
    });
    // backoffMs(3): between half and all of 8 s.
    const delayMs = decision.kind === 'retry' ? decision.at.getTime() - now.getTime() : NaN;
    expect(delayMs).toBeGreaterThanOrEqual(4000);
    expect(delayMs).toBeLessThan(8000);
  });

  it('should hand an unavailable TikTok on the last attempt back to the caller', () => {
    expect(chunkFailure(unavailable, { ...attempt, attempts: MAX_ATTEMPTS - 1 })).toEqual({ kind: 'rethrow' });
  });

  it.each(['bad_request', 'upload_task_not_found', 'unexpected_status'] as const)(
    "should fail a chunk refused as %s with TikTok's code, not counted as a retry",
    (reason) => {
      expect(chunkFailure(new TikTokUploadRejectedError(reason, 400, undefined, 'log-400'), attempt)).toEqual({
        kind: 'fail',
        error: {
          code: reason,
          message: `TikTok refused the video chunk (${reason}).`,
          tiktokCode: reason,
          logId: 'log-400',
        },
        cause: undefined,
      });
    },
  );

  it("should fail any other TikTok refusal with TikTok's code", () => {
    const refusal = new TikTokApiError({ tiktokCode: 'access_token_invalid', message: 'Token.', httpStatus: 401 });

    expect(chunkFailure(refusal, attempt)).toMatchObject({ kind: 'fail', error: { code: 'access_token_invalid' } });
  });

  it('should hand an error that is none of ours back to the caller', () => {
    expect(chunkFailure(new Error('EIO: reading the spool failed'), attempt)).toEqual({ kind: 'rethrow' });
  });
});
