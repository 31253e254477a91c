import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { connectUser } from '../support/connect-flow';
import { makeLargeVideo } from '../support/make-large-video';
import { createTenant, startTestApp, TestApp } from '../support/test-app';
import { FIXTURES, postVideo, waitForFinal } from '../support/uploads';
import { MIN_CHUNK_BYTES } from '../../src/tiktok-api/tiktok-limits';

/** TikTok's smallest chunk (5 MiB). */
const MB5 = MIN_CHUNK_BYTES;

describe('Publishing videos', () => {
  let t: TestApp;
  let apiKey: string;
  let work: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { UPLOAD_CHUNK_BYTES: String(MB5) } });
    ({ apiKey } = await createTenant(t.app));
    await connectUser(t.app.getHttpServer(), apiKey, 'alice');
    await connectUser(t.app.getHttpServer(), apiKey, 'pia', 'private_creator');
    work = mkdtempSync(join(tmpdir(), 'tgw-videos-'));
  });
  afterAll(async () => {
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });

  const server = () => t.app.getHttpServer();
  let users = 0;
  /** A newly connected user: each has its own TikTok budget of 6 inits per minute. */
  const freshUser = async (account = 'creator') => {
    const userId = `user-${++users}`;
    await connectUser(server(), apiKey, userId, account);
    return userId;
  };

  it('should send a small video to the inbox in one piece and follow it to inbox_delivered', async () => {
    const accepted = await postVideo(server(), apiKey, join(FIXTURES, 'h264.mp4'), { userId: 'alice' }).expect(202);
    expect(accepted.body).toMatchObject({
      userId: 'alice',
      mode: 'inbox',
      source: 'file',
      status: 'queued',
      video: { container: 'mp4', codec: 'h264', width: 640, height: 360, frameRate: 30, sizeBytes: 19877 },
      progress: { uploadedBytes: 0, totalBytes: 19877, uploadedChunks: 0, totalChunks: 1 },
    });
    const done = await waitForFinal(server(), apiKey, accepted.body.id as string);
    expect(done).toMatchObject({
      status: 'inbox_delivered',
      tiktokStatus: 'SEND_TO_USER_INBOX',
      publishId: expect.stringMatching(/^v_inbox_file~v2\./),
      progress: { uploadedBytes: 19877, uploadedChunks: 1, totalChunks: 1 },
      error: null,
    });
    expect(await t.control.violations()).toEqual([]);
  });

  it("should post a multi-chunk video directly, exactly by TikTok's chunk rules, with exact int64 post ids", async () => {
    const file = await makeLargeVideo(3 * MB5 + 123_457, work);
    const accepted = await postVideo(server(), apiKey, file, {
      userId: 'alice',
      mode: 'direct',
      title: 'Hello #tiktok',
      privacyLevel: 'PUBLIC_TO_EVERYONE',
      disableComment: true,
    }).expect(202);
    expect(accepted.body.progress).toMatchObject({ totalChunks: 3, totalBytes: 3 * MB5 + 123_457 });
    const done = await waitForFinal(server(), apiKey, accepted.body.id as string);
    expect(done).toMatchObject({
      status: 'published',
      tiktokStatus: 'PUBLISH_COMPLETE',
      progress: { uploadedChunks: 3 },
    });
    const postIds = done.postIds as string[];
    expect(postIds).toHaveLength(1);
    expect(BigInt(postIds[0])).toBeGreaterThan(2n ** 53n);
    expect(await t.control.violations()).toEqual([]);
  });

  it('should refuse a direct post whose privacy level the creator does not offer, before TikTok sees it', async () => {
    const before = (await t.control.requests()).filter((r) => r.path.includes('/init/')).length;
    const refused = await postVideo(server(), apiKey, join(FIXTURES, 'h264.mp4'), {
      userId: 'pia',
      mode: 'direct',
      privacyLevel: 'PUBLIC_TO_EVERYONE',
    }).expect(400);
    expect(refused.body.error).toMatchObject({
      code: 'validation_failed',
      details: { field: 'privacyLevel', allowed: expect.arrayContaining(['SELF_ONLY']) },
    });
    const missing = await postVideo(server(), apiKey, join(FIXTURES, 'h264.mp4'), {
      userId: 'pia',
      mode: 'direct',
    }).expect(400);
    expect(missing.body.error.details.field).toBe('privacyLevel');
    expect((await t.control.requests()).filter((r) => r.path.includes('/init/')).length).toBe(before);
  });

  it.each([
    ['too-short.mp4', 422, 'duration'],
    ['low-fps.mp4', 422, 'frame_rate'],
    ['high-fps.mp4', 422, 'frame_rate'],
    ['too-small.mp4', 422, 'resolution'],
    ['mpeg4-part2.mp4', 422, 'codec'],
    ['png-named.mp4', 415, 'container'],
    ['text-named.mp4', 415, 'container'],
  ])('should refuse %s with %d naming the rule %s', async (fixture, status, rule) => {
    const response = await postVideo(server(), apiKey, join(FIXTURES, fixture), { userId: 'alice' });
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(status === 415 ? 'unsupported_media_type' : 'video_rejected');
    expect(response.body.error.details).toMatchObject({ rule });
    expect(readdirSync(t.config.uploads.spoolDir)).toEqual([]);
  });

  // Direct posts: the sandbox, like TikTok, allows only 5 pending inbox shares per account a day.
  it.each(['h264.mov', 'vp9.webm', 'vp8.webm', 'h265.mp4', 'h264-moov-at-end.mp4'])(
    'should accept %s',
    async (fixture) => {
      const accepted = await postVideo(server(), apiKey, join(FIXTURES, fixture), {
        userId: await freshUser(),
        mode: 'direct',
        privacyLevel: 'SELF_ONLY',
      });
      expect(accepted.status).toBe(202);
      const done = await waitForFinal(server(), apiKey, accepted.body.id as string);
      expect(done).toMatchObject({ status: 'published', error: null });
    },
  );

  it('should refuse a direct post longer than the creator may post, before TikTok sees it', async () => {
    await connectUser(server(), apiKey, 'sam', 'short_limit_creator');
    const info = await request(server())
      .get('/api/tiktok/creator-info?userId=sam')
      .set('X-API-Key', apiKey)
      .expect(200);
    expect(info.body).toMatchObject({ maxVideoPostDurationSec: 60 });
    // A real 61-second video (test/fixtures/make-fixtures.sh): longer than this creator's 60 s, within TikTok's 10 min.
    const long = join(FIXTURES, 'long-61s.mp4');
    const refused = await postVideo(server(), apiKey, long, {
      userId: 'sam',
      mode: 'direct',
      privacyLevel: 'SELF_ONLY',
    }).expect(422);
    expect(refused.body.error).toMatchObject({ code: 'video_rejected', details: { rule: 'duration', limit: 60_000 } });
    expect(readdirSync(t.config.uploads.spoolDir)).toEqual([]);
  });
  it("should answer 409 for a user who is not connected, and 404 for another tenant's upload", async () => {
    const response = await postVideo(server(), apiKey, join(FIXTURES, 'h264.mp4'), { userId: 'stranger' }).expect(409);
    expect(response.body.error.code).toBe('not_connected');
    const mine = await postVideo(server(), apiKey, join(FIXTURES, 'h264.mp4'), { userId: await freshUser() }).expect(
      202,
    );
    const other = await createTenant(t.app, { name: 'other' });
    await request(server()).get(`/api/tiktok/uploads/${mine.body.id}`).set('X-API-Key', other.apiKey).expect(404);
    await request(server()).delete(`/api/tiktok/uploads/${mine.body.id}`).set('X-API-Key', other.apiKey).expect(404);
    await waitForFinal(server(), apiKey, mine.body.id as string);
  });

  it('should return the same upload for the same Idempotency-Key', async () => {
    const userId = await freshUser();
    const publishesBefore = (await t.control.publishes()).length;
    const fields = { userId, mode: 'direct', privacyLevel: 'SELF_ONLY' };
    const first = await postVideo(server(), apiKey, join(FIXTURES, 'h264.mp4'), fields)
      .set('Idempotency-Key', 'k-1')
      .expect(202);
    const second = await postVideo(server(), apiKey, join(FIXTURES, 'h264.mp4'), fields)
      .set('Idempotency-Key', 'k-1')
      .expect(202);
    expect(second.body.id).toBe(first.body.id);
    await waitForFinal(server(), apiKey, first.body.id as string);
    expect((await t.control.publishes()).length).toBe(publishesBefore + 1);
  });

  it('should list uploads newest first with cursor paging', async () => {
    const page1 = await request(server()).get('/api/tiktok/uploads?limit=2').set('X-API-Key', apiKey).expect(200);
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await request(server())
      .get(`/api/tiktok/uploads?limit=2&cursor=${page1.body.nextCursor}`)
      .set('X-API-Key', apiKey)
      .expect(200);
    const ids1 = (page1.body.items as { id: string }[]).map((i) => i.id);
    const ids2 = (page2.body.items as { id: string }[]).map((i) => i.id);
    expect(ids2.filter((id) => ids1.includes(id))).toEqual([]);
    const created = [...page1.body.items, ...page2.body.items].map((i: { createdAt: string }) =>
      Date.parse(i.createdAt),
    );
    expect(created).toEqual([...created].sort((a, b) => b - a)); // newest first, across the page boundary
    await request(server()).get('/api/tiktok/uploads?cursor=garbage').set('X-API-Key', apiKey).expect(400);
  });

  it('should leave the spool directory empty once uploads are final', async () => {
    const all = await request(server()).get('/api/tiktok/uploads?limit=100').set('X-API-Key', apiKey).expect(200);
    for (const item of all.body.items as { id: string }[]) await waitForFinal(server(), apiKey, item.id);
    expect(readdirSync(t.config.uploads.spoolDir)).toEqual([]);
  });
});
