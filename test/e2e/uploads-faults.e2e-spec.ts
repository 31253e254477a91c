import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { connectUser } from '../support/connect-flow';
import { makeLargeVideo } from '../support/make-large-video';
import { createTenant, startTestApp, startTestSandbox, TestApp } from '../support/test-app';
import { chunksSent, FIXTURES, postVideo, UploadBody, waitForFinal, waitForUpload } from '../support/uploads';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import { MIN_CHUNK_BYTES } from '../../src/tiktok-api/tiktok-limits';

/** TikTok's smallest chunk (5 MiB). */
const MB5 = MIN_CHUNK_BYTES;
const direct = { mode: 'direct', privacyLevel: 'SELF_ONLY' };

describe('Publishing when TikTok misbehaves', () => {
  let sandbox: TikTokSandbox;
  let t: TestApp;
  let apiKey: string;
  let work: string;
  let video: string;
  let files: Server;
  let users = 0;

  beforeAll(async () => {
    files = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'video/mp4' });
      // A slow source keeps TikTok's download in progress (so it can still be cancelled).
      if (req.url?.includes('slow')) return void res.write(Buffer.alloc(1024));
      createReadStream(join(FIXTURES, 'h264.mp4')).pipe(res);
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    const filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/videos/`;
    sandbox = await startTestSandbox({ verifiedUrlPrefixes: [filesUrl] });
    t = await startTestApp({ sandbox, env: { UPLOAD_CHUNK_BYTES: String(MB5), UPLOAD_MAX_BYTES: String(30 * MB5) } });
    ({ apiKey } = await createTenant(t.app));
    work = mkdtempSync(join(tmpdir(), 'tgw-faults-'));
    video = await makeLargeVideo(3 * MB5 + 777, work);
  });
  afterAll(async () => {
    await t.close();
    await sandbox.stop();
    files.closeAllConnections();
    files.close();
    rmSync(work, { recursive: true, force: true });
  });

  beforeEach(() => t.control.reset().then(() => undefined));

  const server = () => t.app.getHttpServer();
  const freshUser = async (account = 'creator') => {
    const userId = `u${++users}`;
    await connectUser(server(), apiKey, userId, account);
    return userId;
  };
  const upload = async (fields: Record<string, string>, file = video) => {
    const accepted = await postVideo(server(), apiKey, file, fields).expect(202);
    return waitForFinal(server(), apiKey, accepted.body.id as string);
  };

  it('should retry a chunk TikTok answers with 5xx, and one whose connection drops', async () => {
    await t.control.failNextChunkPuts(2, 'status', 503);
    const done = await upload({ userId: await freshUser(), ...direct });
    expect(done).toMatchObject({ status: 'published', progress: { uploadedChunks: 3 } });
    await t.control.failNextChunkPuts(1, 'drop');
    expect(await upload({ userId: await freshUser(), ...direct })).toMatchObject({ status: 'published' });
    expect(await t.control.violations()).toEqual([]);
  });

  it("should reconcile from TikTok's reported range after a chunk was stored but its answer lost (416)", async () => {
    await t.control.failNextChunkPuts(1, 'drop_after_accept');
    const done = await upload({ userId: await freshUser(), ...direct });
    expect(done).toMatchObject({ status: 'published', progress: { uploadedChunks: 3, uploadedBytes: 3 * MB5 + 777 } });
    const publishes = await t.control.publishes();
    expect(publishes).toHaveLength(1);
    // The retried chunk met TikTok's 416 (recorded as a violation by the strict sandbox), then the upload went on.
    expect((await t.control.violations()).map((v) => v.rule)).toEqual(['upload.range_not_expected']);
  });

  it("should end failed at once, with TikTok's code and log id, when TikTok refuses the init", async () => {
    const userId = await freshUser('banned_creator');
    const done = await upload({ userId }, join(FIXTURES, 'h264.mp4'));
    expect(done).toMatchObject({
      status: 'failed',
      publishId: null,
      error: { tiktokCode: 'spam_risk_user_banned_from_posting', logId: expect.any(String) },
    });
    expect((await t.control.requests()).filter((r) => r.path.endsWith('/inbox/video/init/'))).toHaveLength(1);
  });

  it("should end failed with TikTok's fail_reason when TikTok rejects the video after upload", async () => {
    await t.control.failPublish('frame_rate_check_failed');
    const done = await upload({ userId: await freshUser(), ...direct }, join(FIXTURES, 'h264.mp4'));
    expect(done).toMatchObject({ status: 'failed', tiktokStatus: 'FAILED', failReason: 'frame_rate_check_failed' });
  });

  it('should start again with a fresh init when the upload URL expires, posting once', async () => {
    await t.control.failNextChunkPuts(0);
    const userId = await freshUser();
    await t.control.setLatency(150);
    const accepted = await postVideo(server(), apiKey, video, { userId, ...direct }).expect(202);
    await waitForUpload(server(), apiKey, accepted.body.id as string, (u) => chunksSent(u) >= 1);
    await t.control.expireUploadUrls();
    await t.control.setLatency(0);
    const done = await waitForFinal(server(), apiKey, accepted.body.id as string);
    expect(done.status).toBe('published');
    const publishes = await t.control.publishes();
    expect(publishes.filter((p) => p.status === 'PUBLISH_COMPLETE')).toHaveLength(1);
  });

  it('should let TikTok pull a video from a verified URL and follow the download', async () => {
    const userId = await freshUser();
    const filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/videos/clip.mp4`;
    const accepted = await request(server())
      .post('/api/tiktok/upload')
      .set('X-API-Key', apiKey)
      .send({ userId, videoUrl: filesUrl, ...direct })
      .expect(202);
    expect(accepted.body).toMatchObject({ source: 'url', status: 'queued' });
    const done = await waitForFinal(server(), apiKey, accepted.body.id as string);
    expect(done).toMatchObject({ status: 'published', publishId: expect.stringMatching(/^v_pub_url~v2\./) });
  });

  it("should cancel a URL pull through TikTok's cancel while the download is in progress", async () => {
    const userId = await freshUser();
    const slowUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/videos/slow.mp4`;
    const accepted = await request(server())
      .post('/api/tiktok/upload')
      .set('X-API-Key', apiKey)
      .send({ userId, videoUrl: slowUrl, ...direct })
      .expect(202);
    await waitForUpload(server(), apiKey, accepted.body.id as string, (u) => u.status === 'processing');
    const cancelled = await request(server())
      .delete(`/api/tiktok/uploads/${accepted.body.id}`)
      .set('X-API-Key', apiKey)
      .expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    const [publish] = (await t.control.publishes()).filter((p) => p.publishId === cancelled.body.publishId);
    expect(publish).toMatchObject({ status: 'FAILED', failReason: 'publish_cancelled' });
    expect(await t.control.violations()).toEqual([]);
  });

  it('should accept a video of exactly UPLOAD_MAX_BYTES', async () => {
    const largest = await makeLargeVideo(30 * MB5, work);
    const accepted = await postVideo(server(), apiKey, largest, { userId: await freshUser(), ...direct }).expect(202);
    const done = await waitForFinal(server(), apiKey, accepted.body.id as string, 60_000);
    expect(done).toMatchObject({ status: 'published', progress: { uploadedBytes: 30 * MB5 } });
  }, 90_000);

  it('should refuse a video over UPLOAD_MAX_BYTES with 413 (or by closing the connection) and keep nothing', async () => {
    const big = await makeLargeVideo(30 * MB5 + 1, work);
    // The gateway answers 413 as soon as the limit is crossed; a client still sending may see the reset first.
    const outcome = await postVideo(server(), apiKey, big, { userId: await freshUser() }).then(
      (response) => response.status,
      (error: { response?: request.Response; code?: string }) => error.response?.status ?? error.code,
    );
    expect([413, 'ECONNRESET', 'EPIPE']).toContain(outcome);
    expect(readdirSync(t.config.uploads.spoolDir)).toEqual([]);
  });

  it('should cancel an upload whose bytes are still going to TikTok, and refuse once TikTok has it all', async () => {
    const userId = await freshUser();
    await t.control.setLatency(400);
    const accepted = await postVideo(server(), apiKey, video, { userId, ...direct }).expect(202);
    await waitForUpload(server(), apiKey, accepted.body.id as string, (u) => u.status === 'uploading');
    const cancelled = await request(server())
      .delete(`/api/tiktok/uploads/${accepted.body.id}`)
      .set('X-API-Key', apiKey)
      .expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    await t.control.setLatency(0);
    await request(server()).delete(`/api/tiktok/uploads/${accepted.body.id}`).set('X-API-Key', apiKey).expect(200);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await t.control.publishes()).filter((p) => p.status === 'PUBLISH_COMPLETE')).toEqual([]);
    expect(readdirSync(t.config.uploads.spoolDir)).toEqual([]);

    const published = await upload({ userId, ...direct }, join(FIXTURES, 'h264.mp4'));
    const late = await request(server())
      .delete(`/api/tiktok/uploads/${published.id}`)
      .set('X-API-Key', apiKey)
      .expect(409);
    expect(late.body.error.code).toBe('conflict');
  });

  it('should stream the upload over server-sent events until its final state', async () => {
    const userId = await freshUser();
    const accepted = await postVideo(server(), apiKey, join(FIXTURES, 'h264.mp4'), { userId, ...direct }).expect(202);
    const stream = await request(server())
      .get(`/api/tiktok/uploads/${accepted.body.id}/events`)
      .set('X-API-Key', apiKey)
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => done(null, text));
      });
    expect(stream.headers['content-type']).toContain('text/event-stream');
    const events = (stream.body as string)
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as UploadBody);
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events[events.length - 1].status).toBe('published');
  });
});
