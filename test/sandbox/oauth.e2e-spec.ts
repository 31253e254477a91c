import { createHash } from 'node:crypto';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import {
  CLIENT_KEY,
  CLIENT_SECRET,
  REDIRECT_URI,
  authorize,
  connect,
  exchangeCode,
  pkcePair,
  postForm,
  refresh,
  startSandbox,
  type Harness,
  type TokenBody,
} from './sandbox-test-kit';

const PKCE_INVALID = { error: 'invalid_request', error_description: 'Code verifier or code challenge is invalid.' };

describe(`${TikTokSandbox.name} OAuth`, () => {
  let h: Harness;
  let clock = 1_800_000_000_000;

  beforeAll(async () => {
    h = await startSandbox({ now: () => clock });
  });
  afterAll(() => h.sandbox.stop());
  beforeEach(() => h.control.reset());

  async function codeFor(challenge: string): Promise<string> {
    const { location } = await authorize(h.base, { challenge });
    return location!.searchParams.get('code')!;
  }

  it('should redirect with code, granted scopes and state, and exchange the code for flat tokens', async () => {
    const { verifier, challenge } = pkcePair();
    const { status, location } = await authorize(h.base, { challenge });
    expect(status).toBe(302);
    expect(`${location!.origin}${location!.pathname}`).toBe(REDIRECT_URI);
    expect(location!.searchParams.get('scopes')).toBe('user.info.basic,video.upload,video.publish');
    expect(location!.searchParams.get('state')).toBe('st-123');
    const response = await exchangeCode(h.base, location!.searchParams.get('code')!, verifier);
    const body = (await response.json()) as TokenBody;
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ expires_in: 7200, refresh_expires_in: 15552000, token_type: 'Bearer' });
    expect(body.access_token).toMatch(/^act\./);
    expect(body.refresh_token).toMatch(/^rft\./);
    expect(body.scope).toBe('user.info.basic,video.upload,video.publish');
    expect(await h.control.violations()).toEqual([]);
  });

  it('should render a consent page whose form decides through the decision path', async () => {
    const query = new URLSearchParams({
      client_key: CLIENT_KEY,
      response_type: 'code',
      scope: 'user.info.basic',
      redirect_uri: REDIRECT_URI,
      state: 's1',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
    });
    const page = await fetch(`${h.sandbox.authorizeUrl}?${query.toString()}`);
    const html = await page.text();
    expect(html).toContain('Sandbox App');
    expect(html).toContain('private_creator');
    const requestId = /name="request_id" value="([^"]+)"/.exec(html)![1];
    const decision = await fetch(
      `${h.base}/v2/auth/authorize/decision/?request_id=${requestId}&sandbox_account=private_creator&sandbox_decision=approve`,
      { redirect: 'manual' },
    );
    const location = new URL(decision.headers.get('location')!);
    expect(location.searchParams.get('code')).toBeTruthy();
    expect(location.searchParams.get('state')).toBe('s1');
  });

  it('should redirect a denial as access_denied with the state', async () => {
    const { location } = await authorize(h.base, { decision: 'deny' });
    expect(location!.searchParams.get('error')).toBe('access_denied');
    expect(location!.searchParams.get('state')).toBe('st-123');
    expect(location!.searchParams.get('code')).toBeNull();
  });

  it('should show an error page instead of redirecting to an unregistered redirect URI', async () => {
    const response = await authorize(h.base, { redirectUri: 'http://127.0.0.1:3999/elsewhere/' });
    expect(response.status).toBe(400);
    expect(response.location).toBeUndefined();
    expect((await h.control.violations()).map((v) => v.rule)).toEqual(['authorize.redirect_uri']);
  });

  it('should refuse space-separated scopes with invalid_scope', async () => {
    const { location } = await authorize(h.base, { scopes: 'user.info.basic video.upload' });
    expect(location!.searchParams.get('error')).toBe('invalid_scope');
  });

  it('should refuse a request without code_challenge', async () => {
    const { location } = await authorize(h.base, { challenge: '' });
    expect(location!.searchParams.get('error')).toBe('invalid_request');
  });

  it('should refuse a base64url challenge when hex is expected, with HTTP 200 and the TikTok error', async () => {
    const { verifier, challenge } = pkcePair('base64url');
    const response = await exchangeCode(h.base, await codeFor(challenge), verifier);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      ...PKCE_INVALID,
      log_id: expect.stringMatching(/^\d{14}[0-9A-F]+$/),
    });
    const [violation] = await h.control.violations();
    expect(violation).toMatchObject({ rule: 'token.pkce_challenge_mismatch', error: { code: 'invalid_request' } });
    expect(violation.message).toContain('challenge was base64url');
  });

  it('should refuse a verifier shorter than 43 characters', async () => {
    const verifier = 'a'.repeat(42);
    const challenge = createHash('sha256').update(verifier).digest('hex');
    const response = await exchangeCode(h.base, await codeFor(challenge), verifier);
    expect(await response.json()).toMatchObject(PKCE_INVALID);
  });

  it('should refuse a reused code with invalid_grant and record it', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await codeFor(challenge);
    await exchangeCode(h.base, code, verifier);
    const second = await exchangeCode(h.base, code, verifier);
    expect(await second.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await h.control.violations()).map((v) => v.rule)).toEqual(['token.code_reused']);
  });

  it('should refuse an expired code', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await codeFor(challenge);
    clock += 301_000;
    expect(await (await exchangeCode(h.base, code, verifier)).json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('should refuse a redirect_uri that differs from the authorize request', async () => {
    const { verifier, challenge } = pkcePair();
    const response = await exchangeCode(h.base, await codeFor(challenge), verifier, {
      redirect_uri: `${REDIRECT_URI}x`,
    });
    expect(await response.json()).toMatchObject({
      error: 'invalid_request',
      error_description: 'Redirect_uri is not matched with the uri when requesting code.',
    });
  });

  it('should refuse a JSON body and a wrong client secret', async () => {
    const json = await fetch(`${h.base}/v2/oauth/token/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_key: CLIENT_KEY }),
    });
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });
    const wrong = await postForm(h.base, '/v2/oauth/token/', {
      client_key: CLIENT_KEY,
      client_secret: 'nope',
      grant_type: 'refresh_token',
      refresh_token: 'rft.x',
    });
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('should rotate refresh tokens and refuse the old one as a recorded reuse', async () => {
    const first = await connect(h.base);
    clock += 1_000_000;
    const rotated = (await (await refresh(h.base, first.refresh_token)).json()) as TokenBody;
    expect(rotated.refresh_token).not.toBe(first.refresh_token);
    expect(rotated.access_token).not.toBe(first.access_token);
    expect(rotated.refresh_expires_in).toBe(15552000 - 1000);
    const reused = await refresh(h.base, first.refresh_token);
    expect(await reused.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await h.control.violations()).map((v) => v.message)).toEqual(['rotated refresh token reused']);
    expect((await h.control.stats()).refreshTokenReused).toBe(true);
    expect((await refresh(h.base, rotated.refresh_token)).status).toBe(200);
  });

  it('should answer invalid_grant to every refresh of the refresh_fails account without a violation', async () => {
    const tokens = await connect(h.base, 'refresh_fails');
    expect(await (await refresh(h.base, tokens.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
    expect(await h.control.violations()).toEqual([]);
  });

  it('should revoke the whole token family', async () => {
    const tokens = await connect(h.base);
    const response = await postForm(h.base, '/v2/oauth/revoke/', {
      client_key: CLIENT_KEY,
      client_secret: CLIENT_SECRET,
      token: tokens.access_token,
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    expect(await (await refresh(h.base, tokens.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
    const info = await fetch(`${h.base}/v2/user/info/?fields=open_id`, {
      headers: { Authorization: `Bearer ${tokens.access_token}` },
    });
    expect(info.status).toBe(401);
  });

  it('should return only the requested user fields and refuse fields of ungranted scopes', async () => {
    const tokens = await connect(h.base, 'creator', ['user.info.basic']);
    const get = (fields: string) =>
      fetch(`${h.base}/v2/user/info/?fields=${fields}`, {
        headers: { Authorization: `Bearer ${tokens.access_token}` },
      });
    const ok = await get('open_id,display_name,avatar_url');
    expect(await ok.json()).toMatchObject({
      data: { user: { open_id: tokens.open_id, display_name: 'Casey Creator' } },
      error: { code: 'ok', message: '' },
    });
    const missed = await get('open_id,follower_count');
    expect(missed.status).toBe(400);
    expect(await missed.json()).toMatchObject({ data: {}, error: { code: 'scope_permission_missed' } });
    expect((await get('')).status).toBe(400);
  });
});

describe(`${TikTokSandbox.name} OAuth options`, () => {
  it('should verify a base64url challenge when configured and answer token errors with the configured status', async () => {
    const h = await startSandbox({ pkceEncoding: 'base64url', tokenErrorHttpStatus: 400 });
    try {
      const good = pkcePair('base64url');
      const { location } = await authorize(h.base, { challenge: good.challenge });
      expect((await exchangeCode(h.base, location!.searchParams.get('code')!, good.verifier)).status).toBe(200);
      const hex = pkcePair('hex');
      const second = await authorize(h.base, { challenge: hex.challenge });
      const refused = await exchangeCode(h.base, second.location!.searchParams.get('code')!, hex.verifier);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject(PKCE_INVALID);
    } finally {
      await h.sandbox.stop();
    }
  });
});
