import { MikroORM } from '@mikro-orm/core';
import request from 'supertest';
import { testPreset } from '../../config/presets';
import { verifySignature } from '../../src/common/crypto/signature';
import { signTikTokWebhook } from '../../src/tiktok-sandbox/sandbox-control';
import { Connection } from '../../src/tokens/connection.entity';
import { Upload } from '../../src/uploads/upload.entity';
import { TikTokWebhookReceipt } from '../../src/tiktok-webhooks/tiktok-webhook-receipt.entity';
import { TikTokWebhookReceiptRepository } from '../../src/tiktok-webhooks/tiktok-webhook-receipt.repository';
import { TikTokWebhookEventsService } from '../../src/tiktok-webhooks/tiktok-webhook-events.service';
import { connectUser } from '../support/connect-flow';
import { createTenant, startTestApp, TestApp } from '../support/test-app';
import { eventually, WebhookReceiver } from '../support/webhook-receiver';

const CLIENT_KEY = testPreset.TIKTOK_CLIENT_KEY;
const CLIENT_SECRET = testPreset.TIKTOK_CLIENT_SECRET;
const BIG_POST_ID = '7345678901234567891'; // above 2^53: JSON.parse would round it

interface WebhookOptions {
  secret?: string;
  signedAt?: number;
  clientKey?: string;
  createTime?: number;
  signature?: string | null;
}

