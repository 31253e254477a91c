import { MikroORM } from '@mikro-orm/core';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Instance } from '../../src/instances/instance.entity';
import { Connection } from '../../src/tokens/connection.entity';
import { Upload, UploadStatus } from '../../src/uploads/upload.entity';
import { connectUser } from '../support/connect-flow';
import { createTenant, startTestApp, TestApp } from '../support/test-app';
import { FIXTURES, waitForFinal, H264_FIXTURE_VIDEO } from '../support/uploads';
import { WebhookReceiver } from '../support/webhook-receiver';

/** Three seconds: a heartbeat every second, so the test sees a holder go in a few seconds. */
const GONE_AFTER_SECONDS = 3;

// The rows of uploads received by other instances, as those instances leave them; this app is instance "here".
describe('Uploads held by another instance', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let apiKey: string;
  let connection: Connection;
  let keepAlive: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    t = await startTestApp({
      env: { INSTANCE_ID: 'here', INSTANCE_GONE_AFTER_SECONDS: String(GONE_AFTER_SECONDS) },
    });
    ({ apiKey } = await createTenant(t.app, { webhookUrl: receiver.url }));
    await connectUser(t.app.getHttpServer(), apiKey, 'held');
    connection = await t.app.get(MikroORM).em.fork().findOneOrFail(Connection, { userId: 'held' });
  });
  afterAll(async () => {
    clearInterval(keepAlive);
    await t?.close();
    await receiver?.close();
  });

  const em = () => t.app.get(MikroORM).em.fork();
  const beat = (id: string, lastSeenAt: Date) => em().upsert(Instance, { id, startedAt: lastSeenAt, lastSeenAt });
  const read = (id: string) => em().findOneOrFail(Upload, { id }, { disableIdentityMap: true });

  /** A one-chunk upload whose bytes are on `holder`'s disk (a copy sits here too: it must not be sent from here). */
  async function heldBy(holder: string, status: UploadStatus, name: string): Promise<string> {
    const spoolPath = join(t.config.uploads.spoolDir, `${name}.video`);
    copyFileSync(join(FIXTURES, 'h264.mp4'), spoolPath);
    const upload = em().create(Upload, {
      tenant: connection.tenant,
      userId: 'held',
      connectionId: connection.id,
      mode: 'direct',
      source: 'file',
      status,
      post: { privacyLevel: 'SELF_ONLY' },
      spoolPath,
      mediaHolder: holder,
      video: { ...H264_FIXTURE_VIDEO },
      chunkSize: 19877,
      totalChunks: 1,
      nextActionAt: new Date(),
      ...(status === 'processing' ? { publishId: `p_${name}`, uploadedBytes: 19877, uploadedChunks: 1 } : {}),
    });
    await em().persist(upload).flush();
    return upload.id;
  }

  it('should leave the uploads of a live holder alone and fail the waiting ones of a gone holder with media_unreachable', async () => {
    await beat('busy', new Date());
    keepAlive = setInterval(() => void beat('busy', new Date()), 500);
    await beat('gone', new Date(Date.now() - 60_000));
    const ofBusy = await heldBy('busy', 'queued', 'busy');
    const stranded = await heldBy('gone', 'queued', 'stranded');
    const polled = await heldBy('gone', 'processing', 'polled');

    const failed = await waitForFinal(t.app.getHttpServer(), apiKey, stranded, 20_000);
    expect(failed).toMatchObject({ status: 'failed', publishId: null, error: { code: 'media_unreachable' } });
    expect((failed.error as { message: string }).message).toContain('instance gone');
    await receiver.waitFor((received) =>
      received.some((r) => r.notification.type === 'upload.failed' && r.notification.data.id === stranded),
    );
    expect(receiver.ofType('upload.failed').filter((r) => r.notification.data.id === stranded)).toHaveLength(1);

    // TikTok has every byte of the processing one: no media needed, so any instance (this one) polls it now.
    expect(await read(polled)).toMatchObject({ mediaHolder: null });
    const statusFetches = async () =>
      (await t.control.requests()).filter((r) => r.path === '/v2/post/publish/status/fetch/').length;
    expect(await until(async () => (await statusFetches()) > 0)).toBe(true);
    // The gone holder's row is forgotten once nothing of it is left to fail.
    expect(await until(async () => !(await em().findOne(Instance, { id: 'gone' })))).toBe(true);
    // Never sent from here, though a file of that path exists on this disk too.
    expect(await read(ofBusy)).toMatchObject({ status: 'queued', publishId: null, mediaHolder: 'busy' });
    expect((await t.control.requests()).filter((r) => r.path.endsWith('/init/'))).toEqual([]);
  }, 90_000);
});

/** Polls `condition` until it holds or 20 s have passed (a loaded machine); returns its last answer. */
async function until(condition: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}
