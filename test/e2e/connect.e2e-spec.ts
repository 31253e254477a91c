import { MikroORM } from '@mikro-orm/core';
import request from 'supertest';
import { SANDBOX_ACCOUNTS } from '../../src/tiktok-sandbox/sandbox-control';
import { ConnectAttempt } from '../../src/tiktok-auth/connect-attempt.entity';
import { connectUser, gatewayPath, openConnectLink } from '../support/connect-flow';
import { ADMIN_KEY, createTenant, startTestApp, TestApp } from '../support/test-app';

describe('Connecting a TikTok account', () => {
  let t: TestApp;
  let apiKey: string;
  const returnUrl = 'https://app.example.com/tiktok/done?tab=1';

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey } = await createTenant(t.app, { returnUrls: ['https://app.example.com/tiktok/'] }));
  });
  afterAll(() => t.close());

  const http = () => request(t.app.getHttpServer());
  const createLink = async (body: Record<string, unknown>) =>
    (await http().post('/api/auth/tiktok/connect-links').set('X-API-Key', apiKey).send(body).expect(201)).body as {
      url: string;
      expiresAt: string;
    };
  const status = async (userId: string) =>
    (await http().get(`/api/tiktok/status?userId=${userId}`).set('X-API-Key', apiKey).expect(200)).body as Record<
      string,
      unknown
    >;

  it('should connect an account and send the browser back to the returnUrl', async () => {
    const link = await createLink({ userId: 'user-1', returnUrl });
    expect(new Date(link.expiresAt).getTime() - Date.now()).toBeGreaterThan(9 * 60_000);

    const start = await http().get(gatewayPath(link.url)).expect(302);
    const authorize = new URL(start.headers.location as string);
    expect(authorize.origin + authorize.pathname).toBe(t.sandbox.authorizeUrl);
    expect(Object.fromEntries(authorize.searchParams)).toEqual({
      client_key: t.config.tiktok.clientKey,
      response_type: 'code',
      scope: 'user.info.basic,video.upload,video.publish',
      redirect_uri: t.config.tiktok.redirectUri,
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge: expect.stringMatching(/^[0-9a-f]{64}$/),
      code_challenge_method: 'S256',
    });
    const cookie = (start.headers['set-cookie'] as unknown as string[])[0];
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);

    const { callback } = await openConnectLink(
      t.app.getHttpServer(),
      (await createLink({ userId: 'user-1', returnUrl })).url,
    );
    expect(callback.status).toBe(302);
    const back = new URL(callback.headers.location as string);
    expect(back.toString()).toBe('https://app.example.com/tiktok/done?tab=1&tiktok=connected');

    expect(await status('user-1')).toEqual({
      connected: true,
      status: 'active',
      openId: '723f24d7-e717-40f8-a2b6-cb8464cd23b4',
      displayName: 'Casey Creator',
      avatarUrl: expect.stringContaining('https://'),
      scopes: ['user.info.basic', 'video.upload', 'video.publish'],
      accessTokenExpiresAt: expect.any(String),
      refreshTokenExpiresAt: expect.any(String),
      connectedAt: expect.any(String),
    });
    expect(await t.control.violations()).toEqual([]);
  });

  it('should answer with JSON when there is no returnUrl', async () => {
    const { callback } = await openConnectLink(t.app.getHttpServer(), (await createLink({ userId: 'user-2' })).url);
    expect(callback.status).toBe(200);
    expect(callback.body).toEqual({
      connected: true,
      userId: 'user-2',
      openId: '723f24d7-e717-40f8-a2b6-cb8464cd23b4',
    });
  });

  it("should refuse a returnUrl outside the tenant's list and a bad userId", async () => {
    const outside = await http()
      .post('/api/auth/tiktok/connect-links')
      .set('X-API-Key', apiKey)
      .send({ userId: 'u', returnUrl: 'https://evil.example.com/tiktok/' })
      .expect(400);
    expect(outside.body.error).toMatchObject({ code: 'validation_failed', details: { field: 'returnUrl' } });
    await http()
      .post('/api/auth/tiktok/connect-links')
      .set('X-API-Key', apiKey)
      .send({ userId: 'has space' })
      .expect(400);
    await http()
      .post('/api/auth/tiktok/connect-links')
      .set('X-API-Key', apiKey)
      .send({ userId: 'x'.repeat(129) })
      .expect(400);
  });

  it('should store nothing when the user denies, and say so at the returnUrl', async () => {
    const { callback } = await openConnectLink(
      t.app.getHttpServer(),
      (await createLink({ userId: 'denier', returnUrl })).url,
      {
        decision: 'deny',
      },
    );
    expect(callback.status).toBe(302);
    const back = new URL(callback.headers.location as string);
    expect(Object.fromEntries(back.searchParams)).toMatchObject({
      tiktok: 'error',
      error: 'forbidden',
      reason: 'access_denied',
    });
    expect(await status('denier')).toEqual({ connected: false, status: 'not_connected' });
  });

  it('should refuse a reused ticket', async () => {
    const link = await createLink({ userId: 'reuse', returnUrl });
    await http().get(gatewayPath(link.url)).expect(302);
    const second = await http().get(gatewayPath(link.url)).expect(302);
    expect(Object.fromEntries(new URL(second.headers.location as string).searchParams)).toMatchObject({
      tiktok: 'error',
      error: 'invalid_state',
      reason: 'ticket_used',
    });
    const unknown = await http().get('/api/auth/tiktok?ticket=not-a-ticket').expect(400);
    expect(unknown.body.error).toMatchObject({ code: 'invalid_state', details: { reason: 'ticket_unknown' } });
  });

  it('should refuse a callback from another browser and a reused or unknown state', async () => {
    const server = t.app.getHttpServer();
    const other = await openConnectLink(server, (await createLink({ userId: 'victim' })).url, {
      cookieOverride: 'x=y',
    });
    expect(other.callback.status).toBe(400);
    expect(other.callback.body.error).toMatchObject({ code: 'invalid_state', details: { reason: 'other_browser' } });
    expect(await status('victim')).toMatchObject({ connected: false });

    const ok = await openConnectLink(server, (await createLink({ userId: 'replayer' })).url);
    expect(ok.callback.status).toBe(200);
    const replay = await request(server)
      .get(`/api/auth/tiktok/callback?code=abc&state=${ok.state}`)
      .set('Cookie', ok.cookie);
    expect(replay.status).toBe(400);
    expect(replay.body.error.details.reason).toBe('state_used');

    const unknown = await request(server).get('/api/auth/tiktok/callback?code=abc&state=nope').expect(400);
    expect(unknown.body.error).toMatchObject({ code: 'invalid_state', details: { reason: 'state_unknown' } });
  });

  it('should report a TikTok token error with its code and log id, storing nothing', async () => {
    // Opening the link twice in the sandbox would reuse the code; here TikTok refuses because the code is replayed.
    const link = await createLink({ userId: 'tokfail' });
    const start = await http().get(gatewayPath(link.url)).expect(302);
    const cookie = (start.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    const state = new URL(start.headers.location as string).searchParams.get('state');
    const response = await http()
      .get(`/api/auth/tiktok/callback?code=forged-code&scopes=user.info.basic&state=${state}`)
      .set('Cookie', cookie);
    expect(response.status).toBe(502);
    expect(response.body.error).toMatchObject({
      code: 'tiktok_error',
      details: { reason: 'tiktok_error', code: 'invalid_grant', logId: expect.any(String) },
    });
    expect(await status('tokfail')).toEqual({ connected: false, status: 'not_connected' });
  });

  it('should disconnect, revoking at TikTok, and treat a second disconnect as done', async () => {
    await connectUser(t.app.getHttpServer(), apiKey, 'leaver');
    const first = await http()
      .post('/api/tiktok/disconnect')
      .set('X-API-Key', apiKey)
      .send({ userId: 'leaver' })
      .expect(200);
    expect(first.body).toEqual({ disconnected: true, revokedAtTikTok: true });
    expect(await status('leaver')).toEqual({ connected: false, status: 'not_connected' });
    const second = await http()
      .post('/api/tiktok/disconnect')
      .set('X-API-Key', apiKey)
      .send({ userId: 'leaver' })
      .expect(200);
    expect(second.body).toEqual({ disconnected: false });
  });

  it('should keep tenants apart', async () => {
    await connectUser(t.app.getHttpServer(), apiKey, 'shared-name');
    const other = await createTenant(t.app, { name: 'other' });
    const response = await http()
      .get('/api/tiktok/status?userId=shared-name')
      .set('X-API-Key', other.apiKey)
      .expect(200);
    expect(response.body).toEqual({ connected: false, status: 'not_connected' });
  });
});

