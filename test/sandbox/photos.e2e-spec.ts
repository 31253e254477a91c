import type { Server } from 'node:http';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import { CONTENT_INIT, STATUS, finalStatus, photoBody, photoPost, startPhotoServer, stopServer } from './photo-kit';
import { api, connect, fileSource, startSandbox, type Harness } from './sandbox-test-kit';

describe(`${TikTokSandbox.name} photo posts`, () => {
  let h: Harness;
  let media: { server: Server; base: string; hits: string[] };
  let photos: string;

  beforeAll(async () => {
    media = await startPhotoServer();
    photos = `${media.base}/photos/`;
    h = await startSandbox({ verifiedUrlPrefixes: [photos] });
  });
  afterAll(async () => {
    await h.sandbox.stop();
    await stopServer(media.server);
  });
  beforeEach(async () => {
    await h.control.reset();
    media.hits.length = 0;
  });

  const rules = async () => (await h.control.violations()).map((v) => v.rule);
  const jpeg = () => `${photos}photo-640x360.jpg`;
  const webp = () => `${photos}photo-640x360.webp`;

  it('should post photos directly: pull every image in order, then PUBLISH_COMPLETE with a post id', async () => {
    const token = (await connect(h.base)).access_token;
    const body = photoBody({
      urls: [jpeg(), webp(), `${photos}photo-1080x1920.jpg`],
      coverIndex: 1,
      postInfo: {
        privacy_level: 'PUBLIC_TO_EVERYONE',
        title: 'Three',
        description: 'A #carousel',
        auto_add_music: true,
      },
    });
    const init = await api(h.base, CONTENT_INIT, token, body);
    expect(init).toMatchObject({ status: 200, json: { error: { code: 'ok' } } });
    expect(init.json.data.publish_id).toMatch(/^p_pub_url~v2\.\d+$/);
    const done = await finalStatus(h.base, token, init.json.data.publish_id);
    expect(done.json.data.status).toBe('PUBLISH_COMPLETE');
    expect(done.text).toMatch(/"publicaly_available_post_id":\[\d{19}\]/);
    expect(media.hits).toEqual([
      '/photos/photo-640x360.jpg',
      '/photos/photo-640x360.webp',
      '/photos/photo-1080x1920.jpg',
    ]);
    const [publish] = await h.control.publishes();
    expect(publish).toMatchObject({ mediaType: 'PHOTO', kind: 'direct', initBody: body });
    expect(publish.images!.map((i) => [i.fetched, i.format, i.width, i.height])).toEqual([
      [true, 'jpeg', 640, 360],
      [true, 'webp', 640, 360],
      [true, 'jpeg', 1080, 1920],
    ]);
    expect(await rules()).toEqual([]);
  });

  it('should send MEDIA_UPLOAD photos to the inbox with only video.upload granted', async () => {
    const token = (await connect(h.base, 'creator', ['user.info.basic', 'video.upload'])).access_token;
    const done = await photoPost(h.base, token, {
      mode: 'MEDIA_UPLOAD',
      urls: [webp()],
      postInfo: { title: 'Draft', description: 'Finish me in the app' },
    });
    expect(done.json.data).toMatchObject({ status: 'SEND_TO_USER_INBOX', publicaly_available_post_id: [] });
  });

  it('should require video.publish for DIRECT_POST and video.upload for MEDIA_UPLOAD', async () => {
    const uploadOnly = (await connect(h.base, 'creator', ['user.info.basic', 'video.upload'])).access_token;
    const direct = await api(h.base, CONTENT_INIT, uploadOnly, photoBody({ urls: [jpeg()] }));
    expect(direct).toMatchObject({ status: 401, json: { error: { code: 'scope_not_authorized' } } });
    const publishOnly = (await connect(h.base, 'creator', ['user.info.basic', 'video.publish'])).access_token;
    const inbox = await api(h.base, CONTENT_INIT, publishOnly, photoBody({ mode: 'MEDIA_UPLOAD', urls: [jpeg()] }));
    expect(inbox).toMatchObject({ status: 401, json: { error: { code: 'scope_not_authorized' } } });
    expect(media.hits).toEqual([]);
  });

  const PUBLIC = { privacy_level: 'PUBLIC_TO_EVERYONE' };
  type BodyEdit = (body: ReturnType<typeof photoBody>, url: string) => unknown;
  it.each<[string, BodyEdit, number, string, string]>([
    [
      '36 images',
      (b, url) => ((b.source_info.photo_images = Array(36).fill(url)), b),
      400,
      'invalid_param',
      'photo.image_count',
    ],
    ['no image', (b) => ((b.source_info.photo_images = []), b), 400, 'invalid_param', 'photo.image_count'],
    [
      'a cover index past the last image',
      (b) => ((b.source_info.photo_cover_index = 1), b),
      400,
      'invalid_param',
      'photo.cover_index',
    ],
    [
      'an image outside the verified prefixes',
      (b, url) => ((b.source_info.photo_images = [url, 'https://cdn.example.com/photos/a.jpg']), b),
      403,
      'url_ownership_unverified',
      'init.url_ownership_unverified',
    ],
    [
      'a video-only post_info field',
      (b) => ({ ...b, post_info: { ...PUBLIC, disable_duet: true } }),
      400,
      'invalid_params',
      'photo.video_only_field',
    ],
    [
      'a video-only source_info field',
      (b) => ({ ...b, source_info: { ...b.source_info, video_size: 1000 } }),
      400,
      'invalid_params',
      'photo.video_only_field',
    ],
    [
      'a 91-unit title',
      (b) => ({ ...b, post_info: { ...PUBLIC, title: 'a'.repeat(91) } }),
      400,
      'invalid_param',
      'photo.title_too_long',
    ],
    [
      'a 4001-unit description',
      (b) => ({ ...b, post_info: { ...PUBLIC, description: 'a'.repeat(4001) } }),
      400,
      'invalid_param',
      'photo.description_too_long',
    ],
    [
      'FILE_UPLOAD',
      (b) => ({ ...b, source_info: { ...b.source_info, source: 'FILE_UPLOAD' } }),
      400,
      'invalid_param',
      'photo.source',
    ],
    ['media_type VIDEO', (b) => ({ ...b, media_type: 'VIDEO' }), 400, 'invalid_param', 'photo.media_type'],
    [
      'a missing privacy level',
      (b) => ({ ...b, post_info: { title: 'x' } }),
      403,
      'privacy_level_option_mismatch',
      'init.privacy_level_option_mismatch',
    ],
    [
      'a toggle on MEDIA_UPLOAD',
      (b) => ({ ...b, post_mode: 'MEDIA_UPLOAD', post_info: { auto_add_music: true } }),
      400,
      'invalid_param',
      'photo.direct_post_field',
    ],
    [
      'a privacy level on MEDIA_UPLOAD',
      (b) => ({ ...b, post_mode: 'MEDIA_UPLOAD', post_info: PUBLIC }),
      400,
      'invalid_param',
      'photo.direct_post_field',
    ],
  ])('should refuse %s', async (_name, edit, status, code, rule) => {
    const token = (await connect(h.base)).access_token;
    const refused = await api(h.base, CONTENT_INIT, token, edit(photoBody({ urls: [jpeg()] }), jpeg()));
    expect(refused).toMatchObject({ status, json: { data: {}, error: { code } } });
    expect(await rules()).toEqual([rule]);
    expect(await h.control.publishes()).toEqual([]);
  });

  it('should refuse a privacy level the creator is not offered, and accept a 90-unit title of emoji halves', async () => {
    const priv = (await connect(h.base, 'private_creator')).access_token;
    const refused = await api(h.base, CONTENT_INIT, priv, photoBody({ urls: [jpeg()] }));
    expect(refused).toMatchObject({ status: 403, json: { error: { code: 'privacy_level_option_mismatch' } } });
    const token = (await connect(h.base)).access_token;
    const title = '😀'.repeat(45);
    const accepted = await api(
      h.base,
      CONTENT_INIT,
      token,
      photoBody({ urls: [jpeg()], postInfo: { ...PUBLIC, title } }),
    );
    expect(accepted.json.error.code).toBe('ok');
  });

  it.each([
    ['a PNG', 'photo-64x64.png', 'file_format_check_failed', 'png'],
    ['a JPEG above 1080p', 'photo-1440x2560.jpg', 'picture_size_check_failed', 'jpeg'],
  ])('should fail the publish when one image is %s', async (_name, file, reason, format) => {
    const token = (await connect(h.base)).access_token;
    const done = await photoPost(h.base, token, { urls: [jpeg(), `${photos}${file}`] });
    expect(done.json.data).toMatchObject({ status: 'FAILED', fail_reason: reason, publicaly_available_post_id: [] });
    const [publish] = await h.control.publishes();
    expect(publish.images![1]).toMatchObject({ fetched: true, format, failReason: reason });
  });

  it('should fail with photo_pull_failed when an image redirects or is missing', async () => {
    const token = (await connect(h.base)).access_token;
    for (const file of ['redirect.jpg', 'missing.jpg']) {
      const done = await photoPost(h.base, token, { urls: [`${photos}${file}`] });
      expect(done.json.data).toMatchObject({ status: 'FAILED', fail_reason: 'photo_pull_failed' });
    }
  });

  it('should share the budget of 6 inits a minute with the video inits', async () => {
    const token = (await connect(h.base)).access_token;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const video = { post_info: PUBLIC, source_info: fileSource(1000 + i) };
      statuses.push((await api(h.base, '/v2/post/publish/video/init/', token, video)).status);
      statuses.push((await api(h.base, CONTENT_INIT, token, photoBody({ urls: [jpeg()] }))).status);
    }
    statuses.push((await api(h.base, CONTENT_INIT, token, photoBody({ urls: [jpeg()] }))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
    expect(await rules()).toEqual(['rate_limit.init']);
  });

  it('should count MEDIA_UPLOAD photos toward the 5 pending inbox shares', async () => {
    const token = (await connect(h.base)).access_token;
    for (let i = 0; i < 5; i += 1) {
      const init = await api(h.base, CONTENT_INIT, token, photoBody({ mode: 'MEDIA_UPLOAD', urls: [jpeg()] }));
      expect(init.json.error.code).toBe('ok');
    }
    // The sixth init of the minute: still inside the budget of 6, so only the cap can refuse it.
    const video = await api(h.base, '/v2/post/publish/inbox/video/init/', token, { source_info: fileSource(1000) });
    expect(video).toMatchObject({ status: 403, json: { error: { code: 'spam_risk_too_many_pending_share' } } });
  });

  it('should read a photo publish with status/fetch only for its own user', async () => {
    const token = (await connect(h.base)).access_token;
    const init = await api(h.base, CONTENT_INIT, token, photoBody({ urls: [jpeg()] }));
    const other = (await connect(h.base, 'private_creator')).access_token;
    const foreign = await api(h.base, STATUS, other, { publish_id: init.json.data.publish_id });
    expect(foreign.json.error.code).toBe('token_not_authorized_for_specified_publish_id');
  });
});
