import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { testPreset } from '../../config/presets';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import { SANDBOX_ACCOUNTS } from '../../src/tiktok-sandbox/sandbox-control';
import { DueRefreshService } from '../../src/tokens/due-refresh.service';
import { connectUser } from '../support/connect-flow';
import { makeLargeVideo } from '../support/make-large-video';
import { createTenant, startTestApp, startTestSandbox, TestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { FIXTURES, postVideo, UploadBody, waitForFinal } from '../support/uploads';
import { WebhookReceiver } from '../support/webhook-receiver';
import { DatabasePeek } from './support/database-peek';
import { SecretLedger } from './support/secrets';
import { TcpProxy } from './support/tcp-proxy';
import { MIN_CHUNK_BYTES } from '../../src/tiktok-api/tiktok-limits';

/** TikTok's smallest chunk (5 MiB). */
const MB5 = MIN_CHUNK_BYTES;
const HOUR_MS = 3_600_000;
const direct = { mode: 'direct', privacyLevel: 'SELF_ONLY' };

// What uploads-faults and uploads-durability (test/e2e) do not cover: status 429, slow answers, TikTok down
// during a refresh, and invalid_grant from the first upload to the reconnect.
describe('TikTok faults, end to end', () => {
  const ledger = new SecretLedger();
  let sandbox: TikTokSandbox;
  let tiktok: TcpProxy;
  let database: TestDatabase;
  let receiver: WebhookReceiver;
  let t: TestApp;
  let tenant: { id: string; apiKey: string; webhookSecret: string };
  let work: string;
  let users = 0;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    // The gateway reaches TikTok's API through a proxy that can play "TikTok is down" without TikTok forgetting its
    // tokens (TikTokSandbox.stop() resets its state); the same port comes back, as a restarted TikTok would.
    tiktok = await TcpProxy.start(TcpProxy.forUrl(sandbox.baseUrl));
    database = await createTestDatabase();
    receiver = await WebhookReceiver.start();
    t = await startTestApp({
      sandbox,
      database,
      env: { TIKTOK_API_BASE_URL: tiktok.rewrite(sandbox.baseUrl), UPLOAD_CHUNK_BYTES: String(MB5) },
    });
    tenant = await createTenant(t.app, { webhookUrl: receiver.url });
    ledger.add('admin key', testPreset.ADMIN_API_KEY);
    ledger.add('client secret', testPreset.TIKTOK_CLIENT_SECRET);
    ledger.add('token encryption key', testPreset.TOKEN_ENCRYPTION_KEYS.split(':')[1]);
    ledger.add('API key', tenant.apiKey);
    ledger.add('webhook secret', tenant.webhookSecret);
    work = mkdtempSync(join(tmpdir(), 'tgw-rel-faults-'));
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
    await tiktok?.close();
    await sandbox?.stop();
    await database?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });
  beforeEach(() => t.control.reset().then(() => tiktok.setMode('up')));

  const server = () => t.app.getHttpServer();
  const connect = async (account = 'creator') => {
    const userId = `u${++users}`;
    ledger.add(`OAuth code of ${userId}`, await connectUser(server(), tenant.apiKey, userId, account));
    return userId;
  };
  const view = async (id: string) =>
    (await request(server()).get(`/api/tiktok/uploads/${id}`).set('X-API-Key', tenant.apiKey).expect(200))
      .body as UploadBody & { error: { code: string } | null };
  const initsPerVideo = async () => (await t.control.stats()).inits.map((group) => group.count);

  it('should wait out a 429 on status/fetch and still reach the final state, posting once', async () => {
    const userId = await connect();
    await t.control.rateLimitNextStatusFetches(1);
    const accepted = await postVideo(server(), tenant.apiKey, join(FIXTURES, 'h264.mp4'), { userId, ...direct });
    expect(accepted.status).toBe(202);
    const id = accepted.body.id as string;
    let seen = await view(id);
    for (let i = 0; i < 200 && seen.error?.code !== 'rate_limit_exceeded'; i++) {
      await sleep(50);
      seen = await view(id);
    }
    expect(seen).toMatchObject({ status: 'processing', error: { code: 'rate_limit_exceeded' } });
    // No Retry-After from TikTok: the poller waits 30 s, well inside status/fetch's 30-per-minute budget.
    const done = await waitForFinal(server(), tenant.apiKey, id, 45_000);
    expect(done).toMatchObject({ status: 'published', error: null });
    expect(await initsPerVideo()).toEqual([1]);
  }, 60_000);

  it('should connect and publish a multi-chunk video while every TikTok answer is slow', async () => {
    await t.control.setLatency(700);
    const userId = await connect();
    const video = await makeLargeVideo(3 * MB5 + 1234, work);
    const accepted = await postVideo(server(), tenant.apiKey, video, { userId, ...direct }).expect(202);
    const done = await waitForFinal(server(), tenant.apiKey, accepted.body.id as string, 40_000);
    expect(done).toMatchObject({ status: 'published', progress: { uploadedChunks: 3, totalChunks: 3 } });
    expect(await initsPerVideo()).toEqual([1]);
    expect(await t.control.violations()).toEqual([]);
    expect(readdirSync(t.config.uploads.spoolDir)).toEqual([]);
  }, 60_000);

  it('should keep a connection active through a refresh while TikTok is down, and refresh once it is back', async () => {
    const userId = await connect();
    const due = new Date(Date.now() + 2 * HOUR_MS); // the token expires inside the lead window of `due`
    await tiktok.setMode('refuse');
    const failed = await t.app.get(DueRefreshService).refreshDue(due);
    // Every active connection of this file is due at `due`; each one fails transiently and none is lost.
    expect(failed).toMatchObject({ reauth_required: 0, refreshed: 0 });
    expect(failed.transient_failure).toBeGreaterThanOrEqual(1);
    const down = await request(server())
      .get(`/api/tiktok/creator-info?userId=${userId}`)
      .set('X-API-Key', tenant.apiKey);
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('tiktok_unavailable');
    const queued = await postVideo(server(), tenant.apiKey, join(FIXTURES, 'h264.mp4'), { userId }).expect(202);
    const statusWhileDown = await request(server())
      .get(`/api/tiktok/status?userId=${userId}`)
      .set('X-API-Key', tenant.apiKey);
    expect(statusWhileDown.body).toMatchObject({ connected: true, status: 'active' });

    await tiktok.setMode('up');
    // Connections of earlier tests died with the sandbox reset between tests (reauth_required); this one refreshes.
    const back = await t.app.get(DueRefreshService).refreshDue(due);
    expect(back).toMatchObject({ transient_failure: 0 });
    expect(back.refreshed).toBeGreaterThanOrEqual(1);
    const statusAfter = await request(server())
      .get(`/api/tiktok/status?userId=${userId}`)
      .set('X-API-Key', tenant.apiKey);
    expect(Date.parse(statusAfter.body.accessTokenExpiresAt as string)).toBeGreaterThan(due.getTime());
    await request(server())
      .get(`/api/tiktok/creator-info?userId=${userId}`)
      .set('X-API-Key', tenant.apiKey)
      .expect(200);
    const done = await waitForFinal(server(), tenant.apiKey, queued.body.id as string, 30_000);
    expect(done).toMatchObject({ status: 'inbox_delivered' });
    expect(await initsPerVideo()).toEqual([1]);
    expect((await t.control.stats()).refreshTokenReused).toBe(false);
  }, 60_000);

  it('should take invalid_grant from an upload to reauth_required, tell the tenant, and work again after reconnecting', async () => {
    const userId = await connect('refresh_fails');
    await t.control.expireUserAccessTokens(SANDBOX_ACCOUNTS.refresh_fails.openId);
    const accepted = await postVideo(server(), tenant.apiKey, join(FIXTURES, 'h264.mp4'), { userId }).expect(202);
    const failed = await waitForFinal(server(), tenant.apiKey, accepted.body.id as string);
    // The init TikTok refused with 401 was answered, so the reauth_required that follows is not an unknown outcome.
    expect(failed).toMatchObject({ status: 'failed', publishId: null, error: { code: 'reauth_required' } });
    const status = await request(server()).get(`/api/tiktok/status?userId=${userId}`).set('X-API-Key', tenant.apiKey);
    expect(status.body).toMatchObject({ connected: false, status: 'reauth_required' });
    await receiver.waitFor(() => receiver.ofType('connection.reauth_required', userId).length === 1);
    const refused = await postVideo(server(), tenant.apiKey, join(FIXTURES, 'h264.mp4'), { userId }).expect(409);
    expect(refused.body.error.code).toBe('reauth_required');
    expect(readdirSync(t.config.uploads.spoolDir)).toEqual([]);

    ledger.add('OAuth code (reconnect)', await connectUser(server(), tenant.apiKey, userId, 'refresh_fails'));
    const again = await postVideo(server(), tenant.apiKey, join(FIXTURES, 'h264.mp4'), { userId }).expect(202);
    expect(await waitForFinal(server(), tenant.apiKey, again.body.id as string)).toMatchObject({
      status: 'inbox_delivered',
    });
    expect(await initsPerVideo()).toEqual([1]);
  });

  it('should leave no token, code, key or secret in the logs or, in clear, in the database', async () => {
    const logs = t.logs();
    expect(logs.length).toBeGreaterThan(1000);
    expect(ledger.findIn(logs)).toEqual([]);
    const peek = await DatabasePeek.open(database.url);
    try {
      expect(ledger.findIn(await peek.dumpEverything())).toEqual([]);
    } finally {
      await peek.close();
    }
  });
});
