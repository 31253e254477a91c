import { EntityManager } from '@mikro-orm/core';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { SANDBOX_ACCOUNTS } from '../../src/tiktok-sandbox/sandbox-control';
import { Upload } from '../../src/uploads/upload.entity';
import { connectUser, openConnectLink } from '../support/connect-flow';
import { createTenant, startTestApp, TestApp } from '../support/test-app';
import { FIXTURES, postVideo, waitForFinal, waitForUpload, type UploadBody } from '../support/uploads';
import { eventually, WebhookReceiver } from '../support/webhook-receiver';

const SCOPES = 'user.info.basic,video.upload,video.publish,video.list';
const VIRAL_VIEWS = '9007199254740993';
const VIDEO_CALLS = ['/v2/video/list/', '/v2/video/query/'];

interface VideoItem {
  id: string;
  title: string;
  shareUrl: string;
  createdAt: string;
}

describe('Reading posts back from TikTok', () => {
  let t: TestApp;
  let apiKey: string;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    t = await startTestApp({ env: { TIKTOK_SCOPES: SCOPES } });
    ({ apiKey } = await createTenant(t.app, { webhookUrl: receiver.url }));
    await connectUser(server(), apiKey, 'casey', 'creator');
    await connectUser(server(), apiKey, 'vic', 'viral_creator');
    await connectWithout('nolist', 'video.list');
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const server = () => t.app.getHttpServer();

  async function connectWithout(userId: string, scope: string): Promise<void> {
    const link = await request(server())
      .post('/api/auth/tiktok/connect-links')
      .set('X-API-Key', apiKey)
      .send({ userId });
    const { callback } = await openConnectLink(server(), (link.body as { url: string }).url, { denyScopes: [scope] });
    expect(callback.status).toBe(200);
  }

  const postPublic = async (userId: string, title: string): Promise<string> => {
    const accepted = await postVideo(server(), apiKey, join(FIXTURES, 'h264.mp4'), {
      userId,
      mode: 'direct',
      title,
      privacyLevel: 'PUBLIC_TO_EVERYONE',
    }).expect(202);
    return accepted.body.id as string;
  };
  // Ten polls a second: the suite's polling stays well inside the API key's 600 requests a minute.
  const withShareUrl = (id: string) =>
    waitForUpload(server(), apiKey, id, (upload) => typeof upload.shareUrl === 'string', 20_000, 100);
  const videoCalls = async () => (await t.control.requests()).filter((r) => VIDEO_CALLS.includes(r.path));
  const listVideos = (query: Record<string, string | number>) =>
    request(server()).get('/api/tiktok/videos').query(query).set('X-API-Key', apiKey);

  it('should store the share URL of a published public video, found by its post id with video/query', async () => {
    const id = await postPublic('casey', 'Read me back #one');
    const done = await withShareUrl(id);
    const [postId] = done.postIds as string[];
    expect(done).toMatchObject({ status: 'published', shareUrl: `https://www.tiktok.com/@creator/video/${postId}` });
    expect((await videoCalls()).map((r) => r.path)).toEqual(['/v2/video/query/']);
    const listed = await request(server()).get('/api/tiktok/uploads?userId=casey').set('X-API-Key', apiKey).expect(200);
    expect((listed.body.items as UploadBody[]).find((u) => u.id === id)?.shareUrl).toBe(done.shareUrl);
    // The tenant hears of it: upload.updated carries the share URL.
    await receiver.waitFor((all) =>
      all.some((r) => r.notification.type === 'upload.updated' && r.notification.data.shareUrl === done.shareUrl),
    );
    expect(await t.control.violations()).toEqual([]);
  });

  it('should find a post TikTok gave no post id for with video/list, by create time and caption', async () => {
    const before = (await videoCalls()).length;
    const id = await postPublic('vic', 'Made for the feed #two');
    const done = await withShareUrl(id);
    const [made] = (await t.control.posts()).filter((p) => p.title === 'Made for the feed #two');
    expect(done).toMatchObject({
      status: 'published',
      postIds: [made.id],
      shareUrl: `https://www.tiktok.com/@viral.creator/video/${made.id}`,
    });
    expect((await videoCalls()).slice(before).map((r) => r.path)).toEqual(['/v2/video/list/']);
    expect(await t.control.violations()).toEqual([]);
    const metrics = await request(server()).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/tiktok_share_url_read_backs_total\{outcome="found"\} [2-9]/);
  });

  it('should give two uploads with the same caption a post each', async () => {
    const ids = await Promise.all([postPublic('vic', 'Twice the same #dup'), postPublic('vic', 'Twice the same #dup')]);
    const done = await Promise.all(ids.map(withShareUrl));
    const made = (await t.control.posts()).filter((p) => p.title === 'Twice the same #dup').map((p) => p.id);
    expect(made).toHaveLength(2);
    expect(done.map((u) => (u.postIds as string[])[0]).sort()).toEqual([...made].sort());
    expect(new Set(done.map((u) => u.shareUrl)).size).toBe(2);
  });

  it('should page through the public posts newest first, with the view count above 2^53 exact', async () => {
    const expected = (await t.control.posts()).filter(
      (p) => p.openId === SANDBOX_ACCOUNTS.viral_creator.openId && p.privacyLevel === 'PUBLIC_TO_EVERYONE',
    );
    expect(expected.length).toBeGreaterThanOrEqual(2);
    const seen: VideoItem[] = [];
    let cursor: string | undefined;
    let raw = '';
    for (let page = 0; page < expected.length; page++) {
      const response = await listVideos({ userId: 'vic', limit: 1, ...(cursor ? { cursor } : {}) }).expect(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      raw += response.text;
      const body = response.body as { items: VideoItem[]; nextCursor: string | null; hasMore: boolean };
      expect(body.items).toHaveLength(1);
      seen.push(...body.items);
      const last = page === expected.length - 1;
      expect(body).toMatchObject({ hasMore: !last, nextCursor: last ? null : expect.stringMatching(/^\d+$/) });
      cursor = body.nextCursor ?? undefined;
    }
    expect(seen.map((v) => v.id)).toEqual(expected.map((p) => p.id));
    expect(seen[seen.length - 1]).toMatchObject({
      id: '7300000000000000001',
      title: 'The one that went viral',
      shareUrl: 'https://www.tiktok.com/@viral.creator/video/7300000000000000001',
      createdAt: '2026-10-01T12:00:00.000Z',
    });
    expect(raw).toContain(`"viewCount":${VIRAL_VIEWS}`);
    expect(raw).toContain('"id":"7300000000000000001"');
    const all = await listVideos({ userId: 'vic' }).expect(200);
    expect(all.body).toMatchObject({ hasMore: false, nextCursor: null });
  });

  it.each([
    ['limit 0', { limit: 0 }],
    ['limit 21', { limit: 21 }],
    ['a cursor that is not one', { cursor: 'abc' }],
  ])('should refuse %s with 400 before TikTok', async (_name, query) => {
    const before = (await videoCalls()).length;
    const refused = await listVideos({ userId: 'vic', ...query }).expect(400);
    expect(refused.body.error.code).toBe('validation_failed');
    expect((await videoCalls()).length).toBe(before);
  });

  it('should answer 409 scope_missing without video.list, and not_connected for an unknown user', async () => {
    const status = await request(server()).get('/api/tiktok/status?userId=nolist').set('X-API-Key', apiKey).expect(200);
    expect(status.body.scopes).not.toContain('video.list');
    const before = (await videoCalls()).length;
    const refused = await listVideos({ userId: 'nolist' }).expect(409);
    expect(refused.body.error).toMatchObject({ code: 'scope_missing', details: { scope: 'video.list' } });
    expect(refused.body.error.message).toContain('video.list');
    expect((await listVideos({ userId: 'nobody' }).expect(409)).body.error.code).toBe('not_connected');
    expect((await videoCalls()).length).toBe(before);
  });

  it('should not read back the post of a user without video.list', async () => {
    const before = (await videoCalls()).length;
    const without = await postPublic('nolist', 'Nobody reads me #three');
    const published = await waitForFinal(server(), apiKey, without);
    expect(published.status).toBe('published');
    // Published later, so the read-back job reaches it after the one above.
    const witness = await withShareUrl(await postPublic('casey', 'Read me back #four'));
    expect(witness.shareUrl).toEqual(expect.stringContaining('/video/'));
    const after = await request(server()).get(`/api/tiktok/uploads/${without}`).set('X-API-Key', apiKey).expect(200);
    expect(after.body).toHaveProperty('shareUrl', null);
    // Ending the read-back is bookkeeping, not a change of the upload: its updatedAt is still that of publishing.
    expect(after.body.updatedAt).toBe(published.updatedAt);
    // The read-back of that upload has ended, without a single try.
    const row = await t.app.get(EntityManager).fork().findOneOrFail(Upload, { id: without });
    expect(row).toMatchObject({ readBackAt: null, readBackTries: 0 });
    expect((await videoCalls()).slice(before).map((r) => r.path)).toEqual(['/v2/video/query/']);
  });
});