describe('Connecting when links expire or TikTok is down', () => {
  let t: TestApp;
  let apiKey: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PUBLIC_PER_MINUTE: '1000' } });
    ({ apiKey } = await createTenant(t.app, { returnUrls: ['https://app.example.com/'] }));
  });
  afterAll(() => t.close());

  const createLink = async (userId: string, returnUrl?: string) =>
    (
      await request(t.app.getHttpServer())
        .post('/api/auth/tiktok/connect-links')
        .set('X-API-Key', apiKey)
        .send({ userId, returnUrl })
        .expect(201)
    ).body as { url: string };
  const expireAttempts = (field: 'expiresAt' | 'stateExpiresAt') =>
    t.app
      .get(MikroORM)
      .em.fork()
      .nativeUpdate(ConnectAttempt, {}, { [field]: new Date(Date.now() - 1000) });

  it('should refuse an expired link', async () => {
    const link = await createLink('late', 'https://app.example.com/back');
    await expireAttempts('expiresAt');
    const response = await request(t.app.getHttpServer()).get(gatewayPath(link.url)).expect(302);
    expect(new URL(response.headers.location as string).searchParams.get('reason')).toBe('ticket_expired');
  });

  it('should refuse an expired state', async () => {
    const link = await createLink('slow');
    const start = await request(t.app.getHttpServer()).get(gatewayPath(link.url)).expect(302);
    const cookie = (start.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    const state = new URL(start.headers.location as string).searchParams.get('state');
    await expireAttempts('stateExpiresAt');
    const response = await request(t.app.getHttpServer())
      .get(`/api/auth/tiktok/callback?code=c&state=${state}`)
      .set('Cookie', cookie);
    expect(response.status).toBe(400);
    expect(response.body.error.details.reason).toBe('state_expired');
  });

  it('should say tiktok_unavailable when TikTok cannot be reached, storing nothing', async () => {
    await t.sandbox.stop();
    const link = await createLink('unlucky');
    const start = await request(t.app.getHttpServer()).get(gatewayPath(link.url)).expect(302);
    const cookie = (start.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    const state = new URL(start.headers.location as string).searchParams.get('state');
    const response = await request(t.app.getHttpServer())
      .get(`/api/auth/tiktok/callback?code=c&state=${state}`)
      .set('Cookie', cookie);
    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe('tiktok_unavailable');
    const status = await request(t.app.getHttpServer())
      .get('/api/tiktok/status?userId=unlucky')
      .set('X-API-Key', apiKey);
    expect(status.body).toEqual({ connected: false, status: 'not_connected' });
  });
});

