import request from 'supertest';
import { createTenant, startTestApp, TestApp } from '../support/test-app';

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
      // One budget across every endpoint (API.md), not one per route.
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

  (redisUrl ? describe : describe.skip)('in Redis (two instances share the counters)', () => {
    let a: TestApp;
    let b: TestApp;
    beforeAll(async () => {
      const env = { RATE_LIMIT_API_PER_MINUTE: '4', REDIS_URL: redisUrl };
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

    it('should include Redis in readiness', async () => {
      const ready = await request(a.app.getHttpServer()).get('/health/ready').expect(200);
      expect(ready.body.info).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
    });
  });
});

if (!redisUrl) console.info('Redis rate-limit suite skipped: set TEST_REDIS_URL to run it.');
