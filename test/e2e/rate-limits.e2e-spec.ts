import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { ADMIN_KEY, createTenant, startTestApp, TestApp } from '../support/test-app';

const redisUrl = process.env.TEST_REDIS_URL;

describe('Rate limits', () => {
  describe('in memory (one instance)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { RATE_LIMIT_API_PER_MINUTE: '3' } });
    });
    afterAll(() => t.close());

    it('should answer 429 rate_limited with Retry-After once a key spends its minute', async () => {
      const { apiKey } = await createTenant(t.app);
      const other = await createTenant(t.app);
      // One budget across every endpoint (RATE_LIMIT_API_PER_MINUTE), not one per route.
      for (const path of ['/api/me', '/api/tiktok/uploads', '/api/me'])
        await request(t.app.getHttpServer()).get(path).set('X-API-Key', apiKey).expect(200);
      const limited = await request(t.app.getHttpServer())
        .get('/api/tiktok/uploads')
        .set('X-API-Key', apiKey)
        .expect(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Another key has its own budget.
      await request(t.app.getHttpServer()).get('/api/me').set('X-API-Key', other.apiKey).expect(200);
    });
  });

  describe('public endpoints behind a trusted reverse proxy (TRUST_PROXY=loopback)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({
        env: { TRUST_PROXY: 'loopback', RATE_LIMIT_PUBLIC_PER_MINUTE: '2', RATE_LIMIT_WEBHOOKS_PER_MINUTE: '3' },
      });
    });
    afterAll(() => t.close());

    const callback = (client: string) =>
      request(t.app.getHttpServer()).get('/api/auth/tiktok/callback').set('X-Forwarded-For', client);
    const webhook = (client: string) =>
      request(t.app.getHttpServer())
        .post('/api/tiktok/webhooks')
        .set('X-Forwarded-For', client)
        .set('Content-Type', 'application/json')
        .send('{}');

    it('should give each client behind the proxy its own budget', async () => {
      for (let i = 0; i < 2; i++) expect((await callback('203.0.113.1')).status).not.toBe(429);
      const limited = await callback('203.0.113.1').expect(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect((await callback('203.0.113.2')).status).not.toBe(429);
    });

    it("should keep TikTok's webhooks on their own budget when the connect flow's is spent", async () => {
      for (let i = 0; i < 2; i++) await callback('203.0.113.10');
      await callback('203.0.113.10').expect(429);
      // Unsigned, so refused, but by the webhook itself, not by the spent connect budget.
      for (let i = 0; i < 3; i++) await webhook('203.0.113.10').expect(401);
      // The webhooks' budget is a budget too.
      const limited = await webhook('203.0.113.10').expect(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    });
  });

  describe('public endpoints without TRUST_PROXY', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { RATE_LIMIT_PUBLIC_PER_MINUTE: '2' } });
    });
    afterAll(() => t.close());

    it('should ignore X-Forwarded-For, which any caller can send', async () => {
      const callback = (client: string) =>
        request(t.app.getHttpServer()).get('/api/auth/tiktok/callback').set('X-Forwarded-For', client);
      await callback('203.0.113.1');
      await callback('203.0.113.2');
      await callback('203.0.113.3').expect(429);
    });
  });

  describe('wrong keys (brute force)', () => {
    let t: TestApp;
    let apiKey: string;
    beforeAll(async () => {
      t = await startTestApp({ env: { TRUST_PROXY: 'loopback', AUTH_FAILURES_PER_WINDOW: '3' } });
      ({ apiKey } = await createTenant(t.app));
    });
    afterAll(() => t.close());

    const admin = (client: string, key: string) =>
      request(t.app.getHttpServer()).get('/api/admin/tenants').set('X-Forwarded-For', client).set('X-Admin-Key', key);
    const me = (client: string, key: string) =>
      request(t.app.getHttpServer()).get('/api/me').set('X-Forwarded-For', client).set('X-API-Key', key);

    it('should answer 429 with Retry-After to an address that keeps sending wrong admin keys', async () => {
      for (let i = 0; i < 3; i++) await admin('198.51.100.1', `wrong-admin-key-${i}`).expect(401);
      const limited = await admin('198.51.100.1', 'wrong-admin-key-3').expect(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // While blocked, even the right key gets no answer that would confirm a guess.
      await admin('198.51.100.1', ADMIN_KEY).expect(429);
      // Another address is not affected.
      await admin('198.51.100.2', ADMIN_KEY).expect(200);
    });

    it('should count wrong API keys the same way, and never right ones', async () => {
      for (let i = 0; i < 5; i++) await me('198.51.100.3', apiKey).expect(200);
      for (let i = 0; i < 3; i++) await me('198.51.100.3', `tgw_wrong_${i}`).expect(401);
      await me('198.51.100.3', 'tgw_wrong_3').expect(429);
      await me('198.51.100.3', apiKey).expect(429);
      await me('198.51.100.4', apiKey).expect(200);
    });
  });

  (redisUrl ? describe : describe.skip)('in Redis (two instances share the counters)', () => {
    let a: TestApp;
    let b: TestApp;
    beforeAll(async () => {
      const env = {
        RATE_LIMIT_API_PER_MINUTE: '4',
        AUTH_FAILURES_PER_WINDOW: '3',
        TRUST_PROXY: 'loopback',
        REDIS_URL: redisUrl,
      };
      a = await startTestApp({ env });
      b = await startTestApp({ env, database: a.database });
    });
    afterAll(async () => {
      await b.close();
      await a.close();
    });

    it('should count requests to both instances against one budget', async () => {
      const { apiKey } = await createTenant(a.app);
      await request(a.app.getHttpServer()).get('/api/me').set('X-API-Key', apiKey).expect(200);
      await request(b.app.getHttpServer()).get('/api/me').set('X-API-Key', apiKey).expect(200);
      await request(a.app.getHttpServer()).get('/api/me').set('X-API-Key', apiKey).expect(200);
      await request(b.app.getHttpServer()).get('/api/me').set('X-API-Key', apiKey).expect(200);
      const limited = await request(a.app.getHttpServer()).get('/api/me').set('X-API-Key', apiKey).expect(429);
      expect(limited.headers['retry-after']).toBeDefined();
      await request(b.app.getHttpServer()).get('/api/me').set('X-API-Key', apiKey).expect(429);
    });

    it('should count wrong keys sent to either instance against one limit', async () => {
      // Redis outlives this test: a fresh address keeps the count from blocking loopback for other suites.
      const client = `2001:db8::${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`;
      const wrongKey = (app: TestApp) =>
        request(app.app.getHttpServer()).get('/api/me').set('X-Forwarded-For', client).set('X-API-Key', 'tgw_wrong');
      for (const app of [a, b, a]) await wrongKey(app).expect(401);
      await wrongKey(b).expect(429);
    });

    it('should include Redis in readiness', async () => {
      const ready = await request(a.app.getHttpServer()).get('/health/ready').expect(200);
      expect(ready.body.info).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
    });
  });
});

if (!redisUrl) console.info('Redis rate-limit suite skipped: set TEST_REDIS_URL to run it.');
