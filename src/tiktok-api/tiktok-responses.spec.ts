import { TikTokApiError, TikTokUnavailableError } from './tiktok-api.error';
import type { TikTokHttpResponse } from './tiktok-http';
import { readEnvelopeAnswer, readOAuthAnswer } from './tiktok-responses';

function answer(httpStatus: number, body: unknown, headers: Record<string, string> = {}): TikTokHttpResponse {
  return { httpStatus, headers, text: typeof body === 'string' ? body : JSON.stringify(body) };
}

function thrownBy(read: () => unknown): unknown {
  try {
    read();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe(readOAuthAnswer.name, () => {
  it('should treat an HTTP 200 body with `error` as a failure carrying code and log_id', () => {
    const body = { error: 'invalid_grant', error_description: 'Refresh token is invalid.', log_id: 'LOG200' };
    const error = thrownBy(() => readOAuthAnswer('token_refresh', answer(200, body)));
    expect(error).toBeInstanceOf(TikTokApiError);
    expect(error).toMatchObject({
      tiktokCode: 'invalid_grant',
      logId: 'LOG200',
      httpStatus: 200,
      code: 'tiktok_error',
      status: 502,
      details: { code: 'invalid_grant', logId: 'LOG200', httpStatus: 200 },
    });
    expect((error as TikTokApiError).isInvalidGrant()).toBe(true);
  });

  it('should accept an empty revoke answer', () => {
    expect(readOAuthAnswer('oauth_revoke', answer(200, '')).body).toEqual({});
  });

  it('should turn a 5xx into TikTokUnavailableError keeping the log id', () => {
    const error = thrownBy(() =>
      readOAuthAnswer('token_refresh', answer(503, { error: 'server_error', log_id: 'L5' })),
    );
    expect(error).toBeInstanceOf(TikTokUnavailableError);
    expect(error).toMatchObject({ code: 'tiktok_unavailable', status: 503, logId: 'L5' });
  });

  it('should refuse a non-2xx answer without a body', () => {
    const error = thrownBy(() => readOAuthAnswer('token_exchange', answer(401, '', { 'x-tt-logid': 'HDR' })));
    expect(error).toMatchObject({ tiktokCode: 'http_401', logId: 'HDR' });
  });
});

describe(readEnvelopeAnswer.name, () => {
  it('should return data when error.code is ok', () => {
    const accepted = readEnvelopeAnswer(
      'user_info',
      answer(200, { data: { a: 1 }, error: { code: 'ok', log_id: 'L' } }),
    );
    expect(accepted).toEqual({ body: { a: 1 }, logId: 'L', httpStatus: 200 });
  });

  it('should treat creator_info spam codes sent with HTTP 200 as errors', () => {
    const body = { data: {}, error: { code: 'spam_risk_too_many_posts', message: 'cap', log_id: 'SPAM' } };
    const error = thrownBy(() => readEnvelopeAnswer('creator_info', answer(200, body)));
    expect(error).toBeInstanceOf(TikTokApiError);
    expect(error).toMatchObject({ tiktokCode: 'spam_risk_too_many_posts', logId: 'SPAM', httpStatus: 200 });
  });

  it('should carry the Retry-After of a 429 it did not wait for', () => {
    const body = { error: { code: 'rate_limit_exceeded', message: '', log_id: 'RL' } };
    const error = thrownBy(() => readEnvelopeAnswer('status_fetch', answer(429, body, { 'retry-after': '120' })));
    expect(error).toMatchObject({ tiktokCode: 'rate_limit_exceeded', retryAfterSeconds: 120, logId: 'RL' });
    expect((error as TikTokApiError).isRateLimited()).toBe(true);
  });

  it('should refuse a 2xx answer without an envelope', () => {
    expect(thrownBy(() => readEnvelopeAnswer('status_fetch', answer(200, { data: {} })))).toMatchObject({
      tiktokCode: 'invalid_response',
    });
  });

  it('should report a 5xx gateway page as unavailable', () => {
    const error = thrownBy(() => readEnvelopeAnswer('video_init', answer(502, '<html>bad gateway</html>')));
    expect(error).toBeInstanceOf(TikTokUnavailableError);
    expect(error).toMatchObject({ reason: 'server_error', httpStatus: 502 });
  });
});
