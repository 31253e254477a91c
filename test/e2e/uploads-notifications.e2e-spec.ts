import { join } from 'node:path';
import { verifySignature } from '../../src/common/crypto/signature';
import { connectUser } from '../support/connect-flow';
import { createTenant, startTestApp, TestApp } from '../support/test-app';
import { FIXTURES, postVideo, waitForFinal } from '../support/uploads';
import { WebhookReceiver } from '../support/webhook-receiver';

describe('Upload notifications to the tenant', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let tenant: { apiKey: string; webhookSecret: string };

  beforeAll(async () => {
    t = await startTestApp();
    receiver = await WebhookReceiver.start();
    tenant = await createTenant(t.app, { webhookUrl: receiver.url });
    await connectUser(t.app.getHttpServer(), tenant.apiKey, 'notified');
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('should send upload.updated for every status change and upload.completed once, in order and signed', async () => {
    const accepted = await postVideo(t.app.getHttpServer(), tenant.apiKey, join(FIXTURES, 'h264.mp4'), {
      userId: 'notified',
      mode: 'direct',
      privacyLevel: 'PUBLIC_TO_EVERYONE',
    }).expect(202);
    const done = await waitForFinal(t.app.getHttpServer(), tenant.apiKey, accepted.body.id as string);
    expect(done.status).toBe('published');
    const mine = () => receiver.received.filter((r) => r.notification.data.id === accepted.body.id);
    await receiver.waitFor(() => mine().some((r) => r.notification.type === 'upload.completed'));
    // The post id can arrive later by TikTok's webhook; wait for the stream to settle.
    await new Promise((r) => setTimeout(r, 1500));

    const statuses = mine()
      .filter((r) => r.notification.type === 'upload.updated')
      .map((r) => r.notification.data.status as string);
    expect(statuses.slice(0, 3)).toEqual(['uploading', 'processing', 'published']);
    expect(mine().filter((r) => r.notification.type === 'upload.completed')).toHaveLength(1);
    for (const received of mine()) {
      expect(
        verifySignature(received.signature, tenant.webhookSecret, received.body, Math.floor(Date.now() / 1000), 300).ok,
      ).toBe(true);
    }
    const order = mine().map((r) => Date.parse(r.notification.occurredAt));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("should send upload.failed with TikTok's reason", async () => {
    await t.control.failPublish('spam_risk_text');
    const accepted = await postVideo(t.app.getHttpServer(), tenant.apiKey, join(FIXTURES, 'h264.mp4'), {
      userId: 'notified',
      mode: 'direct',
      privacyLevel: 'SELF_ONLY',
    }).expect(202);
    await waitForFinal(t.app.getHttpServer(), tenant.apiKey, accepted.body.id as string);
    await receiver.waitFor(() =>
      receiver.ofType('upload.failed').some((r) => r.notification.data.id === accepted.body.id),
    );
    const [failed] = receiver.ofType('upload.failed').filter((r) => r.notification.data.id === accepted.body.id);
    expect(failed.notification.data).toMatchObject({ status: 'failed', failReason: 'spam_risk_text' });
  });
});
