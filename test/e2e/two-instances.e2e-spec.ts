import { MikroORM } from '@mikro-orm/core';
import request from 'supertest';
import { Connection } from '../../src/tokens/connection.entity';
import { DueRefreshService } from '../../src/tokens/due-refresh.service';
import { connectUser, openConnectLink } from '../support/connect-flow';
import { ADMIN_KEY, createTenant, startTestApp, startTestSandbox, TestApp } from '../support/test-app';
import { usingPostgres } from '../support/test-database';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import { VERIFIED_KEY_TTL_MS } from '../../src/tenants/api-keys.service';
import { setTimeout as sleep } from 'node:timers/promises';

// Two gateways on one database and one TikTok: the multi-instance guarantees. PostgreSQL in CI; SQLite too.
describe(`Two instances on one ${usingPostgres ? 'PostgreSQL' : 'SQLite'} database`, () => {
  let sandbox: TikTokSandbox;
  let a: TestApp;
  let b: TestApp;
  let apiKey: string;
  let tenantId: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    a = await startTestApp({ sandbox });
    b = await startTestApp({ sandbox, database: a.database });
    ({ apiKey, id: tenantId } = await createTenant(a.app));
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    await sandbox.stop();
  });

  it('should refuse on the other instance, within the verified-key time, a key revoked on one', async () => {
    const issued = await request(a.app.getHttpServer())
      .post(`/api/admin/tenants/${tenantId}/api-keys`)
      .set('X-Admin-Key', ADMIN_KEY)
      .expect(201);
    const { id, apiKey: key } = issued.body as { id: string; apiKey: string };
    await request(b.app.getHttpServer()).get('/api/me').set('X-API-Key', key).expect(200); // b now trusts it
    await request(a.app.getHttpServer()).delete(`/api/admin/api-keys/${id}`).set('X-Admin-Key', ADMIN_KEY).expect(204);
    await request(a.app.getHttpServer()).get('/api/me').set('X-API-Key', key).expect(401);

    await sleep(VERIFIED_KEY_TTL_MS);
    await request(b.app.getHttpServer()).get('/api/me').set('X-API-Key', key).expect(401);
    await request(b.app.getHttpServer()).get('/api/me').set('X-API-Key', apiKey).expect(200);
  });

  it('should complete on one instance a connect link made on the other', async () => {
    const link = await request(a.app.getHttpServer())
      .post('/api/auth/tiktok/connect-links')
      .set('X-API-Key', apiKey)
      .send({ userId: 'crossing' })
      .expect(201);
    const { callback } = await openConnectLink(a.app.getHttpServer(), (link.body as { url: string }).url, {
      callbackServer: b.app.getHttpServer(),
    });
    expect(callback.status).toBe(200);
    const status = await request(b.app.getHttpServer())
      .get('/api/tiktok/status?userId=crossing')
      .set('X-API-Key', apiKey);
    expect(status.body).toMatchObject({ connected: true, status: 'active' });
  });

  it('should refresh each due token exactly once with both schedulers running, never reusing a rotated token', async () => {
    const users = Array.from({ length: 24 }, (_, i) => `due-${i}`);
    for (const userId of users) await connectUser(a.app.getHttpServer(), apiKey, userId);
    const em = a.app.get(MikroORM).em.fork();
    const before = await em.find(Connection, { tenant: tenantId });
    const refreshesBefore = (await a.control.requests()).filter((r) => r.path === '/v2/oauth/token/').length;

    // Every token is inside the lead window at `now`; both instances scan at once, three times over.
    const latestExpiry = Math.max(...before.map((c) => c.accessTokenExpiresAt!.getTime()));
    const now = new Date(latestExpiry - 60_000);
    const scans = [a, b, a, b, a, b].map((app) => app.app.get(DueRefreshService).refreshDue(now));
    const summaries = await Promise.all(scans);

    const refreshed = summaries.reduce((sum, s) => sum + s.refreshed, 0);
    expect(refreshed).toBe(before.length);
    const after = await a.app.get(MikroORM).em.fork().find(Connection, { tenant: tenantId });
    for (const connection of after) {
      const old = before.find((c) => c.id === connection.id)!;
      expect(connection.tokenVersion).toBe(old.tokenVersion + 1);
      expect(connection.refreshLeaseOwner).toBeNull();
    }
    const refreshCalls =
      (await a.control.requests()).filter((r) => r.path === '/v2/oauth/token/').length - refreshesBefore;
    expect(refreshCalls).toBe(before.length);
    expect((await a.control.stats()).refreshTokenReused).toBe(false);
    expect((await a.control.violations()).filter((v) => /refresh/i.test(v.rule))).toEqual([]);
  });
});
