import { MikroORM } from '@mikro-orm/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import request from 'supertest';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import { Connection } from '../../src/tokens/connection.entity';
import { connectUser, openConnectLink } from '../support/connect-flow';
import { createTenant, startTestApp, startTestSandbox, TestApp } from '../support/test-app';
import { usingPostgres } from '../support/test-database';
import { FIXTURES, postVideo, waitForFinal } from '../support/uploads';
import { WebhookReceiver } from '../support/webhook-receiver';

const redisUrl = process.env.TEST_REDIS_URL;

// Extends test/e2e/two-instances (connect link crossing, scheduled refresh once) and rate-limits (API budget):
// here, what crosses instances while both run their jobs for real.
describe(`Two instances on one ${usingPostgres ? 'PostgreSQL' : 'SQLite'} database${redisUrl ? ' and Redis' : ''}`, () => {
  let sandbox: TikTokSandbox;
  let receiver: WebhookReceiver;
  let a: TestApp;
  let b: TestApp;
  let tenant: { id: string; apiKey: string };

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    receiver = await WebhookReceiver.start();
    const env = { RATE_LIMIT_UPLOADS_PER_MINUTE: '2', ...(redisUrl ? { REDIS_URL: redisUrl } : {}) };
    a = await startTestApp({ sandbox, env });
    b = await startTestApp({ sandbox, env, database: a.database });
    tenant = await createTenant(a.app, { webhookUrl: receiver.url });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await receiver?.close();
    await sandbox?.stop();
  });

  const api = (app: TestApp) => ({
    get: (path: string) => request(app.app.getHttpServer()).get(path).set('X-API-Key', tenant.apiKey),
    post: (path: string) => request(app.app.getHttpServer()).post(path).set('X-API-Key', tenant.apiKey),
  });

  it('should refuse on one instance the OAuth callback already completed on the other, storing nothing', async () => {
    const link = await api(a).post('/api/auth/tiktok/connect-links').send({ userId: 'once' }).expect(201);
    const journey = await openConnectLink(a.app.getHttpServer(), (link.body as { url: string }).url, {
      callbackServer: b.app.getHttpServer(),
    });
    expect(journey.callback.status).toBe(200);
    const connectedAt = (await api(a).get('/api/tiktok/status?userId=once').expect(200)).body.connectedAt as string;
    const callbackUrl = new URL(journey.callback.request.url);
    const replay = await request(a.app.getHttpServer())
      .get(`${callbackUrl.pathname}${callbackUrl.search}`)
      .set('Cookie', journey.cookie);
    expect(replay.status).toBe(400);
    expect(replay.body.error.code).toBe('invalid_state');
    expect((await api(b).get('/api/tiktok/status?userId=once').expect(200)).body.connectedAt).toBe(connectedAt);
  });

  it('should refresh a rejected token once when both instances need it at the same moment', async () => {
    await connectUser(a.app.getHttpServer(), tenant.apiKey, 'shared');
    const em = a.app.get(MikroORM).em.fork();
    const before = await em.findOneOrFail(Connection, { tenant: tenant.id, userId: 'shared' });
    await a.control.expireUserAccessTokens(before.openId);
    const tokenCalls = async () => (await a.control.requests()).filter((r) => r.path === '/v2/oauth/token/').length;
    const callsBefore = await tokenCalls();

    const answers = await Promise.all(
      [a, b, a, b, a, b].map((app) => api(app).get('/api/tiktok/creator-info?userId=shared')),
    );
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect((await tokenCalls()) - callsBefore).toBe(1);
    const after = await a.app
      .get(MikroORM)
      .em.fork()
      .findOneOrFail(Connection, { id: before.id }, { disableIdentityMap: true });
    expect(after.tokenVersion).toBe(before.tokenVersion + 1);
    expect((await a.control.stats()).refreshTokenReused).toBe(false);
  });

  it('should send each notification once while both instances run their outbox jobs', async () => {
    const users = ['n0', 'n1', 'n2', 'n3'];
    for (const [i, userId] of users.entries()) {
      await connectUser((i % 2 ? b : a).app.getHttpServer(), tenant.apiKey, userId);
    }
    const uploaded = await postVideo(b.app.getHttpServer(), tenant.apiKey, join(FIXTURES, 'h264.mp4'), {
      userId: 'n0',
    }).expect(202);
    await waitForFinal(a.app.getHttpServer(), tenant.apiKey, uploaded.body.id as string);
    await receiver.waitFor(
      () => receiver.ofType('upload.completed').length >= 1 || receiver.ofType('upload.updated').length > 2,
    );
    await sleep(3000); // both jobs tick every second: time enough for a second copy to show up, if one would
    for (const userId of users) expect(receiver.ofType('connection.connected', userId)).toHaveLength(1);
    const ids = receiver.delivered().map((r) => r.notification.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  (redisUrl ? it : it.skip)(
    'should count uploads of one key and user on both instances against one budget',
    async () => {
      await connectUser(a.app.getHttpServer(), tenant.apiKey, 'limited');
      const body = { userId: 'limited', videoUrl: 'https://unverified.example/clip.mp4' };
      await api(a).post('/api/tiktok/upload').send(body).expect(202);
      await api(b).post('/api/tiktok/upload').send(body).expect(202);
      const limited = await api(a).post('/api/tiktok/upload').send(body).expect(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      await api(b).post('/api/tiktok/upload').send(body).expect(429);
    },
  );
});

if (!redisUrl) console.info('Shared upload budget case skipped: set TEST_REDIS_URL to run it.');
