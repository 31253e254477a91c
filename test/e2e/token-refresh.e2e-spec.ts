import { MikroORM } from '@mikro-orm/core';
import { existsSync, readFileSync } from 'node:fs';
import request from 'supertest';
import { TikTokApiClient } from '../../src/tiktok-api/tiktok-api.client';
import { Connection } from '../../src/tokens/connection.entity';
import { DueRefreshService } from '../../src/tokens/due-refresh.service';
import { TokensService } from '../../src/tokens/tokens.service';
import { connectUser } from '../support/connect-flow';
import { createTenant, startTestApp, TestApp } from '../support/test-app';

const HOUR_MS = 3_600_000;

describe('Token refresh', () => {
  let t: TestApp;
  let apiKey: string;
  let tenantId: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey, id: tenantId } = await createTenant(t.app));
  });
  afterAll(() => t.close());

  const server = () => t.app.getHttpServer();
  const connection = (userId: string) =>
    t.app.get(MikroORM).em.fork().findOneOrFail(Connection, { tenant: tenantId, userId }, { disableIdentityMap: true });
  const userInfoVia = (userId: string) =>
    t.app
      .get(TokensService)
      .withAccessToken(tenantId, userId, (token) => t.app.get(TikTokApiClient).getUserInfo(token));

  it('should refresh a token inside the lead window before using it, and rotate the refresh token', async () => {
    await connectUser(server(), apiKey, 'soon');
    const before = await connection('soon');
    await t.app
      .get(MikroORM)
      .em.fork()
      .nativeUpdate(Connection, { id: before.id }, { accessTokenExpiresAt: new Date(Date.now() + 60_000) });

    await expect(userInfoVia('soon')).resolves.toMatchObject({ openId: before.openId });
    const after = await connection('soon');
    expect(after.tokenVersion).toBe(before.tokenVersion + 1);
    expect(after.refreshTokenCiphertext).not.toBe(before.refreshTokenCiphertext);
    expect(after.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + HOUR_MS);
    expect((await t.control.stats()).refreshTokenReused).toBe(false);
  });

  it('should refresh once and retry once when TikTok rejects the access token', async () => {
    await connectUser(server(), apiKey, 'rejected');
    await t.control.expireUserAccessTokens((await connection('rejected')).openId);
    const before = await connection('rejected');
    await expect(userInfoVia('rejected')).resolves.toMatchObject({ openId: before.openId });
    expect((await connection('rejected')).tokenVersion).toBe(before.tokenVersion + 1);
  });

  it('should mark the connection reauth_required on invalid_grant and keep no dead tokens', async () => {
    await connectUser(server(), apiKey, 'doomed', 'refresh_fails');
    const conn = await connection('doomed');
    const summary = await t.app
      .get(DueRefreshService)
      .refreshDue(new Date(conn.accessTokenExpiresAt!.getTime() - 60_000));
    expect(summary.reauth_required).toBeGreaterThanOrEqual(1);
    const after = await connection('doomed');
    expect(after).toMatchObject({
      status: 'reauth_required',
      accessTokenCiphertext: null,
      refreshTokenCiphertext: null,
    });
    const status = await request(server()).get('/api/tiktok/status?userId=doomed').set('X-API-Key', apiKey).expect(200);
    expect(status.body).toMatchObject({ connected: false, status: 'reauth_required' });
    await expect(userInfoVia('doomed')).rejects.toMatchObject({ code: 'reauth_required', status: 409 });
  });

  it('should answer not_connected for a user without a connection', async () => {
    await expect(userInfoVia('nobody')).rejects.toMatchObject({ code: 'not_connected', status: 409 });
  });

  it('should store tokens only encrypted, and never show them in responses or logs', async () => {
    await connectUser(server(), apiKey, 'secretive');
    const conn = await connection('secretive');
    const plainAccess = await t.app.get(TokensService).withAccessToken(tenantId, 'secretive', async (token) => token);
    expect(plainAccess).toMatch(/^act\./);
    expect(conn.accessTokenCiphertext).toMatch(/^v1\./);
    expect(conn.accessTokenCiphertext).not.toContain(plainAccess);
    const status = await request(server())
      .get('/api/tiktok/status?userId=secretive')
      .set('X-API-Key', apiKey)
      .expect(200);
    expect(JSON.stringify(status.body)).not.toMatch(/act\.|rft\./);
    expect(t.logs()).not.toContain(plainAccess);
    if (t.database.sqliteFile) {
      const file = t.database.sqliteFile;
      const raw = Buffer.concat([file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
      expect(raw.includes(plainAccess)).toBe(false);
      expect(raw.includes('rft.')).toBe(false);
      expect(raw.includes('act.')).toBe(false);
    }
  });
});

describe('Token refresh job', () => {
  it('should refresh due tokens on its own every TOKEN_REFRESH_INTERVAL_SECONDS', async () => {
    // A lead window longer than the sandbox's 2 h lifetime makes every token due at once.
    const t = await startTestApp({ env: { TOKEN_REFRESH_INTERVAL_SECONDS: '1', TOKEN_REFRESH_LEAD_SECONDS: '7300' } });
    try {
      const { apiKey, id } = await createTenant(t.app);
      await connectUser(t.app.getHttpServer(), apiKey, 'scheduled');
      const read = () =>
        t.app
          .get(MikroORM)
          .em.fork()
          .findOneOrFail(Connection, { tenant: id, userId: 'scheduled' }, { disableIdentityMap: true });
      const version = (await read()).tokenVersion;
      const deadline = Date.now() + 10_000;
      while ((await read()).tokenVersion === version && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect((await read()).tokenVersion).toBeGreaterThan(version);
      expect((await t.control.stats()).refreshTokenReused).toBe(false);
    } finally {
      await t.close();
    }
  });
});