describe('Return URLs', () => {
  let t: TestApp;
  let apiKey: string;

  beforeAll(async () => {
    t = await startTestApp();
    // Registered without a trailing slash: a raw prefix match would let app.example.com@evil.com through.
    ({ apiKey } = await createTenant(t.app, {
      returnUrls: ['https://app.example.com', 'https://shop.example.com/tiktok'],
    }));
  });
  afterAll(() => t.close());

  const createLink = (returnUrl: string) =>
    request(t.app.getHttpServer())
      .post('/api/auth/tiktok/connect-links')
      .set('X-API-Key', apiKey)
      .send({ userId: 'u', returnUrl });

  it.each([
    'https://app.example.com@evil.com/',
    'https://app.example.com.evil.com/',
    'https://app.example.com:443@evil.com/',
    'https://app.example.com//evil.com/',
    'https://shop.example.com/tiktokevil/',
    'https://shop.example.com/tiktok/../admin',
    'https://shop.example.com/tiktok/..%2fadmin',
    'https://shop.example.com/tiktok/%2e%2e/admin',
  ])('should refuse the hostile returnUrl %s when the link is created', async (returnUrl) => {
    const response = await createLink(returnUrl).expect(400);
    expect(response.body.error).toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining('returnUrl'),
      details: { field: 'returnUrl' },
      requestId: expect.any(String),
    });
  });

  it('should accept a returnUrl on a registered origin and under a registered path, and send the browser there', async () => {
    await createLink('https://app.example.com/anywhere?x=1').expect(201);
    const link = await createLink('https://shop.example.com/tiktok/done').expect(201);
    const { callback } = await openConnectLink(t.app.getHttpServer(), (link.body as { url: string }).url);
    expect(callback.status).toBe(302);
    expect(callback.headers.location).toBe('https://shop.example.com/tiktok/done?tiktok=connected');
  });

  it('should refuse to register a return URL that is not an absolute http(s) origin with a path, naming it', async () => {
    for (const bad of [
      'app.example.com/back',
      'https://user@app.example.com/',
      'https://app.example.com/a/../b/',
      'https://app.example.com/back?x=1',
      'javascript:alert(1)',
    ]) {
      const response = await request(t.app.getHttpServer())
        .post('/api/admin/tenants')
        .set('X-Admin-Key', ADMIN_KEY)
        .send({ name: 'bad-return', returnUrls: ['https://ok.example.com/', bad] })
        .expect(400);
      expect(response.body.error).toMatchObject({ code: 'validation_failed', requestId: expect.any(String) });
      expect(response.body.error.details.problems).toEqual([
        expect.stringContaining(`returnUrls[1] (${JSON.stringify(bad)})`),
      ]);
    }
  });
});

