import type { Server } from 'node:http';
import request from 'supertest';
import { PhotosController } from '../../src/uploads/photos/photos.controller';
import { CONTENT_INIT, startPhotoServer, stopServer } from '../sandbox/photo-kit';
import { connectUser } from '../support/connect-flow';
import { createTenant, startTestApp, TestApp } from '../support/test-app';
import { waitForFinal } from '../support/uploads';

describe(PhotosController.name, () => {
  let t: TestApp;
  let apiKey: string;
  let media: { server: Server; base: string; hits: string[] };
  let photos: string;

  beforeAll(async () => {
    media = await startPhotoServer();
    photos = `${media.base}/photos/`;
    t = await startTestApp({
      sandboxOptions: { verifiedUrlPrefixes: [photos] },
      env: { TIKTOK_VERIFIED_URL_PREFIXES: photos },
    });
    ({ apiKey } = await createTenant(t.app));
    await connectUser(t.app.getHttpServer(), apiKey, 'pia', 'private_creator');
  });
  afterAll(async () => {
    await t.close();
    await stopServer(media.server);
  });

  const server = () => t.app.getHttpServer();
  let users = 0;
  /** A newly connected user: each has its own TikTok budget (6 inits a minute, 5 pending inbox shares). */
  const freshUser = async (account = 'creator') => {
    const userId = `photo-user-${++users}`;
    await connectUser(server(), apiKey, userId, account);
    return userId;
  };
  const postPhotos = (body: Record<string, unknown>) =>
    request(server()).post('/api/tiktok/photos').set('X-API-Key', apiKey).send(body);
  const contentInits = async () => (await t.control.requests()).filter((r) => r.path === CONTENT_INIT).length;
  const publishOf = async (publishId: string) => (await t.control.publishes()).find((p) => p.publishId === publishId)!;

  it('should post three photos directly with cover index 1: one content init, the URLs in order, published', async () => {
    const userId = await freshUser();
    const urls = [`${photos}photo-640x360.jpg`, `${photos}photo-640x360.webp`, `${photos}photo-1080x1920.jpg`];
    const initsBefore = await contentInits();
    const accepted = await postPhotos({
      userId,
      mode: 'direct',
      photoUrls: urls,
      coverIndex: 1,
      title: 'Three',
      description: 'A #carousel',
      privacyLevel: 'PUBLIC_TO_EVERYONE',
      disableComment: true,
      autoAddMusic: true,
    }).expect(202);
    expect(accepted.body).toMatchObject({
      userId,
      mode: 'direct',
      mediaType: 'photo',
      source: 'url',
      status: 'queued',
      photos: { count: 3, coverIndex: 1, urls },
      video: null,
    });
    const done = await waitForFinal(server(), apiKey, accepted.body.id as string);
    expect(done).toMatchObject({
      status: 'published',
      tiktokStatus: 'PUBLISH_COMPLETE',
      publishId: expect.stringMatching(/^p_pub_url~v2\./),
      error: null,
    });
    expect(done.postIds).toHaveLength(1);
    expect((await contentInits()) - initsBefore).toBe(1);
    const publish = await publishOf(done.publishId as string);
    // The exact body: no video-only field (disable_duet, video_cover_timestamp_ms, ...), no default privacy.
    expect(publish.initBody).toEqual({
      media_type: 'PHOTO',
      post_mode: 'DIRECT_POST',
      post_info: {
        title: 'Three',
        description: 'A #carousel',
        privacy_level: 'PUBLIC_TO_EVERYONE',
        disable_comment: true,
        auto_add_music: true,
        brand_content_toggle: false,
      },
      source_info: { source: 'PULL_FROM_URL', photo_images: urls, photo_cover_index: 1 },
    });
    expect(publish.images!.map((image) => [image.url, image.fetched])).toEqual(urls.map((url) => [url, true]));
    expect(await t.control.violations()).toEqual([]);
  });

  it('should send an inbox photo post as MEDIA_UPLOAD without privacy or post settings', async () => {
    const userId = await freshUser();
    const accepted = await postPhotos({
      userId,
      mode: 'inbox',
      photoUrls: [`${photos}photo-640x360.webp`],
      title: 'Draft',
    }).expect(202);
    const done = await waitForFinal(server(), apiKey, accepted.body.id as string);
    expect(done).toMatchObject({ status: 'inbox_delivered', tiktokStatus: 'SEND_TO_USER_INBOX', mediaType: 'photo' });
    expect((await publishOf(done.publishId as string)).initBody).toEqual({
      media_type: 'PHOTO',
      post_mode: 'MEDIA_UPLOAD',
      post_info: { title: 'Draft' },
      source_info: { source: 'PULL_FROM_URL', photo_images: [`${photos}photo-640x360.webp`], photo_cover_index: 0 },
    });
  });

  it('should give videos mediaType video', async () => {
    const userId = await freshUser();
    const accepted = await request(server())
      .post('/api/tiktok/upload')
      .set('X-API-Key', apiKey)
      .send({ userId, videoUrl: `${photos}clip.mp4` })
      .expect(202);
    expect(accepted.body).toMatchObject({ mediaType: 'video', photos: null });
    await waitForFinal(server(), apiKey, accepted.body.id as string);
  });

  const jpeg = () => `${photos}photo-640x360.jpg`;
  it.each<[string, () => Record<string, unknown>, Record<string, unknown>]>([
    [
      '36 images',
      () => ({ photoUrls: Array(36).fill(jpeg()) }),
      { field: 'photoUrls', rule: 'count', measured: 36, limit: 35 },
    ],
    ['no image', () => ({ photoUrls: [] }), { field: 'photoUrls', rule: 'count', measured: 0 }],
    [
      'a cover index out of range',
      () => ({ photoUrls: [jpeg(), jpeg()], coverIndex: 2 }),
      { field: 'coverIndex', measured: 2, limit: 1 },
    ],
    [
      'a 91-character title',
      () => ({ photoUrls: [jpeg()], title: 'x'.repeat(91) }),
      { field: 'title', measured: 91, limit: 90 },
    ],
    [
      'a 4001-unit description (emoji count two UTF-16 units)',
      () => ({ photoUrls: [jpeg()], description: '😀'.repeat(2000) + 'x' }),
      { field: 'description', measured: 4001, limit: 4000 },
    ],
    [
      'a URL outside the verified prefixes',
      () => ({ photoUrls: [jpeg(), 'https://cdn.example.com/photos/a.jpg'] }),
      { field: 'photoUrls', index: 1, rule: 'verified_url' },
    ],
    [
      'plain http to a public host',
      () => ({ photoUrls: ['http://media.example.com/a.jpg'] }),
      { field: 'photoUrls', index: 0, rule: 'https' },
    ],
    [
      'a privacy level the creator lacks',
      () => ({ userId: 'pia', photoUrls: [jpeg()], privacyLevel: 'PUBLIC_TO_EVERYONE' }),
      { field: 'privacyLevel', allowed: expect.arrayContaining(['SELF_ONLY']) },
    ],
    [
      'a direct post without a privacy level',
      () => ({ photoUrls: [jpeg()], privacyLevel: undefined }),
      { field: 'privacyLevel' },
    ],
  ])('should refuse %s before TikTok sees it', async (_, body, details) => {
    const before = await contentInits();
    const refused = await postPhotos({ userId: 'pia', mode: 'direct', privacyLevel: 'SELF_ONLY', ...body() }).expect(
      400,
    );
    expect(refused.body.error).toMatchObject({ code: 'validation_failed', details });
    expect(await contentInits()).toBe(before);
  });

  it('should refuse a videoUrl outside the verified prefixes before TikTok sees it', async () => {
    const refused = await request(server())
      .post('/api/tiktok/upload')
      .set('X-API-Key', apiKey)
      .send({ userId: 'pia', videoUrl: 'https://cdn.example.com/clip.mp4' })
      .expect(400);
    expect(refused.body.error).toMatchObject({
      code: 'validation_failed',
      details: { field: 'videoUrl', rule: 'verified_url' },
    });
  });

  it('should return the same photo post for the same Idempotency-Key, with one content init', async () => {
    const userId = await freshUser();
    const before = await contentInits();
    const body = { userId, mode: 'inbox', photoUrls: [jpeg()] };
    const first = await postPhotos(body).set('Idempotency-Key', 'photo-1').expect(202);
    const second = await postPhotos(body).set('Idempotency-Key', 'photo-1').expect(202);
    expect(second.body.id).toBe(first.body.id);
    await waitForFinal(server(), apiKey, first.body.id as string);
    expect((await contentInits()) - before).toBe(1);
  });

  it('should refuse a form while MEDIA_PUBLIC_URL is unset, with 415 naming JSON', async () => {
    const refused = await request(server())
      .post('/api/tiktok/photos')
      .set('X-API-Key', apiKey)
      .field('userId', 'pia')
      .field('mode', 'inbox')
      .attach('photos', Buffer.from('not read'), 'a.jpg')
      .expect(415);
    expect(refused.body.error).toMatchObject({
      code: 'unsupported_media_type',
      details: { accepted: ['application/json'] },
    });
  });
});
