import { MikroORM } from '@mikro-orm/core';
import request from 'supertest';
import { verifySignature } from '../../src/common/crypto/signature';
import { NotificationType } from '../../src/notifications/notification.types';
import { OutboxDeliveryService } from '../../src/notifications/outbox-delivery.service';
import { OutboxMessage } from '../../src/notifications/outbox-message.entity';
import { OutboxService } from '../../src/notifications/outbox.service';
import { connectUser } from '../support/connect-flow';
import { ADMIN_KEY, createTenant, startTestApp, TestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase, usingPostgres } from '../support/test-database';
import { eventually, WebhookReceiver } from '../support/webhook-receiver';

const MINUTE_MS = 60_000;

describe(`${OutboxDeliveryService.name} on ${usingPostgres ? 'PostgreSQL' : 'SQLite'}`, () => {
  let database: TestDatabase;
  let t: TestApp;
  let receiver: WebhookReceiver;
  let tenant: { id: string; apiKey: string; webhookSecret: string };

  beforeAll(async () => {
    database = await createTestDatabase();
    t = await startTestApp({ database });
    receiver = await WebhookReceiver.start();
    tenant = await createTenant(t.app, { webhookUrl: receiver.url });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
    await database.drop();
  });

  const nowSec = () => Math.floor(Date.now() / 1000);
  const message = (app: TestApp, id: string) =>
    app.app.get(MikroORM).em.fork().findOneOrFail(OutboxMessage, { id }, { disableIdentityMap: true });

  /** Enqueues like a state change does: inside a transaction, with that transaction's EntityManager. */
  async function enqueue(app: TestApp, type: NotificationType, data: object, orderingKey?: string): Promise<string> {
    const outbox = app.app.get(OutboxService);
    const id = await app.app
      .get(MikroORM)
      .em.fork()
      .transactional((em) => outbox.enqueue(em, { tenantId: tenant.id, type, data, orderingKey }));
    return id!;
  }

  it('should deliver connection.connected signed with the tenant’s secret, carrying no token', async () => {
    await connectUser(t.app.getHttpServer(), tenant.apiKey, 'signed');
    await receiver.waitFor(() => receiver.ofType('connection.connected', 'signed').length === 1);
    const [received] = receiver.ofType('connection.connected', 'signed');
    expect(verifySignature(received.signature, tenant.webhookSecret, received.body, nowSec(), 300)).toMatchObject({
      ok: true,
    });
    expect(verifySignature(received.signature, 'whsec_wrong', received.body, nowSec(), 300).ok).toBe(false);
    expect(received.notification).toEqual({
      id: expect.any(String),
      type: 'connection.connected',
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data: expect.objectContaining({ userId: 'signed', status: 'active', openId: expect.any(String) }),
    });
    expect(received.body).not.toMatch(/token|secret/i);
  });

  it('should retry after the receiver fails and deliver the same notification', async () => {
    receiver.failNext(1, 503);
    const id = await enqueue(t, 'upload.updated', { uploadId: 'u-retry', status: 'processing' });
    await eventually(
      () => message(t, id),
      (m) => m.attempts === 1,
    );
    expect(await message(t, id)).toMatchObject({ status: 'pending', lastStatus: 503 });

    // Backoff has the retry due in seconds; pass time in rather than wait.
    await t.app.get(OutboxDeliveryService).deliverDue(new Date(Date.now() + 10 * MINUTE_MS));
    const delivered = await eventually(
      () => message(t, id),
      (m) => m.status === 'delivered',
    );
    expect(delivered.attempts).toBe(2);
    const copies = receiver.received.filter((r) => r.notification.id === id);
    expect(copies.map((c) => c.answeredStatus)).toEqual([503, 200]);
    expect(copies[0].body).toBe(copies[1].body);
  });

  it('should send one ordering key strictly in order, never the next before the previous succeeded', async () => {
    receiver.failNext(1);
    const key = 'upload-ordered';
    const ids: string[] = [];
    for (const status of ['uploading', 'processing', 'inbox_delivered']) {
      ids.push(await enqueue(t, 'upload.updated', { uploadId: key, status }, key));
    }
    await eventually(
      () => message(t, ids[0]),
      (m) => m.attempts === 1,
    );
    await t.app.get(OutboxDeliveryService).deliverDue(new Date());
    expect(receiver.received.filter((r) => ids.slice(1).includes(r.notification.id))).toEqual([]);

    await t.app.get(OutboxDeliveryService).deliverDue(new Date(Date.now() + 10 * MINUTE_MS));
    await receiver.waitFor(() => receiver.delivered().filter((r) => ids.includes(r.notification.id)).length === 3);
    const order = receiver.received.filter((r) => ids.includes(r.notification.id)).map((r) => r.notification.id);
    expect(order).toEqual([ids[0], ids[0], ids[1], ids[2]]);
  });

  it('should give up after 24 hours and then let the rest of the key through', async () => {
    const key = 'upload-doomed';
    receiver.failWhere((n) => n.type === 'upload.failed' && n.data.uploadId === key);
    const doomed = await enqueue(t, 'upload.failed', { uploadId: key }, key);
    const next = await enqueue(t, 'upload.updated', { uploadId: key }, key);
    const dayLater = new Date(Date.now() + 25 * 60 * MINUTE_MS);
    await t.app.get(OutboxDeliveryService).deliverDue(dayLater);
    expect(await message(t, doomed)).toMatchObject({ status: 'failed', lastStatus: 500 });
    expect(await message(t, next)).toMatchObject({ status: 'delivered' });
    receiver.stopFailing();
  });

  it('should hand each message to exactly one of two instances sending at once', async () => {
    const other = await startTestApp({ database, sandbox: t.sandbox });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 20; i += 1) ids.push(await enqueue(t, 'upload.updated', { uploadId: `pair-${i}` }));
      // Due now, by the same clock as both instances' own delivery jobs: a pass a minute ahead would see their
      // 60-second leases as lapsed and send again.
      const later = new Date(Date.now() + 1000);
      await Promise.all([
        t.app.get(OutboxDeliveryService).deliverDue(later),
        other.app.get(OutboxDeliveryService).deliverDue(later),
      ]);
      await receiver.waitFor(() => ids.every((id) => receiver.received.some((r) => r.notification.id === id)));
      for (const id of ids) expect(receiver.received.filter((r) => r.notification.id === id)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('should lose nothing across a restart, including a message whose sender died mid-send', async () => {
    receiver.failWhere(() => true);
    const queued = await enqueue(t, 'connection.reauth_required', { userId: 'restart-1' });
    const inFlight = await enqueue(t, 'connection.removed', { userId: 'restart-2' });
    await eventually(
      () => message(t, queued),
      (m) => m.attempts >= 1,
    );
    // A sender that took the lease and then died: the row stays leased until the lease runs out.
    await t.app
      .get(MikroORM)
      .em.fork()
      .nativeUpdate(
        OutboxMessage,
        { id: inFlight },
        { leaseOwner: 'dead', leaseUntil: new Date(Date.now() + MINUTE_MS), attempts: 1 },
      );
    await t.close();
    receiver.stopFailing();

    t = await startTestApp({ database });
    await t.app.get(OutboxDeliveryService).deliverDue(new Date(Date.now() + 2 * MINUTE_MS));
    await receiver.waitFor(() =>
      [queued, inFlight].every((id) => receiver.delivered().some((r) => r.notification.id === id)),
    );
    expect(await message(t, queued)).toMatchObject({ status: 'delivered' });
    expect(await message(t, inFlight)).toMatchObject({ status: 'delivered' });
  });

  describe('admin', () => {
    it('should list recent deliveries with their outcome, newest first', async () => {
      const response = await request(t.app.getHttpServer())
        .get(`/api/admin/tenants/${tenant.id}/webhook-deliveries?limit=100`)
        .set('X-Admin-Key', ADMIN_KEY)
        .expect(200);
      const items = response.body.items as { type: string; outcome: string; attempts: number; lastStatus: number }[];
      expect(items.length).toBeGreaterThan(5);
      expect(items).toContainEqual(expect.objectContaining({ type: 'upload.failed', outcome: 'failed' }));
      expect(items).toContainEqual(
        expect.objectContaining({ type: 'upload.updated', outcome: 'delivered', attempts: 2, lastStatus: 200 }),
      );
      expect(JSON.stringify(response.body)).not.toMatch(/whsec_|127\.0\.0\.1/);
    });

    it('should refuse the deliveries list without the admin key and answer 404 for an unknown tenant', async () => {
      await request(t.app.getHttpServer()).get(`/api/admin/tenants/${tenant.id}/webhook-deliveries`).expect(401);
      await request(t.app.getHttpServer())
        .get('/api/admin/tenants/6f1c1d1e-0000-4000-8000-000000000000/webhook-deliveries')
        .set('X-Admin-Key', ADMIN_KEY)
        .expect(404);
    });

    it('should rotate the webhook secret, show the new one once, and sign from then on with it', async () => {
      const rotated = await request(t.app.getHttpServer())
        .post(`/api/admin/tenants/${tenant.id}/webhook-secret`)
        .set('X-Admin-Key', ADMIN_KEY)
        .expect(201);
      const secret = (rotated.body as { webhookSecret: string }).webhookSecret;
      expect(secret).toMatch(/^whsec_/);
      expect(secret).not.toBe(tenant.webhookSecret);

      const id = await enqueue(t, 'upload.completed', { uploadId: 'after-rotation' });
      await t.app.get(OutboxDeliveryService).deliverDue(new Date());
      await receiver.waitFor(() => receiver.delivered().some((r) => r.notification.id === id));
      const received = receiver.delivered().find((r) => r.notification.id === id)!;
      expect(verifySignature(received.signature, secret, received.body, nowSec(), 300).ok).toBe(true);
      expect(verifySignature(received.signature, tenant.webhookSecret, received.body, nowSec(), 300).ok).toBe(false);
    });
  });

  it('should report the outbox backlog and notification outcomes in /metrics', async () => {
    const metrics = await request(t.app.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/gateway_outbox_backlog \d+/);
    expect(metrics.text).toMatch(/gateway_outbox_oldest_pending_age_seconds \d+/);
    expect(metrics.text).toMatch(/gateway_notifications_total\{type="upload.updated",outcome="retry"\} \d+/);
  });
});