describe('TikTok webhooks in', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let tenant: { id: string; apiKey: string; webhookSecret: string };

  beforeAll(async () => {
    t = await startTestApp();
    receiver = await WebhookReceiver.start();
    tenant = await createTenant(t.app, { webhookUrl: receiver.url });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const nowSec = () => Math.floor(Date.now() / 1000);
  const em = () => t.app.get(MikroORM).em.fork();

  /** TikTok's envelope (docs/tiktok.md §10.2), with `content` as JSON text so int64 ids stay bare numbers. */
  function envelope(event: string, openId: string, contentJson: string, options: WebhookOptions = {}): string {
    return JSON.stringify({
      client_key: options.clientKey ?? CLIENT_KEY,
      event,
      create_time: options.createTime ?? nowSec(),
      user_openid: openId,
      content: contentJson,
    });
  }

  function post(body: string, options: WebhookOptions = {}) {
    const signature = signTikTokWebhook(options.secret ?? CLIENT_SECRET, options.signedAt ?? nowSec(), body);
    const call = request(t.app.getHttpServer()).post('/api/tiktok/webhooks').set('Content-Type', 'application/json');
    if (options.signature !== null) call.set('TikTok-Signature', options.signature ?? signature);
    return call.send(body);
  }

  const receipts = () => em().find(TikTokWebhookReceipt, {}, { orderBy: { receivedAt: 'asc' } });
  const connection = (userId: string) =>
    em().findOneOrFail(Connection, { tenant: tenant.id, userId }, { disableIdentityMap: true });

  async function insertUpload(overrides: Partial<Upload> = {}): Promise<Upload> {
    const fork = em();
    const conn = await connection('uploader');
    const upload = fork.create(Upload, {
      tenant: tenant.id,
      userId: 'uploader',
      connectionId: conn.id,
      mode: 'inbox',
      source: 'file',
      status: 'processing',
      post: {},
      publishId: `v_inbox_file~v2.${Math.random().toString().slice(2)}`,
      ...overrides,
    });
    await fork.flush();
    return upload;
  }
  const uploadNow = (id: string) => em().findOneOrFail(Upload, { id }, { disableIdentityMap: true });

  describe('verification', () => {
    it('should answer 200 to a validly signed event and store it once', async () => {
      const body = envelope('portability.download.ready', 'open-x', '{"request_id":"r1"}');
      const response = await post(body).expect(200);
      expect(response.body).toEqual({ received: true, duplicate: false });
      const stored = await eventually(receipts, (rows) => rows.some((r) => r.status === 'ignored'));
      expect(stored.filter((r) => r.event === 'portability.download.ready')).toHaveLength(1);
    });

    it('should refuse a signature made with another secret as unauthorized', async () => {
      const response = await post(envelope('post.publish.complete', 'o', '{"publish_id":"p"}'), {
        secret: 'not-the-client-secret',
      }).expect(401);
      expect(response.body.error).toMatchObject({ code: 'unauthorized', details: { reason: 'mismatch' } });
    });

    it('should refuse a missing signature and a body changed after signing', async () => {
      const body = envelope('post.publish.complete', 'o', '{"publish_id":"p"}');
      await post(body, { signature: null }).expect(401);
      const signature = signTikTokWebhook(CLIENT_SECRET, nowSec(), body);
      const tampered = body.replace('post.publish.complete', 'post.publish.failed');
      const response = await post(tampered, { signature }).expect(401);
      expect(response.body.error.details).toEqual({ reason: 'mismatch' });
    });

    it('should refuse a stale signature', async () => {
      const tolerance = t.config.tiktok.webhookToleranceSeconds;
      const response = await post(envelope('post.publish.complete', 'o', '{"publish_id":"p"}'), {
        signedAt: nowSec() - tolerance - 5,
      }).expect(401);
      expect(response.body.error).toMatchObject({ code: 'unauthorized', details: { reason: 'stale' } });
    });

    it('should refuse an event for another client_key', async () => {
      const response = await post(
        envelope('post.publish.complete', 'o', '{"publish_id":"p"}', { clientKey: 'someone_else' }),
      ).expect(400);
      expect(response.body.error).toMatchObject({ code: 'validation_failed', details: { reason: 'foreign_client' } });
    });

    it('should answer a redelivery (new signature, same event) as a duplicate and store nothing more', async () => {
      const before = (await receipts()).length;
      const body = envelope('portability.download.ready', 'open-y', '{"request_id":"r2"}');
      await post(body).expect(200);
      const again = await post(body, { signedAt: nowSec() - 1 }).expect(200);
      expect(again.body).toEqual({ received: true, duplicate: true });
      expect(await receipts()).toHaveLength(before + 1);
    });
  });

  describe('publish events', () => {
    beforeAll(() => connectUser(t.app.getHttpServer(), tenant.apiKey, 'uploader'));

    it('should move an inbox upload through inbox_delivered, published, public post ids and removals', async () => {
      const upload = await insertUpload();
      const content = (extra = '') => `{"publish_id":"${upload.publishId}","publish_type":"INBOX_SHARE"${extra}}`;
      const openId = (await connection('uploader')).openId;

      await post(envelope('post.publish.inbox_delivered', openId, content())).expect(200);
      await eventually(
        () => uploadNow(upload.id),
        (u) => u.status === 'inbox_delivered',
      );

      await post(envelope('post.publish.complete', openId, content())).expect(200);
      await eventually(
        () => uploadNow(upload.id),
        (u) => u.status === 'published',
      );

      await post(envelope('post.publish.publicly_available', openId, content(`,"post_id":${BIG_POST_ID}`))).expect(200);
      await post(envelope('post.publish.publicly_available', openId, content(',"post_id":"7000000000000000001"')));
      const published = await eventually(
        () => uploadNow(upload.id),
        (u) => u.postIds.length === 2,
      );
      expect(published.postIds.sort()).toEqual(['7000000000000000001', BIG_POST_ID]);

      await post(envelope('post.publish.no_longer_publicaly_available', openId, content(`,"post_id":${BIG_POST_ID}`)));
      await eventually(
        () => uploadNow(upload.id),
        (u) => u.postIds.length === 1,
      );
      await post(envelope('post.publish.no_longer_available', openId, content(',"post_id":7000000000000000001')));
      const after = await eventually(
        () => uploadNow(upload.id),
        (u) => u.postIds.length === 0,
      );
      expect(after.status).toBe('published');
    });

    it('should fail an upload with TikTok’s reason and never move it back', async () => {
      const upload = await insertUpload({ mode: 'direct' });
      const openId = (await connection('uploader')).openId;
      const content = `{"publish_id":"${upload.publishId}","reason":"duration_check_failed","publish_type":"DIRECT_PUBLISH"}`;
      await post(envelope('post.publish.failed', openId, content)).expect(200);
      await eventually(
        () => uploadNow(upload.id),
        (u) => u.status === 'failed',
      );

      await post(envelope('post.publish.inbox_delivered', openId, `{"publish_id":"${upload.publishId}"}`)).expect(200);
      await eventually(receipts, (rows) => rows.every((r) => r.status !== 'pending'));
      expect(await uploadNow(upload.id)).toMatchObject({ status: 'failed', failReason: 'duration_check_failed' });
    });

    it('should change nothing when the same event arrives again', async () => {
      const upload = await insertUpload();
      const openId = (await connection('uploader')).openId;
      const body = envelope(
        'post.publish.publicly_available',
        openId,
        `{"publish_id":"${upload.publishId}","post_id":${BIG_POST_ID}}`,
      );
      await post(body).expect(200);
      const first = await eventually(
        () => uploadNow(upload.id),
        (u) => u.postIds.length === 1,
      );
      await post(body, { signedAt: nowSec() - 2 }).expect(200);
      await eventually(receipts, (rows) => rows.every((r) => r.status !== 'pending'));
      const second = await uploadNow(upload.id);
      expect(second.updatedAt).toEqual(first.updatedAt);
      expect(second.postIds).toEqual([BIG_POST_ID]);
    });
  });

  describe('authorization.removed', () => {
    it('should end the connection, delete its tokens, keep the reason and notify the tenant once', async () => {
      await connectUser(t.app.getHttpServer(), tenant.apiKey, 'leaver', 'private_creator');
      const before = await connection('leaver');
      const body = envelope('authorization.removed', before.openId, '{"reason": 1 }');
      await post(body).expect(200);
      const after = await eventually(
        () => connection('leaver'),
        (c) => c.status === 'disconnected',
      );
      expect(after).toMatchObject({
        endedReason: 'authorization_removed:user_disconnected',
        accessTokenCiphertext: null,
        refreshTokenCiphertext: null,
      });
      await receiver.waitFor(() => receiver.ofType('connection.removed', 'leaver').length === 1);
      const [removed] = receiver.ofType('connection.removed', 'leaver');
      expect(removed.notification.data).toMatchObject({
        userId: 'leaver',
        reason: 'authorization_removed:user_disconnected',
      });
      expect(verifySignature(removed.signature, tenant.webhookSecret, removed.body, nowSec(), 300).ok).toBe(true);

      await post(body, { signedAt: nowSec() - 3 }).expect(200);
      const status = await request(t.app.getHttpServer())
        .get('/api/tiktok/status?userId=leaver')
        .set('X-API-Key', tenant.apiKey)
        .expect(200);
      expect(status.body).toMatchObject({ connected: false, status: 'not_connected' });
      expect(receiver.ofType('connection.removed', 'leaver')).toHaveLength(1);
    });

    it('should not end a connection made after the event', async () => {
      await connectUser(t.app.getHttpServer(), tenant.apiKey, 'returner', 'short_limit_creator');
      const conn = await connection('returner');
      const createTime = Math.floor(conn.connectedAt.getTime() / 1000) - 60;
      await post(envelope('authorization.removed', conn.openId, '{"reason":1}', { createTime })).expect(200);
      await eventually(receipts, (rows) => rows.every((r) => r.status !== 'pending'));
      expect((await connection('returner')).status).toBe('active');
    });
  });

  describe('durability', () => {
    it('should apply an event stored before a crash, and one whose worker died holding the lease', async () => {
      await connectUser(t.app.getHttpServer(), tenant.apiKey, 'crash-a', 'capped_creator');
      await connectUser(t.app.getHttpServer(), tenant.apiKey, 'crash-b', 'banned_creator');
      const [a, b] = [await connection('crash-a'), await connection('crash-b')];
      const repository = em().getRepository(TikTokWebhookReceipt) as TikTokWebhookReceiptRepository;
      const now = new Date();
      const stored = async (openId: string) =>
        (await repository.insertUnlessSeen({
          dedupKey: `crash-${openId}`,
          event: 'authorization.removed',
          userOpenId: openId,
          createTime: nowSec(),
          content: '{"reason":4}',
          nextAttemptAt: now,
          receivedAt: now,
        }))!;
      await stored(a.openId);
      const leasedId = await stored(b.openId);
      await em().nativeUpdate(
        TikTokWebhookReceipt,
        { id: leasedId },
        { leaseOwner: 'dead-worker', leaseUntil: new Date(now.getTime() + 30_000) },
      );

      const processor = t.app.get(TikTokWebhookEventsService);
      await processor.processDue(new Date());
      expect((await connection('crash-a')).status).toBe('disconnected');
      expect((await connection('crash-b')).status).toBe('active');

      await processor.processDue(new Date(now.getTime() + 60_000));
      expect((await connection('crash-b')).endedReason).toBe('authorization_removed:account_banned');
    });
  });

  it('should count received webhooks by event and outcome in /metrics', async () => {
    const metrics = await request(t.app.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.text).toMatch(
      /tiktok_webhooks_received_total\{event="authorization.removed",outcome="accepted"\} \d+/,
    );
    expect(metrics.text).toMatch(/tiktok_webhooks_received_total\{event="unverified",outcome="stale"\} \d+/);
    expect(metrics.text).toMatch(/tiktok_webhooks_received_total\{event="other",outcome="duplicate"\} \d+/);
  });
});