// The sandbox's own webhooks reach a listening gateway: an inbox draft the creator posts in the app is published by
// webhook, and its post (captioned in the app, not by us) cannot be matched, so the read-back tries again later.
describe('Reading back a post published by webhook', () => {
  let t: TestApp;
  let apiKey: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { TIKTOK_SCOPES: SCOPES } });
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    await t.control.setWebhookUrl(`http://127.0.0.1:${port}/api/tiktok/webhooks`);
    ({ apiKey } = await createTenant(t.app));
    await connectUser(t.app.getHttpServer(), apiKey, 'vic', 'viral_creator');
  });
  afterAll(() => t.close());

  it('should schedule the next try when no listed post matches', async () => {
    const server = t.app.getHttpServer();
    const accepted = await postVideo(server, apiKey, join(FIXTURES, 'h264.mp4'), { userId: 'vic', title: 'Ours' });
    const delivered = await waitForFinal(server, apiKey, accepted.body.id as string);
    expect(delivered.status).toBe('inbox_delivered');
    await t.control.completeInboxPublish(delivered.publishId as string);
    const row = () => t.app.get(EntityManager).fork().findOneOrFail(Upload, { id: delivered.id });
    const publishedRow = await eventually(row, (upload) => upload.status === 'published', 20_000);
    const tried = await eventually(row, (upload) => upload.readBackTries === 1, 20_000);
    expect(tried).toMatchObject({ status: 'published', shareUrl: null, postIds: [] });
    expect(tried.updatedAt).toEqual(publishedRow.updatedAt);
    const waitMs = tried.readBackAt!.getTime() - Date.now();
    expect(waitMs).toBeGreaterThan(5_000);
    expect(waitMs).toBeLessThanOrEqual(15_000);
    expect((await t.control.requests()).filter((r) => VIDEO_CALLS.includes(r.path)).map((r) => r.path)).toEqual([
      '/v2/video/list/',
    ]);
  });
});
