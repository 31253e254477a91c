import { MikroORM } from '@mikro-orm/core';
import request from 'supertest';
import { OutboxDeliveryService } from '../../src/notifications/outbox-delivery.service';
import { OutboxMessage } from '../../src/notifications/outbox-message.entity';
import { OutboxService } from '../../src/notifications/outbox.service';
import { ADMIN_KEY, createTenant, startTestApp, TestApp } from '../support/test-app';
import { usingPostgres } from '../support/test-database';
import { eventually, WebhookReceiver } from '../support/webhook-receiver';

describe(`Tenant webhook targets on ${usingPostgres ? 'PostgreSQL' : 'SQLite'}`, () => {
  let strict: TestApp;
  let receiver: WebhookReceiver;
  let port: string;

  beforeAll(async () => {
    // No allow-list: what a production instance does by default.
    strict = await startTestApp({ env: { TENANT_WEBHOOK_ALLOW: '' } });
    receiver = await WebhookReceiver.start();
    port = new URL(receiver.url).port;
  });
  afterAll(async () => {
    await strict.close();
    await receiver.close();
  });

  const postTenant = (t: TestApp, webhookUrl: string) =>
    request(t.app.getHttpServer())
      .post('/api/admin/tenants')
      .set('X-Admin-Key', ADMIN_KEY)
      .send({ name: 'ssrf', webhookUrl });

  /** Enqueues a notification for the tenant and runs one delivery pass; returns the stored message afterwards. */
  async function deliverOne(t: TestApp, tenantId: string): Promise<OutboxMessage> {
    const em = t.app.get(MikroORM).em.fork();
    const id = (await em.transactional((tx) =>
      t.app.get(OutboxService).enqueue(tx, { tenantId, type: 'upload.updated', data: { uploadId: 'target-check' } }),
    ))!;
    await t.app.get(OutboxDeliveryService).deliverDue(new Date());
    return eventually(
      () => t.app.get(MikroORM).em.fork().findOneOrFail(OutboxMessage, { id }, { disableIdentityMap: true }),
      (message) => message.attempts >= 1,
    );
  }

  it.each([
    ['plain http', 'http://hooks.example.com/in'],
    ['loopback', 'https://127.0.0.1/in'],
    ['the unspecified address', 'https://0.0.0.0/in'],
    ['loopback in hex', 'https://0x7f000001/in'],
    ['a private address', 'https://10.0.0.5/in'],
    ['a CGNAT address', 'https://100.64.0.1/in'],
    ['the metadata address', 'https://169.254.169.254/latest/meta-data/'],
    ['the metadata host name', 'https://metadata.google.internal/computeMetadata/v1/'],
    ['IPv6 loopback', 'https://[::1]/in'],
    ['IPv4-mapped IPv6 loopback', 'https://[::ffff:127.0.0.1]/in'],
    ['an IPv6 unique-local address', 'https://[fd00::1]/in'],
    ['a user name and password', 'https://user:pass@hooks.example.com/in'],
  ])('should refuse a tenant whose webhookUrl uses %s with 400 validation_failed', async (_what, webhookUrl) => {
    const response = await postTenant(strict, webhookUrl).expect(400);
    expect(response.body.error).toMatchObject({ code: 'validation_failed', requestId: expect.any(String) });
    expect(response.body.error.message).toContain('webhookUrl');
  });

  it('should create nothing for a refused webhookUrl', async () => {
    await postTenant(strict, 'https://192.168.0.10/in').expect(400);
    const list = await request(strict.app.getHttpServer()).get('/api/admin/tenants').set('X-Admin-Key', ADMIN_KEY);
    expect(JSON.stringify(list.body)).not.toContain('192.168.0.10');
  });

  it('should explain the refusal without echoing more than the rule', async () => {
    const response = await postTenant(strict, 'https://[::ffff:7f00:1]:5432/in').expect(400);
    expect(response.body.error.message).toMatch(/loopback address.*TENANT_WEBHOOK_ALLOW/);
    expect(response.body.error.details).toEqual({ field: 'webhookUrl', rule: 'address', address: 'loopback' });
  });

  it('should refuse at send time a host name that resolves to loopback, with a plain reason and nothing sent', async () => {
    // localhost is a name, so creation cannot judge it; its addresses are checked when the notification goes out.
    const tenant = await createTenant(strict.app, { webhookUrl: `https://localhost:${port}/hooks` });
    const before = receiver.received.length;
    const message = await deliverOne(strict, tenant.id);
    expect(message.lastError).toBe('refused: the webhook URL resolves to a loopback address');
    expect(message.lastStatus).toBeNull();
    expect(receiver.received.length).toBe(before);

    const deliveries = await request(strict.app.getHttpServer())
      .get(`/api/admin/tenants/${tenant.id}/webhook-deliveries`)
      .set('X-Admin-Key', ADMIN_KEY)
      .expect(200);
    const text = JSON.stringify(deliveries.body);
    expect(text).toContain('refused: the webhook URL resolves to a loopback address');
    expect(text).not.toMatch(/ECONN|EPROTO|UND_ERR|SSL/);
  });

  it('should deliver over plain http to a host the allow-list names, which is refused without it', async () => {
    const url = `http://localhost:${port}/hooks`;
    await postTenant(strict, url).expect(400);

    const allowing = await startTestApp({ env: { TENANT_WEBHOOK_ALLOW: 'localhost' } });
    try {
      const tenant = await createTenant(allowing.app, { webhookUrl: url });
      const message = await deliverOne(allowing, tenant.id);
      expect(message).toMatchObject({ status: 'delivered', lastStatus: 200 });
      expect(receiver.delivered().some((r) => r.notification.id === message.id)).toBe(true);
    } finally {
      await allowing.close();
    }
  });
});
