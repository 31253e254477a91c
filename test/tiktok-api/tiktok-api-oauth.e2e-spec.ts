import { TikTokApiClient } from '../../src/tiktok-api/tiktok-api.client';
import { TikTokApiError, TikTokUnavailableError } from '../../src/tiktok-api/tiktok-api.error';
import { closedPortUrl, ScriptedServer } from './support/scripted-server';
import { retriesCounted, tokenBody } from './support/tiktok-bodies';

const form = (body: Buffer) => Object.fromEntries(new URLSearchParams(body.toString('utf8')));

describe(`${TikTokApiClient.name} OAuth`, () => {
  let tiktok: ScriptedServer;
  let client: TikTokApiClient;

  const clientFor = (apiBaseUrl: string, requestTimeoutMs = 2000) =>
    new TikTokApiClient({
      clientKey: 'ck',
      clientSecret: 'sec-ret-value',
      apiBaseUrl,
      retryBaseDelayMs: 5,
      requestTimeoutMs,
    });

  beforeEach(async () => {
    tiktok = await ScriptedServer.start();
    client = clientFor(tiktok.baseUrl);
  });

  afterEach(async () => {
    await client.onApplicationShutdown();
    await tiktok.close();
  });

  it('should exchange a code with a form body and credentials in it', async () => {
    tiktok.answer({ status: 200, body: tokenBody() });

    const tokens = await client.exchangeCode({
      code: 'c*1!',
      redirectUri: 'https://gw/cb/',
      codeVerifier: 'v'.repeat(43),
    });

    expect(tokens).toMatchObject({
      accessToken: 'act.1',
      refreshToken: 'rft.1',
      openId: 'open-1',
      expiresInSeconds: 7200,
    });
    const [seen] = tiktok.requests;
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/v2/oauth/token/');
    expect(seen.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(seen.headers.authorization).toBeUndefined();
    expect(form(seen.body)).toEqual({
      client_key: 'ck',
      client_secret: 'sec-ret-value',
      code: 'c*1!',
      grant_type: 'authorization_code',
      redirect_uri: 'https://gw/cb/',
      code_verifier: 'v'.repeat(43),
    });
  });

  it('should never retry a code exchange, even after a 500', async () => {
    tiktok.answer({ status: 500, body: '' }, { status: 200, body: tokenBody() });

    await expect(client.exchangeCode({ code: 'c', redirectUri: 'https://gw/cb/' })).rejects.toBeInstanceOf(
      TikTokUnavailableError,
    );
    expect(tiktok.requests).toHaveLength(1);
    expect(form(tiktok.requests[0].body)).not.toHaveProperty('code_verifier');
  });

  it('should report an HTTP 200 token error as invalid_grant with its log id', async () => {
    tiktok.answer({ status: 200, body: { error: 'invalid_grant', error_description: 'expired', log_id: 'LOG-G' } });

    const refresh = client.refreshAccessToken('rft.old');

    await expect(refresh).rejects.toBeInstanceOf(TikTokApiError);
    await expect(refresh).rejects.toMatchObject({ tiktokCode: 'invalid_grant', logId: 'LOG-G', httpStatus: 200 });
  });

  it('should retry a refresh answered 503, sending the same refresh token', async () => {
    tiktok.answer({ status: 503, body: '' }, { status: 200, body: tokenBody('2') });

    await expect(client.refreshAccessToken('rft.old')).resolves.toMatchObject({ refreshToken: 'rft.2' });
    expect(tiktok.requests.map((seen) => form(seen.body).refresh_token)).toEqual(['rft.old', 'rft.old']);
    expect(form(tiktok.requests[0].body)).toMatchObject({ grant_type: 'refresh_token', client_key: 'ck' });
  });

  it('should not retry a refresh whose connection dropped after sending', async () => {
    tiktok.answer('destroy', { status: 200, body: tokenBody('2') });

    const refresh = client.refreshAccessToken('rft.old');

    await expect(refresh).rejects.toBeInstanceOf(TikTokUnavailableError);
    await expect(refresh).rejects.toMatchObject({ deliveryUnknown: true, reason: 'network' });
    expect(tiktok.requests).toHaveLength(1);
  });

  it('should not retry a refresh that timed out after sending', async () => {
    await client.onApplicationShutdown();
    client = clientFor(tiktok.baseUrl, 150);
    tiktok.answer('hang', { status: 200, body: tokenBody('2') });

    await expect(client.refreshAccessToken('rft.old')).rejects.toMatchObject({
      reason: 'timeout',
      deliveryUnknown: true,
    });
    expect(tiktok.requests).toHaveLength(1);
  });

  it('should retry a refresh whose connection was refused, but never a code exchange', async () => {
    await client.onApplicationShutdown();
    client = clientFor(await closedPortUrl());
    const refreshRetriesBefore = await retriesCounted('token_refresh');
    const exchangeRetriesBefore = await retriesCounted('token_exchange');

    await expect(client.refreshAccessToken('rft.old')).rejects.toMatchObject({ deliveryUnknown: false });
    await expect(client.exchangeCode({ code: 'c', redirectUri: 'https://gw/cb/' })).rejects.toBeInstanceOf(
      TikTokUnavailableError,
    );

    expect((await retriesCounted('token_refresh')) - refreshRetriesBefore).toBe(3);
    expect((await retriesCounted('token_exchange')) - exchangeRetriesBefore).toBe(0);
  });

  it('should revoke with a form body and accept an empty answer', async () => {
    tiktok.answer({ status: 200 });

    await expect(client.revokeAccessToken('act.1')).resolves.toBeUndefined();
    expect(tiktok.requests[0].url).toBe('/v2/oauth/revoke/');
    expect(form(tiktok.requests[0].body)).toEqual({ client_key: 'ck', client_secret: 'sec-ret-value', token: 'act.1' });
  });

  it('should report a refused revoke', async () => {
    tiktok.answer({ status: 400, body: { error: 'invalid_request', error_description: 'bad', log_id: 'LOG-R' } });

    await expect(client.revokeAccessToken('act.1')).rejects.toMatchObject({
      tiktokCode: 'invalid_request',
      logId: 'LOG-R',
    });
  });

  it('should keep secrets out of errors', async () => {
    tiktok.answer({ status: 200, body: { error: 'invalid_grant', log_id: 'L' } });

    const error = await client.refreshAccessToken('rft.secret-token').catch((caught: unknown) => caught);

    expect(JSON.stringify(error)).not.toMatch(/sec-ret-value|rft.secret-token/);
    expect(String((error as Error).message)).not.toContain('rft.secret-token');
  });
});
