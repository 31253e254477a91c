import type { Server } from 'node:http';
import { SANDBOX_ACCOUNTS } from '../../src/tiktok-sandbox/sandbox-control';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import { finalStatus, photoPost, startPhotoServer, stopServer } from './photo-kit';
import {
  ALL_SCOPES,
  MIB5,
  api,
  connect,
  fakeMp4,
  fileSource,
  startSandbox,
  uploadAll,
  type Harness,
} from './sandbox-test-kit';

const LIST = '/v2/video/list/';
const QUERY = '/v2/video/query/';
const READ_SCOPES = [...ALL_SCOPES, 'video.list'];
const VIRAL_VIEWS = '9007199254740993';

interface Listed {
  id: string;
  create_time: number;
  title: string;
  video_description: string;
  share_url: string;
}

describe(`${TikTokSandbox.name} video list and query`, () => {
  let h: Harness;
  let media: { server: Server; base: string };
  let jpeg: string;

  beforeAll(async () => {
    media = await startPhotoServer();
    jpeg = `${media.base}/photos/photo-640x360.jpg`;
    h = await startSandbox({ verifiedUrlPrefixes: [`${media.base}/photos/`] });
  });
  afterAll(async () => {
    await h.sandbox.stop();
    await stopServer(media.server);
  });
  beforeEach(() => h.control.reset());

  const list = (token: string, fields: string, body: unknown = {}) =>
    api(h.base, `${LIST}?fields=${fields}`, token, body);
  const videos = (r: { json: { data: Record<string, unknown> } }) => r.json.data.videos as Listed[];
  const post = (token: string, privacy_level: string, title: string) =>
    photoPost(h.base, token, { urls: [jpeg], postInfo: { privacy_level, title, description: `${title} #x` } });

  it('should list only public posts, newest first, and page with the create-time cursor', async () => {
    const token = (await connect(h.base, 'creator', READ_SCOPES)).access_token;
    const ids: string[] = [];
    for (const title of ['first', 'second', 'third']) {
      const done = await post(token, 'PUBLIC_TO_EVERYONE', title);
      ids.push(/"publicaly_available_post_id":\[(\d+)\]/.exec(done.text)![1]);
    }
    await post(token, 'MUTUAL_FOLLOW_FRIENDS', 'friends');
    await post(token, 'SELF_ONLY', 'hidden');
    const fields = 'id,create_time,title,video_description,share_url,view_count';
    const first = await list(token, fields, { max_count: 2 });
    expect(first.json.error.code).toBe('ok');
    expect(videos(first).map((v) => [v.id, v.title, v.video_description])).toEqual([
      [ids[2], 'third', 'third #x'],
      [ids[1], 'second', 'second #x'],
    ]);
    expect(videos(first)[0].share_url).toBe(`https://www.tiktok.com/@creator/photo/${ids[2]}`);
    expect(first.json.data.has_more).toBe(true);
    const second = await list(token, fields, { max_count: 2, cursor: first.json.data.cursor });
    expect(videos(second).map((v) => v.id)).toEqual([ids[0]]);
    expect(second.json.data.has_more).toBe(false);
    const all = await list(token, fields);
    expect(videos(all)).toHaveLength(3);
  });

  it('should carry the seeded view count above 2^53 and the int64 id as exact digits', async () => {
    const token = (await connect(h.base, 'viral_creator', READ_SCOPES)).access_token;
    const listed = await list(token, 'id,view_count,like_count');
    expect(listed.text).toContain(`"view_count":${VIRAL_VIEWS}`);
    expect(listed.text).toContain('"id":"7300000000000000001"');
    expect(String(Number(VIRAL_VIEWS))).not.toBe(VIRAL_VIEWS);
    // The seeded SELF_ONLY video is not listed.
    expect(videos(listed)).toHaveLength(1);
    const queried = await api(h.base, `${QUERY}?fields=view_count,title`, token, {
      filters: { video_ids: ['7300000000000000001', '7300000000000000003'] },
    });
    expect(queried.text).toContain(
      `{"data":{"videos":[{"view_count":${VIRAL_VIEWS},"title":"The one that went viral"}]}`,
    );
  });

  it("should leave viral_creator's post ids out of status, so the post is found with video/list", async () => {
    const token = (await connect(h.base, 'viral_creator', READ_SCOPES)).access_token;
    const done = await post(token, 'PUBLIC_TO_EVERYONE', 'new one');
    expect(done.json.data).toMatchObject({ status: 'PUBLISH_COMPLETE', publicaly_available_post_id: [] });
    const listed = await list(token, 'id,title', { max_count: 1 });
    expect(videos(listed)[0].title).toBe('new one');
    const [made] = (await h.control.posts()).filter((p) => p.title === 'new one');
    expect(videos(listed)[0].id).toBe(made.id);
  });

  it('should query only the user’s own public videos', async () => {
    const token = (await connect(h.base, 'creator', READ_SCOPES)).access_token;
    const done = await post(token, 'PUBLIC_TO_EVERYONE', 'mine');
    const id = /"publicaly_available_post_id":\[(\d+)\]/.exec(done.text)![1];
    const queried = await api(h.base, `${QUERY}?fields=id,title`, token, {
      filters: { video_ids: [id, '7300000000000000001'] },
    });
    expect(queried.json).toMatchObject({ data: { videos: [{ id, title: 'mine' }] }, error: { code: 'ok' } });
    expect(videos(queried)).toHaveLength(1);
  });

  it.each([
    ['no fields', LIST, {}],
    ['an unknown field', `${LIST}?fields=id,play_count`, {}],
    ['max_count 0', `${LIST}?fields=id`, { max_count: 0 }],
    ['max_count 21', `${LIST}?fields=id`, { max_count: 21 }],
    ['a fractional max_count', `${LIST}?fields=id`, { max_count: 1.5 }],
    ['a negative cursor', `${LIST}?fields=id`, { cursor: -1 }],
    ['an unknown body field', `${LIST}?fields=id`, { max_count: 5, page: 2 }],
    ['a query without filters', `${QUERY}?fields=id`, {}],
    ['a query of 21 ids', `${QUERY}?fields=id`, { filters: { video_ids: Array(21).fill('1') } }],
    ['a query of numeric ids', `${QUERY}?fields=id`, { filters: { video_ids: [7300000000000000001] } }],
    ['a query with an unknown field', `${QUERY}?fields=id,author`, { filters: { video_ids: ['1'] } }],
  ])('should refuse %s with 400 invalid_params', async (_name, path, body) => {
    const token = (await connect(h.base, 'creator', READ_SCOPES)).access_token;
    const refused = await api(h.base, path, token, body);
    expect(refused).toMatchObject({ status: 400, json: { data: {}, error: { code: 'invalid_params' } } });
  });

  it('should accept max_count 1 and 20 and default to 10', async () => {
    const token = (await connect(h.base, 'creator', READ_SCOPES)).access_token;
    expect((await list(token, 'id')).json.data).toEqual({ videos: [], cursor: 0, has_more: false });
    // Eleven posts need two tokens: each has 6 inits a minute.
    const second = (await connect(h.base, 'creator', READ_SCOPES)).access_token;
    for (let i = 0; i < 11; i += 1) await post(i < 6 ? token : second, 'PUBLIC_TO_EVERYONE', `post ${i}`);
    const byDefault = await list(token, 'id');
    expect(videos(byDefault)).toHaveLength(10);
    expect(byDefault.json.data.has_more).toBe(true);
    expect(videos(await list(token, 'id', { max_count: 1 }))).toHaveLength(1);
    expect(videos(await list(token, 'id', { max_count: 20 }))).toHaveLength(11);
  });

  it('should list a public Direct Post video with its caption and duration', async () => {
    const token = (await connect(h.base, 'creator', READ_SCOPES)).access_token;
    const video = fakeMp4(MIB5 + 1000, 12);
    const init = await api(h.base, '/v2/post/publish/video/init/', token, {
      post_info: { privacy_level: 'PUBLIC_TO_EVERYONE', title: 'A video #clip' },
      source_info: fileSource(video.length, video.length),
    });
    await uploadAll(init.json.data.upload_url, video, video.length);
    const done = await finalStatus(h.base, token, init.json.data.publish_id);
    const id = /"publicaly_available_post_id":\[(\d+)\]/.exec(done.text)![1];
    const listed = await list(token, 'id,title,video_description,duration,share_url');
    expect(listed.json.data.videos).toEqual([
      {
        id,
        title: 'A video #clip',
        video_description: 'A video #clip',
        duration: 12,
        share_url: `https://www.tiktok.com/@creator/video/${id}`,
      },
    ]);
  });

  it('should refuse both without video.list with 401 scope_not_authorized', async () => {
    const token = (await connect(h.base, 'viral_creator')).access_token;
    expect(await list(token, 'id')).toMatchObject({ status: 401, json: { error: { code: 'scope_not_authorized' } } });
    const queried = await api(h.base, `${QUERY}?fields=id`, token, { filters: { video_ids: ['7300000000000000001'] } });
    expect(queried).toMatchObject({ status: 401, json: { error: { code: 'scope_not_authorized' } } });
    expect((await h.control.violations()).map((v) => v.rule)).toEqual([
      'auth.scope_not_authorized',
      'auth.scope_not_authorized',
    ]);
  });

  it('should list the seeded posts in the control API with exact int64 strings', async () => {
    const posts = await h.control.posts();
    expect(posts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: '7300000000000000001',
          openId: SANDBOX_ACCOUNTS.viral_creator.openId,
          viewCount: VIRAL_VIEWS,
        }),
      ]),
    );
  });
});
