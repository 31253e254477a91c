import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { createServer as createHttpServer, type Server } from 'node:http';
import { join } from 'node:path';
import request from 'supertest';
import { PhotosController } from '../../src/uploads/photos/photos.controller';
import { PhotoSweeper } from '../../src/uploads/photos/photo-sweep.job';
import { CONTENT_INIT, startPhotoServer, stopServer } from '../sandbox/photo-kit';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { connectUser } from '../support/connect-flow';
import { S3RVER_CREDENTIALS, startS3Server, TestS3Server } from '../support/s3-server';
import { createTenant, startTestApp, TestApp } from '../support/test-app';
import { FIXTURES, waitForFinal, waitForUpload } from '../support/uploads';

describe(PhotosController.name, () => {
  let t: TestApp;
  let apiKey: string;
  let media: { server: Server; base: string; hits: string[] };
  let photos: string;
  let slow: { server: Server; url: string };

  beforeAll(async () => {
    media = await startPhotoServer();
    photos = `${media.base}/photos/`;
    slow = await startSlowImageServer();
    const slowPrefix = slow.url.replace(/[^/]*$/, '');
    t = await startTestApp({
      sandboxOptions: { verifiedUrlPrefixes: [photos, slowPrefix] },
      env: { TIKTOK_VERIFIED_URL_PREFIXES: `${photos},${slowPrefix}` },
    });
    ({ apiKey } = await createTenant(t.app));
    await connectUser(t.app.getHttpServer(), apiKey, 'pia', 'private_creator');
  });
  afterAll(async () => {
    await t.close();
    await stopServer(media.server);
    await stopServer(slow.server);
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

  it('should cancel a photo post while TikTok is still pulling it, and TikTok agrees', async () => {
    const userId = await freshUser();
    const accepted = await postPhotos({ userId, mode: 'inbox', photoUrls: [slow.url] }).expect(202);
    const id = accepted.body.id as string;
    const pulling = await waitForUpload(server(), apiKey, id, (u) => u.status === 'processing');
    const cancelled = await request(server()).delete(`/api/tiktok/uploads/${id}`).set('X-API-Key', apiKey).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', mediaType: 'photo' });
    const publish = await publishOf(pulling.publishId as string);
    expect(publish).toMatchObject({ status: 'FAILED', failReason: 'publish_cancelled' });
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

  it('should document both request forms of createPhotoPost, and keep the media route out of the document', async () => {
    const doc = (await request(server()).get('/docs-json').expect(200)).body as {
      paths: Record<string, { post?: Record<string, unknown> }>;
    };
    const operation = doc.paths['/api/tiktok/photos'].post as {
      operationId: string;
      requestBody: { content: Record<string, { schema: { required: string[]; properties: Record<string, unknown> } }> };
      responses: Record<string, unknown>;
    };
    expect(operation.operationId).toBe('createPhotoPost');
    const { 'application/json': json, 'multipart/form-data': form } = operation.requestBody.content;
    expect(json.schema.required).toEqual(['userId', 'mode', 'photoUrls']);
    expect(form.schema.properties.photos).toMatchObject({ type: 'array', maxItems: 35, items: { format: 'binary' } });
    expect(form.schema.properties.photoUrls).toBeUndefined();
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['202', '400', '415', '422']));
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/media'))).toEqual([]);
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

describe(`${PhotosController.name} with received images (MEDIA_PUBLIC_URL)`, () => {
  let t: TestApp;
  let apiKey: string;
  let mediaBase: string;

  beforeAll(async () => {
    // TikTok pulls from the gateway itself: MEDIA_PUBLIC_URL is the test app's own loopback address.
    const port = await freePort();
    mediaBase = `http://127.0.0.1:${port}`;
    const photoPrefix = `${mediaBase}/media/photos/`;
    t = await startTestApp({
      sandboxOptions: { verifiedUrlPrefixes: [photoPrefix] },
      env: { MEDIA_PUBLIC_URL: mediaBase, TIKTOK_VERIFIED_URL_PREFIXES: photoPrefix },
    });
    await t.app.listen(port, '127.0.0.1');
    ({ apiKey } = await createTenant(t.app));
  });
  afterAll(() => t.close());

  const server = () => t.app.getHttpServer();
  let users = 0;
  const freshUser = async () => {
    const userId = `form-user-${++users}`;
    await connectUser(server(), apiKey, userId);
    return userId;
  };
  const storedPhotos = () => readdirSync(t.config.uploads.spoolDir).filter((name) => name.endsWith('.photo'));
  const contentInits = async () => (await t.control.requests()).filter((r) => r.path === CONTENT_INIT).length;
  /** Fields first, then one `photos` part per image (a fixture name, or bytes with a file name). */
  const postForm = (fields: Record<string, string>, images: (string | [Buffer, string])[]) => {
    const req = request(server()).post('/api/tiktok/photos').set('X-API-Key', apiKey);
    for (const [name, value] of Object.entries(fields)) req.field(name, value);
    for (const image of images) {
      if (typeof image === 'string') req.attach('photos', join(FIXTURES, image));
      else req.attach('photos', image[0], image[1]);
    }
    return req;
  };

  it('should keep the images, let TikTok pull them from MEDIA_PUBLIC_URL in order, then delete them', async () => {
    const userId = await freshUser();
    const accepted = await postForm(
      { userId, mode: 'direct', privacyLevel: 'SELF_ONLY', coverIndex: '1', title: 'Received' },
      ['photo-640x360.jpg', 'photo-640x360.webp', 'photo-1080x1920.jpg'],
    ).expect(202);
    expect(accepted.body).toMatchObject({
      mediaType: 'photo',
      source: 'file',
      status: 'queued',
      photos: { count: 3, coverIndex: 1, urls: null },
    });
    expect(storedPhotos()).toHaveLength(3);
    const done = await waitForFinal(server(), apiKey, accepted.body.id as string);
    expect(done).toMatchObject({ status: 'published', error: null });
    const publish = (await t.control.publishes()).find((p) => p.publishId === done.publishId)!;
    const urls = (publish.initBody.source_info as { photo_images: string[] }).photo_images;
    expect(urls).toHaveLength(3);
    for (const url of urls) expect(url).toMatch(new RegExp(`^${mediaBase}/media/photos/\\d+/[0-9a-f]{64}$`));
    expect(publish.initBody).toMatchObject({
      post_mode: 'DIRECT_POST',
      source_info: { photo_cover_index: 1 },
      post_info: { privacy_level: 'SELF_ONLY', title: 'Received' },
    });
    expect(publish.images!.map((i) => [i.fetched, i.format, i.width, i.height])).toEqual([
      [true, 'jpeg', 640, 360],
      [true, 'webp', 640, 360],
      [true, 'jpeg', 1080, 1920],
    ]);
    // Pulled and final: the storage no longer has them (deleted just after the final status commits), and their
    // links answer 404.
    await waitUntil(() => storedPhotos().length === 0);
    for (const url of urls) expect((await fetch(url)).status).toBe(404);
    expect(await t.control.violations()).toEqual([]);
  });

  it('should link each image under a random 256-bit token that expires in a day, bound to its expiry', async () => {
    const userId = await freshUser();
    const accepted = await postForm({ userId, mode: 'inbox' }, ['photo-640x360.webp']).expect(202);
    const done = await waitForFinal(server(), apiKey, accepted.body.id as string);
    const publish = (await t.control.publishes()).find((p) => p.publishId === done.publishId)!;
    const [url] = (publish.initBody.source_info as { photo_images: string[] }).photo_images;
    const [, expires, token] = /\/media\/photos\/(\d+)\/([0-9a-f]{64})$/.exec(url)!;
    expect(Number(expires) * 1000 - Date.now()).toBeGreaterThan(23 * 3_600_000);
    expect(publish.images![0]).toMatchObject({ fetched: true, format: 'webp' });
    for (const path of [`${Number(expires) + 1}/${token}`, `${expires}/${token.slice(1)}`, `0/${token}`]) {
      expect((await fetch(`${mediaBase}/media/photos/${path}`)).status).toBe(404);
    }
  });

  it.each<[string, (string | [Buffer, string])[], Record<string, unknown>]>([
    ['a PNG (named .jpg)', ['photo-640x360.jpg', [pngBytes(), 'b.jpg']], { index: 1, rule: 'format', format: 'png' }],
    ['a 1440x2560 image (over 1080p)', ['photo-1440x2560.jpg'], { index: 0, rule: 'resolution', width: 1440 }],
    ['36 images', Array(36).fill('photo-640x360.webp'), { index: 35, rule: 'count', limit: 35 }],
    [
      'an image over 20,000,000 bytes',
      [[Buffer.concat([jpegBytes(), Buffer.alloc(20_000_001)]), 'big.jpg']],
      { index: 0, rule: 'size', limit: 20_000_000 },
    ],
  ])('should refuse %s with 422 photo_rejected before TikTok, keeping nothing', async (_, images, details) => {
    const userId = await freshUser();
    const before = await contentInits();
    const refused = await postForm({ userId, mode: 'inbox' }, images).expect(422);
    expect(refused.body.error).toMatchObject({ code: 'photo_rejected', details });
    expect(await contentInits()).toBe(before);
    expect(storedPhotos()).toEqual([]);
  });

  it('should sweep received photos whose links have expired, and nothing else', async () => {
    const dir = t.config.uploads.spoolDir;
    const orphan = `${'a'.repeat(64)}.photo`;
    writeFileSync(join(dir, orphan), jpegBytes());
    writeFileSync(join(dir, 'not-a-photo.photo'), 'x');
    const sweeper = t.app.get(PhotoSweeper);
    expect(await sweeper.sweep(new Date())).toEqual([]);
    expect(await sweeper.sweep(new Date(Date.now() + 25 * 3_600_000 + 60_000))).toEqual([orphan]);
    expect(readdirSync(dir)).toEqual(['not-a-photo.photo']);
    rmSync(join(dir, 'not-a-photo.photo'));
  });

  it('should refuse a form that also names photoUrls, or has no image', async () => {
    const both = await postForm({ userId: 'x', mode: 'inbox', photoUrls: 'https://a.example.com/1.jpg' }, [
      'photo-640x360.jpg',
    ]).expect(400);
    expect(both.body.error.details).toMatchObject({ field: 'photoUrls' });
    const userId = await freshUser();
    const none = await request(server())
      .post('/api/tiktok/photos')
      .set('X-API-Key', apiKey)
      .field('userId', userId)
      .field('mode', 'inbox')
      .expect(400);
    expect(none.body.error.details).toMatchObject({ field: 'photos' });
  });
});

/** An image server that sends the first bytes and then nothing more: a pull that stays in PROCESSING_DOWNLOAD. */
async function startSlowImageServer(): Promise<{ server: Server; url: string }> {
  const server = createHttpServer((_, res) => {
    res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': 100_000 });
    res.write(jpegBytes().subarray(0, 100));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow/photo.jpg` };
}

describe(`${PhotosController.name} with received images in an S3 bucket`, () => {
  let s3: TestS3Server;
  let bucket: S3Client;
  let t: TestApp;
  let apiKey: string;

  beforeAll(async () => {
    s3 = await startS3Server();
    Object.assign(process.env, s3.env); // AWS's standard credential chain reads these
    bucket = new S3Client({
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
    });
    const port = await freePort();
    const mediaBase = `http://127.0.0.1:${port}`;
    t = await startTestApp({
      sandboxOptions: { verifiedUrlPrefixes: [`${mediaBase}/media/photos/`] },
      env: { ...s3.env, MEDIA_PUBLIC_URL: mediaBase },
    });
    await t.app.listen(port, '127.0.0.1');
    ({ apiKey } = await createTenant(t.app));
    await connectUser(t.app.getHttpServer(), apiKey, 'alice');
  });
  afterAll(async () => {
    await t?.close();
    bucket?.destroy();
    await s3?.close();
  });

  const objects = async () =>
    ((await bucket.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? []).map((o) => o.Key);

  it('should serve the images to TikTok from the bucket, then delete the objects', async () => {
    const accepted = await request(t.app.getHttpServer())
      .post('/api/tiktok/photos')
      .set('X-API-Key', apiKey)
      .field('userId', 'alice')
      .field('mode', 'inbox')
      .attach('photos', join(FIXTURES, 'photo-640x360.webp'))
      .attach('photos', join(FIXTURES, 'photo-1080x1920.jpg'))
      .expect(202);
    expect(accepted.body).toMatchObject({ mediaType: 'photo', photos: { count: 2 } });
    expect(await objects()).toHaveLength(2);
    const done = await waitForFinal(t.app.getHttpServer(), apiKey, accepted.body.id as string);
    expect(done).toMatchObject({ status: 'inbox_delivered', error: null });
    const publish = (await t.control.publishes()).find((p) => p.publishId === done.publishId)!;
    expect(publish.images!.map((i) => [i.fetched, i.format, i.height])).toEqual([
      [true, 'webp', 360],
      [true, 'jpeg', 1920],
    ]);
    await waitUntil(async () => (await objects()).length === 0);
  });
});

/** Polls `done` every 20 ms for up to 5 s. */
async function waitUntil(done: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('still not done after 5 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function jpegBytes(): Buffer {
  return readFileSync(join(FIXTURES, 'photo-640x360.jpg'));
}

function pngBytes(): Buffer {
  return readFileSync(join(FIXTURES, 'photo-64x64.png'));
}
