import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { Clock } from '../../src/common/clock';
import { SANDBOX_ACCOUNTS } from '../../src/tiktok-sandbox/sandbox-control';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import { SpoolSweeper } from '../../src/uploads/intake/spool-sweeper';
import { CONTENT_INIT, startPhotoServer, stopServer } from '../sandbox/photo-kit';
import { connectUser } from '../support/connect-flow';
import { Server } from 'node:http';
import { createTenant, startTestApp, startTestSandbox, TestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { FIXTURES, postVideo, UploadBody, waitForFinal, waitForUpload } from '../support/uploads';
import { eventually, WebhookReceiver } from '../support/webhook-receiver';

const MINUTE = 60_000;
const VIDEO = join(FIXTURES, 'h264.mp4');
const direct = { mode: 'direct', privacyLevel: 'SELF_ONLY' };

/** The app's injected clock, moved ahead by hand: "publishAt has come" without waiting a minute. */
function shiftableClock(t: TestApp) {
  const clock = t.app.get(Clock);
  let offsetMs = 0;
  clock.now = () => new Date(Date.now() + offsetMs);
  return {
    now: () => clock.now(),
    advance: (ms: number) => (offsetMs += ms),
    set: (ms: number) => (offsetMs = ms),
  };
}

/** An instant as ISO 8601 with a +02:00 offset, as a caller in another time zone sends it. */
function withOffset(at: Date): string {
  const local = new Date(at.getTime() + 2 * 3_600_000).toISOString().replace('Z', '');
  return `${local}+02:00`;
}

/** TikTok's posting API (creator_info, init, status): nothing of a scheduled post may reach it early. */
const isPostingCall = (path: string) => path.startsWith('/v2/post/publish/');

describe('Scheduled publishing', () => {
  let sandbox: TikTokSandbox;
  let database: TestDatabase;
  let spoolDir: string;
  let t: TestApp;
  let clock: ReturnType<typeof shiftableClock>;
  let receiver: WebhookReceiver;
  let apiKey: string;
  let photoServer: { server: Server; base: string };

  const server = () => t.app.getHttpServer();
  const postingCalls = async () => (await t.control.requests()).filter((r) => isPostingCall(r.path));
  const start = (env: Record<string, string> = {}) =>
    startTestApp({ sandbox, database, env: { UPLOAD_SPOOL_DIR: spoolDir, ...env } });

  function schedule(userId: string, publishAt: string, fields: Record<string, string> = direct) {
    return postVideo(server(), apiKey, VIDEO, { userId, ...fields, publishAt });
  }

  beforeAll(async () => {
    photoServer = await startPhotoServer();
    // TikTok pulls photo URLs only under verified prefixes; the gateway leaves that to TikTok here (no
    // TIKTOK_VERIFIED_URL_PREFIXES), so the other tests' unverified videoUrl stays accepted while scheduled.
    sandbox = await startTestSandbox({ verifiedUrlPrefixes: [`${photoServer.base}/photos/`] });
    database = await createTestDatabase();
    spoolDir = mkdtempSync(join(tmpdir(), 'tgw-scheduled-'));
    t = await start();
    clock = shiftableClock(t);
    receiver = await WebhookReceiver.start();
    ({ apiKey } = await createTenant(t.app, { webhookUrl: receiver.url }));
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
    await sandbox.stop();
    await stopServer(photoServer.server);
    await database.drop();
    rmSync(spoolDir, { recursive: true, force: true });
  });
  afterEach(() => clock.set(0));

  it('should start a scheduled video within 5 s after publishAt and send nothing to TikTok before (real time)', async () => {
    await connectUser(server(), apiKey, 'real-time');
    const callsBefore = (await postingCalls()).length;
    const publishAt = new Date(Date.now() + MINUTE + 1500);
    const accepted = await schedule('real-time', withOffset(publishAt)).expect(202);
    expect(accepted.body).toMatchObject({ status: 'scheduled', publishAt: publishAt.toISOString() });

    await sleep(publishAt.getTime() - Date.now() - 1000);
    expect(await postingCalls()).toHaveLength(callsBefore);
    const started = await waitForUpload(
      server(),
      apiKey,
      accepted.body.id as string,
      (u) => u.status !== 'scheduled',
      10_000,
      50,
    );
    expect(Date.now() - publishAt.getTime()).toBeLessThan(5000);
    expect(started.status).not.toBe('failed');
    const calls = (await postingCalls()).slice(callsBefore);
    expect(calls[0]).toMatchObject({ path: '/v2/post/publish/creator_info/query/' });
    expect(calls[0]!.time).toBeGreaterThanOrEqual(publishAt.getTime());
    expect((await waitForFinal(server(), apiKey, accepted.body.id as string)).status).toBe('published');
  }, 90_000);

  it('should refuse a malformed, past or too distant publishAt with 400 naming the rule, as JSON and multipart', async () => {
    await connectUser(server(), apiKey, 'validated');
    const now = Date.now();
    const cases: [string, string][] = [
      ['tomorrow at noon', 'format'],
      ['2030-01-01T12:00:00', 'format'],
      [new Date(now - MINUTE).toISOString(), 'too_soon'],
      [new Date(now + 30_000).toISOString(), 'too_soon'],
      [new Date(now + 31 * 86_400_000).toISOString(), 'too_far'],
    ];
    for (const [publishAt, rule] of cases) {
      const form = await schedule('validated', publishAt).expect(400);
      expect(form.body.error).toMatchObject({ code: 'validation_failed', details: { field: 'publishAt', rule } });
      expect(form.body.error.message).toContain('publishAt');
      const json = await request(server())
        .post('/api/tiktok/upload')
        .set('X-API-Key', apiKey)
        .send({ userId: 'validated', videoUrl: 'https://media.example.com/a.mp4', publishAt })
        .expect(400);
      expect(json.body.error).toMatchObject({ code: 'validation_failed', details: { rule } });
    }
    const inThirtyDays = new Date(now + 30 * 86_400_000 - MINUTE).toISOString();
    const far = await schedule('validated', inThirtyDays).expect(202);
    await request(server()).delete(`/api/tiktok/uploads/${far.body.id}`).set('X-API-Key', apiKey).expect(200);
  });

  it('should move a scheduled post with PATCH and cancel it with DELETE, deleting its media, telling the tenant', async () => {
    await connectUser(server(), apiKey, 'mover');
    const callsBefore = (await postingCalls()).length;
    const first = new Date(clock.now().getTime() + 5 * MINUTE);
    const accepted = await schedule('mover', first.toISOString()).expect(202);
    const id = accepted.body.id as string;
    const listed = await request(server())
      .get('/api/tiktok/uploads?userId=mover&status=scheduled')
      .set('X-API-Key', apiKey)
      .expect(200);
    expect((listed.body.items as UploadBody[]).map((u) => u.id)).toEqual([id]);

    const later = new Date(first.getTime() + 60 * MINUTE);
    const moved = await request(server())
      .patch(`/api/tiktok/uploads/${id}`)
      .set('X-API-Key', apiKey)
      .send({ publishAt: later.toISOString() })
      .expect(200);
    expect(moved.body).toMatchObject({ status: 'scheduled', publishAt: later.toISOString() });
    const bad = await request(server())
      .patch(`/api/tiktok/uploads/${id}`)
      .set('X-API-Key', apiKey)
      .send({ publishAt: 'next week' })
      .expect(400);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', details: { rule: 'format' } });

    clock.advance(10 * MINUTE); // past the first time, not the new one
    await sleep(1500);
    expect((await request(server()).get(`/api/tiktok/uploads/${id}`).set('X-API-Key', apiKey)).body.status).toBe(
      'scheduled',
    );
    const files = await t.app.get(SpoolSweeper).sweep(new Date(Date.now() + 3 * 3_600_000));
    expect(files).toEqual([]);

    const cancelled = await request(server()).delete(`/api/tiktok/uploads/${id}`).set('X-API-Key', apiKey).expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    await eventually(storedFiles, (files) => files.length === 0);
    expect(await postingCalls()).toHaveLength(callsBefore);

    await receiver.waitFor(() => updates(id).includes('cancelled'));
    expect(updates(id)).toEqual(['scheduled', 'scheduled', 'cancelled']);
    const publishAts = receiver
      .ofType('upload.updated')
      .filter((r) => r.notification.data.id === id)
      .map((r) => r.notification.data.publishAt);
    expect(publishAts.slice(0, 2)).toEqual([first.toISOString(), later.toISOString()]);
  });

  it('should answer 409 to PATCH once the post has started, and start it with upload.updated', async () => {
    await connectUser(server(), apiKey, 'starter');
    const accepted = await schedule('starter', new Date(clock.now().getTime() + 2 * MINUTE).toISOString()).expect(202);
    const id = accepted.body.id as string;
    clock.advance(2 * MINUTE);
    expect((await waitForFinal(server(), apiKey, id)).status).toBe('published');
    const patched = await request(server())
      .patch(`/api/tiktok/uploads/${id}`)
      .set('X-API-Key', apiKey)
      .send({ publishAt: new Date(clock.now().getTime() + 5 * MINUTE).toISOString() })
      .expect(409);
    expect(patched.body.error).toMatchObject({ code: 'conflict', details: { status: 'published' } });
    await request(server()).delete(`/api/tiktok/uploads/${id}`).set('X-API-Key', apiKey).expect(409);
    await receiver.waitFor(() => updates(id).includes('published'));
    expect(updates(id).slice(0, 2)).toEqual(['scheduled', 'queued']);
  });

  it('should fail a Direct Post whose privacy level the creator no longer offers, telling the tenant', async () => {
    await connectUser(server(), apiKey, 'went-private');
    const accepted = await schedule('went-private', new Date(clock.now().getTime() + 2 * MINUTE).toISOString(), {
      mode: 'direct',
      privacyLevel: 'PUBLIC_TO_EVERYONE',
    }).expect(202);
    const id = accepted.body.id as string;
    const initsBefore = (await postingCalls()).filter((r) => r.path.endsWith('/init/')).length;
    await t.control.changeAccountSettings(SANDBOX_ACCOUNTS.creator.openId, { privateAccount: true });
    try {
      clock.advance(2 * MINUTE);
      const failed = await waitForFinal(server(), apiKey, id);
      expect(failed).toMatchObject({ status: 'failed', error: { code: 'privacy_level_unavailable' } });
      expect((failed.error as { message: string }).message).toContain('PUBLIC_TO_EVERYONE');
      expect((await postingCalls()).filter((r) => r.path.endsWith('/init/'))).toHaveLength(initsBefore);
      await receiver.waitFor(() => receiver.ofType('upload.failed').some((r) => r.notification.data.id === id));
    } finally {
      await t.control.changeAccountSettings(SANDBOX_ACCOUNTS.creator.openId, { privateAccount: false });
    }
  });

  it('should warn while scheduled when the connection needs re-authorization, then fail at publishAt', async () => {
    await connectUser(server(), apiKey, 'lapsing', 'refresh_fails');
    const accepted = await schedule('lapsing', new Date(clock.now().getTime() + 10 * MINUTE).toISOString()).expect(202);
    const id = accepted.body.id as string;
    await t.control.expireUserAccessTokens(SANDBOX_ACCOUNTS.refresh_fails.openId);
    // Any use of the token now finds it dead and the refresh refused: the connection turns reauth_required.
    await request(server()).get('/api/tiktok/creator-info?userId=lapsing').set('X-API-Key', apiKey).expect(409);
    const warned = await waitForUpload(server(), apiKey, id, (u) => u.error !== null, 10_000, 100);
    expect(warned).toMatchObject({ status: 'scheduled', error: { code: 'reauth_required' } });
    await receiver.waitFor(() =>
      receiver
        .ofType('upload.updated')
        .some((r) => r.notification.data.id === id && (r.notification.data.error as { code?: string })?.code),
    );
    clock.advance(10 * MINUTE);
    const failed = await waitForFinal(server(), apiKey, id);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'reauth_required' } });
  });

  it('should warn a scheduled inbox draft whose user disconnected, fail it at publishAt and send TikTok nothing', async () => {
    await connectUser(server(), apiKey, 'leaver');
    const accepted = await schedule('leaver', new Date(clock.now().getTime() + 10 * MINUTE).toISOString(), {
      mode: 'inbox',
    }).expect(202);
    const id = accepted.body.id as string;
    const callsBefore = (await postingCalls()).length;
    await request(server()).post('/api/tiktok/disconnect').set('X-API-Key', apiKey).send({ userId: 'leaver' });
    const warned = await waitForUpload(server(), apiKey, id, (u) => u.error !== null, 10_000, 100);
    expect(warned).toMatchObject({ status: 'scheduled', error: { code: 'not_connected' } });
    clock.advance(10 * MINUTE);
    expect(await waitForFinal(server(), apiKey, id)).toMatchObject({
      status: 'failed',
      error: { code: 'not_connected' },
    });
    expect(await postingCalls()).toHaveLength(callsBefore);
    expect(updates(id)).not.toContain('queued');
  });

  it('should schedule a photo post by the same rules: nothing before publishAt, creator_info then the content init', async () => {
    await connectUser(server(), apiKey, 'photographer');
    const body = (publishAt: string) => ({
      userId: 'photographer',
      mode: 'direct',
      privacyLevel: 'SELF_ONLY',
      photoUrls: [`${photoServer.base}/photos/photo-640x360.jpg`],
      publishAt,
    });
    const postPhotos = (publishAt: string) =>
      request(server()).post('/api/tiktok/photos').set('X-API-Key', apiKey).send(body(publishAt));
    const soon = await postPhotos(new Date(clock.now().getTime() + 30_000).toISOString()).expect(400);
    expect(soon.body.error).toMatchObject({ code: 'validation_failed', details: { rule: 'too_soon' } });
    const callsBefore = (await postingCalls()).length;
    const publishAt = new Date(clock.now().getTime() + 2 * MINUTE);
    const accepted = await postPhotos(withOffset(publishAt)).expect(202);
    expect(accepted.body).toMatchObject({
      mediaType: 'photo',
      status: 'scheduled',
      publishAt: publishAt.toISOString(),
    });
    await sleep(1000);
    expect(await postingCalls()).toHaveLength(callsBefore);

    clock.advance(2 * MINUTE);
    expect((await waitForFinal(server(), apiKey, accepted.body.id as string)).status).toBe('published');
    const paths = (await postingCalls()).slice(callsBefore).map((r) => r.path);
    expect(paths.slice(0, 2)).toEqual(['/v2/post/publish/creator_info/query/', CONTENT_INIT]);
  });

  it("should refuse a creator's 16th Direct Post within 24 hours with schedule_cap_exceeded", async () => {
    await connectUser(server(), apiKey, 'busy', 'short_limit_creator');
    const base = clock.now().getTime() + 60 * MINUTE;
    const post = (at: number) =>
      request(server())
        .post('/api/tiktok/upload')
        .set('X-API-Key', apiKey)
        .send({
          userId: 'busy',
          videoUrl: 'https://media.example.com/clip.mp4',
          ...direct,
          publishAt: new Date(at).toISOString(),
        });
    const ids: string[] = [];
    for (let i = 0; i < 15; i++) ids.push((await post(base + i * MINUTE).expect(202)).body.id as string);
    const refused = await post(base + 23 * 60 * MINUTE).expect(409);
    expect(refused.body.error).toMatchObject({
      code: 'schedule_cap_exceeded',
      details: { limit: 15, count: 16, windowStart: new Date(base).toISOString() },
    });
    const nextDay = await post(base + 25 * 60 * MINUTE).expect(202);
    const movedIn = await request(server())
      .patch(`/api/tiktok/uploads/${nextDay.body.id}`)
      .set('X-API-Key', apiKey)
      .send({ publishAt: new Date(base + 30 * MINUTE).toISOString() })
      .expect(409);
    expect(movedIn.body.error.code).toBe('schedule_cap_exceeded');
    // Inbox drafts are not Direct Posts: TikTok's daily post cap does not count them.
    const inbox = await post(base + 30 * MINUTE)
      .send({ mode: 'inbox' })
      .expect(202);
    for (const id of [...ids, nextDay.body.id as string, inbox.body.id as string]) {
      await request(server()).delete(`/api/tiktok/uploads/${id}`).set('X-API-Key', apiKey).expect(200);
    }
  });

  it('should start a scheduled post once after a restart on the same database and storage', async () => {
    await connectUser(server(), apiKey, 'restarted');
    const accepted = await schedule('restarted', new Date(clock.now().getTime() + 2 * MINUTE).toISOString()).expect(
      202,
    );
    const id = accepted.body.id as string;
    const initsBefore = (await postingCalls()).filter((r) => r.path.endsWith('/init/')).length;
    const offset = clock.now().getTime() - Date.now();
    await t.close({ keepSpool: true });
    const restartedAt = Date.now();
    t = await start();
    clock = shiftableClock(t);
    clock.set(offset + 2 * MINUTE);
    expect((await waitForFinal(server(), apiKey, id)).status).toBe('published');
    expect((await postingCalls()).filter((r) => r.path.endsWith('/init/'))).toHaveLength(initsBefore + 1);
    expect((await t.control.violations()).filter((v) => v.time >= restartedAt)).toEqual([]);
  });

  it('should init a scheduled post exactly once with two instances on one database', async () => {
    await connectUser(server(), apiKey, 'contested');
    const other = await start();
    try {
      const otherClock = shiftableClock(other);
      const accepted = await schedule('contested', new Date(clock.now().getTime() + 2 * MINUTE).toISOString()).expect(
        202,
      );
      const id = accepted.body.id as string;
      const initsBefore = (await postingCalls()).filter((r) => r.path.endsWith('/init/')).length;
      clock.advance(2 * MINUTE);
      otherClock.advance(2 * MINUTE);
      expect((await waitForFinal(server(), apiKey, id)).status).toBe('published');
      const inits = (await postingCalls()).filter((r) => r.path.endsWith('/init/'));
      expect(inits).toHaveLength(initsBefore + 1);
      await sleep(1000);
      expect(updates(id).filter((status) => status === 'queued')).toHaveLength(1);
    } finally {
      await other.close({ keepSpool: true });
    }
  });

  function updates(id: string): string[] {
    return receiver
      .ofType('upload.updated')
      .filter((r) => r.notification.data.id === id)
      .map((r) => r.notification.data.status as string);
  }

  async function storedFiles(): Promise<string[]> {
    return Promise.resolve(readdirSync(spoolDir));
  }
});