describe('Connect flows that overlap', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PUBLIC_PER_MINUTE: '1000' } });
  });
  afterAll(() => t.close());

  it("should answer each of several tenants' callbacks finishing at once with its own attempt only", async () => {
    const server = t.app.getHttpServer();
    const browsers = [];
    for (const [name, account] of [
      ['one', 'creator'],
      ['two', 'private_creator'],
      ['three', 'short_limit_creator'],
    ] as const) {
      const returnBase = `https://${name}.example.com/back`;
      const { apiKey } = await createTenant(t.app, { name, returnUrls: [returnBase] });
      for (const returnUrl of [`${returnBase}?who=${name}`, undefined]) {
        const userId = `${name}-${returnUrl ? 'redirect' : 'json'}`;
        const link = await request(server)
          .post('/api/auth/tiktok/connect-links')
          .set('X-API-Key', apiKey)
          .send({ userId, returnUrl })
          .expect(201);
        const start = await request(server)
          .get(gatewayPath((link.body as { url: string }).url))
          .expect(302);
        const cookie = (start.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
        const authorize = new URL(start.headers.location as string);
        authorize.searchParams.set('sandbox_account', account);
        authorize.searchParams.set('sandbox_decision', 'approve');
        const consent = await fetch(authorize, { redirect: 'manual' });
        browsers.push({ userId, account, returnUrl, cookie, callback: consent.headers.get('location') as string });
      }
    }

    // TikTok holds every token exchange, so all callbacks wait on it together and finish together.
    await t.control.setTokenDelay(1000);
    const answers = await Promise.all(
      browsers.map((b) =>
        request(server)
          .get(gatewayPath(b.callback))
          .set('Cookie', b.cookie)
          .timeout(10_000)
          .then(
            (r) =>
              r.status === 302
                ? { location: r.headers.location as string }
                : { status: r.status, body: r.body as unknown },
            (error: Error) => ({ noAnswer: error.message }),
          ),
      ),
    );
    await t.control.setTokenDelay(0);

    expect(answers).toEqual(
      browsers.map((b) =>
        b.returnUrl
          ? { location: `${b.returnUrl}&tiktok=connected` }
          : { status: 200, body: { connected: true, userId: b.userId, openId: SANDBOX_ACCOUNTS[b.account].openId } },
      ),
    );
  });
});

describe('Rate limits on the public connect endpoints', () => {
  it('should limit each client IP on the endpoints without an API key', async () => {
    const t = await startTestApp({ env: { RATE_LIMIT_PUBLIC_PER_MINUTE: '3' } });
    try {
      for (let i = 0; i < 3; i++) await request(t.app.getHttpServer()).get('/api/auth/tiktok?ticket=x').expect(400);
      const limited = await request(t.app.getHttpServer()).get('/api/auth/tiktok/callback?state=x&code=y').expect(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Probes and scrapers are never limited.
      for (let i = 0; i < 5; i++) await request(t.app.getHttpServer()).get('/health/live').expect(200);
      await request(t.app.getHttpServer()).get('/metrics').expect(200);
    } finally {
      await t.close();
    }
  });
});
