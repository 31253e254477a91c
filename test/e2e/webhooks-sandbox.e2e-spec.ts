import { MikroORM } from '@mikro-orm/core';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { verifySignature } from '../../src/common/crypto/signature';
import { Connection } from '../../src/tokens/connection.entity';
import { OutboxDeliveryService } from '../../src/notifications/outbox-delivery.service';
import { TikTokWebhookReceipt } from '../../src/tiktok-webhooks/tiktok-webhook-receipt.entity';
import { connectUser } from '../support/connect-flow';
import { createTenant, startTestApp, TestApp } from '../support/test-app';
import { FIXTURES, postVideo, waitForFinal } from '../support/uploads';
import { eventually, WebhookReceiver } from '../support/webhook-receiver';

// The sandbox signs and sends its own webhooks to a gateway listening on a real port: the demo path, end to end.
describe('TikTok sandbox webhooks reaching the gateway', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let tenant: { id: string; apiKey: string; webhookSecret: string };

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    await t.control.setWebhookUrl(`http://127.0.0.1:${port}/api/tiktok/webhooks`);
    receiver = await WebhookReceiver.start();
    tenant = await createTenant(t.app, { webhookUrl: receiver.url });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const server = () => t.app.getHttpServer();
  const connection = (userId: string) =>
    t.app
      .get(MikroORM)
      .em.fork()
      .findOneOrFail(Connection, { tenant: tenant.id, userId }, { disableIdentityMap: true });
  const getUpload = async (id: string) =>
    (await request(server()).get(`/api/tiktok/uploads/${id}`).set('X-API-Key', tenant.apiKey).expect(200)).body as {
      status: string;
      postIds: string[];
      publishId: string;
    };

  it('should publish an inbox draft when the creator posts it in the app', async () => {
    await connectUser(server(), tenant.apiKey, 'drafter');
    const accepted = await postVideo(server(), tenant.apiKey, join(FIXTURES, 'h264.mp4'), { userId: 'drafter' });
    const delivered = await waitForFinal(server(), tenant.apiKey, accepted.body.id as string);
    expect(delivered.status).toBe('inbox_delivered');

    // Polling stops at inbox_delivered; only TikTok's webhooks can tell us what the creator did next.
    const publish = await t.control.completeInboxPublish(delivered.publishId as string);
    const published = await eventually(
      () => getUpload(delivered.id),
      (u) => u.status === 'published' && u.postIds.length === 1,
      20_000,
    );
    expect(published.postIds).toEqual(publish.postIds);
    expect(BigInt(published.postIds[0])).toBeGreaterThan(2n ** 53n);
    const deliveries = await t.control.webhookDeliveries();
    expect(deliveries.filter((d) => d.event.startsWith('post.publish.')).every((d) => d.delivered)).toBe(true);
  }, 60_000);

  it('should end the connection when the user removes the app in TikTok, and notify the tenant signed', async () => {
    await connectUser(server(), tenant.apiKey, 'remover', 'private_creator');
    const { openId } = await connection('remover');
    await t.control.removeAuthorization(openId, 2);
    const ended = await eventually(
      () => connection('remover'),
      (c) => c.status === 'disconnected',
    );
    expect(ended).toMatchObject({ endedReason: 'authorization_removed:account_deleted', refreshTokenCiphertext: null });
    await receiver.waitFor(() => receiver.ofType('connection.removed', 'remover').length === 1);
    const [notice] = receiver.ofType('connection.removed', 'remover');
    const nowSec = Math.floor(Date.now() / 1000);
    expect(verifySignature(notice.signature, tenant.webhookSecret, notice.body, nowSec, 300).ok).toBe(true);
    expect(notice.notification.data).toMatchObject({ userId: 'remover', status: 'not_connected' });
  });

  it('should notify a disconnect once, though TikTok then reports the revoke as authorization.removed', async () => {
    await connectUser(server(), tenant.apiKey, 'quitter', 'short_limit_creator');
    await request(server())
      .post('/api/tiktok/disconnect')
      .set('X-API-Key', tenant.apiKey)
      .send({ userId: 'quitter' })
      .expect(200);
    const { openId } = await connection('quitter');
    const handled = () =>
      t.app
        .get(MikroORM)
        .em.fork()
        .find(TikTokWebhookReceipt, { event: 'authorization.removed', userOpenId: openId, status: 'processed' });
    await eventually(handled, (rows) => rows.length === 1);
    await t.app.get(OutboxDeliveryService).deliverDue(new Date());
    await receiver.waitFor(() => receiver.ofType('connection.removed', 'quitter').length >= 1);
    expect(receiver.ofType('connection.removed', 'quitter')).toHaveLength(1);
    expect((await connection('quitter')).endedReason).toBe('disconnected');
  });
});
