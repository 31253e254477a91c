import { MikroORM } from '@mikro-orm/core';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { Connection } from '../../src/tokens/connection.entity';
import { Upload } from '../../src/uploads/upload.entity';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import { connectUser } from '../support/connect-flow';
import { makeLargeVideo } from '../support/make-large-video';
import { createTenant, startTestApp, startTestSandbox, TestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { eventually } from '../support/webhook-receiver';
import {
  chunksSent,
  FIXTURES,
  postVideo,
  UploadBody,
  waitForFinal,
  waitForUpload,
  H264_FIXTURE_VIDEO,
} from '../support/uploads';
import { MIN_CHUNK_BYTES } from '../../src/tiktok-api/tiktok-limits';

/** TikTok's smallest chunk (5 MiB). */
const MB5 = MIN_CHUNK_BYTES;
const direct = { mode: 'direct', privacyLevel: 'SELF_ONLY' };

describe('Uploads across restarts and refusals', () => {
  let sandbox: TikTokSandbox;
  let database: TestDatabase;
  let t: TestApp;
  let apiKey: string;
  let work: string;
  const env = { UPLOAD_CHUNK_BYTES: String(MB5) };

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    database = await createTestDatabase();
    t = await startTestApp({ sandbox, database, env });
    ({ apiKey } = await createTenant(t.app));
    work = mkdtempSync(join(tmpdir(), 'tgw-restart-'));
  });
  afterAll(async () => {
    await t.close();
    await sandbox.stop();
    await database.drop();
    rmSync(t.config.uploads.spoolDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('should resume a multi-chunk upload from the last acknowledged byte after a restart', async () => {
    await connectUser(t.app.getHttpServer(), apiKey, 'restarter');
    const video = await makeLargeVideo(4 * MB5 + 99, work);
    await t.control.setLatency(300);
    const accepted = await postVideo(t.app.getHttpServer(), apiKey, video, { userId: 'restarter', ...direct }).expect(
      202,
    );
    await waitForUpload(t.app.getHttpServer(), apiKey, accepted.body.id as string, (u) => chunksSent(u) >= 1);
    const spoolDir = t.config.uploads.spoolDir;
    await t.close({ keepSpool: true }); // stops between chunks; the spooled video stays for the next instance
    await t.control.setLatency(0);

    t = await startTestApp({ sandbox, database, env: { ...env, UPLOAD_SPOOL_DIR: spoolDir } });
    const done = await waitForFinal(t.app.getHttpServer(), apiKey, accepted.body.id as string);
    expect(done).toMatchObject({ status: 'published', progress: { uploadedChunks: 4, totalChunks: 4 } });
    const publishes = await t.control.publishes();
    expect(publishes.filter((p) => p.status === 'PUBLISH_COMPLETE')).toHaveLength(1);
    expect((await t.control.stats()).inits.every((group) => group.count === 1)).toBe(true);
    expect(await t.control.violations()).toEqual([]);
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it('should never send an init twice: an init whose answer was lost in a crash ends failed', async () => {
    await connectUser(t.app.getHttpServer(), apiKey, 'crashed');
    const em = t.app.get(MikroORM).em.fork();
    const connection = await em.findOneOrFail(Connection, { userId: 'crashed' });
    const spoolPath = join(t.config.uploads.spoolDir, 'crashed.video');
    copyFileSync(join(FIXTURES, 'h264.mp4'), spoolPath);
    const initsBefore = (await t.control.requests()).filter((r) => r.path.endsWith('/init/')).length;
    // The row as a process leaves it when it dies after sending an init and before storing TikTok's answer.
    const upload = em.create(Upload, {
      tenant: connection.tenant,
      userId: 'crashed',
      connectionId: connection.id,
      mode: 'direct',
      source: 'file',
      post: { privacyLevel: 'SELF_ONLY' },
      spoolPath,
      video: { ...H264_FIXTURE_VIDEO },
      chunkSize: 19877,
      totalChunks: 1,
      initStartedAt: new Date(Date.now() - 5000),
      nextActionAt: new Date(),
    });
    await em.persist(upload).flush();
    const done = await waitForFinal(t.app.getHttpServer(), apiKey, upload.id);
    expect(done).toMatchObject({ status: 'failed', publishId: null, error: { code: 'init_outcome_unknown' } });
    expect((await t.control.requests()).filter((r) => r.path.endsWith('/init/')).length).toBe(initsBefore);
    // The file goes right after the final status is committed, so a read in between may still see it.
    await eventually(
      async () => existsSync(spoolPath),
      (present) => !present,
      5_000,
    );
  });

  it('should wait in queued after TikTok answers an init with 429, then succeed', async () => {
    await connectUser(t.app.getHttpServer(), apiKey, 'throttled');
    await t.control.rateLimitNextInits(1);
    const accepted = await postVideo(t.app.getHttpServer(), apiKey, join(FIXTURES, 'h264.mp4'), {
      userId: 'throttled',
      ...direct,
    }).expect(202);
    await new Promise((r) => setTimeout(r, 1500));
    const waiting = (
      await request(t.app.getHttpServer()).get(`/api/tiktok/uploads/${accepted.body.id}`).set('X-API-Key', apiKey)
    ).body as UploadBody;
    expect(waiting).toMatchObject({
      status: 'queued',
      error: { code: 'tiktok_error', tiktokCode: 'rate_limit_exceeded', logId: expect.any(String) },
    });
    const done = await waitForFinal(t.app.getHttpServer(), apiKey, accepted.body.id as string, 80_000);
    expect(done).toMatchObject({ status: 'published', error: null });
  }, 100_000);
});
