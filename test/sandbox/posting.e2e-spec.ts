import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import { MIB5, api, connect, fileSource, startSandbox, type Harness } from './sandbox-test-kit';

const DIRECT = '/v2/post/publish/video/init/';
const INBOX = '/v2/post/publish/inbox/video/init/';
const CREATOR_INFO = '/v2/post/publish/creator_info/query/';
const PUBLIC = { privacy_level: 'PUBLIC_TO_EVERYONE' };

describe(`${TikTokSandbox.name} posting`, () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startSandbox({ verifiedUrlPrefixes: ['https://media.example.com/videos/'] });
  });
  afterAll(() => h.sandbox.stop());
  beforeEach(() => h.control.reset());

  const rules = async () => (await h.control.violations()).map((v) => v.rule);

  it("should describe each scenario account's creator info", async () => {
    const creator = await api(h.base, CREATOR_INFO, (await connect(h.base)).access_token);
    expect(creator.json).toMatchObject({
      data: {
        privacy_level_options: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'],
        max_video_post_duration_sec: 600,
        comment_disabled: false,
      },
      error: { code: 'ok' },
    });
    const priv = await api(h.base, CREATOR_INFO, (await connect(h.base, 'private_creator')).access_token);
    expect(priv.json.data.privacy_level_options).toEqual(['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY']);
    const short = await api(h.base, CREATOR_INFO, (await connect(h.base, 'short_limit_creator')).access_token);
    expect(short.json.data.max_video_post_duration_sec).toBe(60);
  });

  it('should answer the posting blocks of creator_info with HTTP 200', async () => {
    const capped = await api(h.base, CREATOR_INFO, (await connect(h.base, 'capped_creator')).access_token);
    expect(capped).toMatchObject({ status: 200, json: { data: {}, error: { code: 'spam_risk_too_many_posts' } } });
    const banned = await api(h.base, CREATOR_INFO, (await connect(h.base, 'banned_creator')).access_token);
    expect(banned).toMatchObject({ status: 200, json: { error: { code: 'spam_risk_user_banned_from_posting' } } });
  });

  it('should refuse creator_info and Direct Post without video.publish', async () => {
    const token = (await connect(h.base, 'creator', ['user.info.basic', 'video.upload'])).access_token;
    expect(await api(h.base, CREATOR_INFO, token)).toMatchObject({
      status: 401,
      json: { error: { code: 'scope_not_authorized' } },
    });
    const init = await api(h.base, DIRECT, token, { post_info: PUBLIC, source_info: fileSource(1000) });
    expect(init.status).toBe(401);
    expect(await rules()).toEqual(['auth.scope_not_authorized', 'auth.scope_not_authorized']);
  });

  it('should refuse an unknown or expired access token with 401 access_token_invalid', async () => {
    expect(await api(h.base, CREATOR_INFO, 'act.unknown')).toMatchObject({
      status: 401,
      json: { error: { code: 'access_token_invalid' } },
    });
    const token = (await connect(h.base)).access_token;
    await h.control.expireAccessToken(token);
    expect((await api(h.base, CREATOR_INFO, token)).json.error.code).toBe('access_token_invalid');
  });

  it('should start Direct Post and inbox uploads with TikTok publish id prefixes and an upload URL on the sandbox', async () => {
    const token = (await connect(h.base)).access_token;
    const direct = await api(h.base, DIRECT, token, {
      post_info: { ...PUBLIC, title: 'hi #x' },
      source_info: fileSource(50_000_123),
    });
    expect(direct.json.error.code).toBe('ok');
    expect(direct.json.data.publish_id).toMatch(/^v_pub_file~v2-1\.\d+$/);
    expect(direct.json.data.upload_url).toMatch(new RegExp(`^${h.base}/upload/\\?upload_id=\\d+&upload_token=`));
    const inbox = await api(h.base, INBOX, token, { source_info: fileSource(4_194_304) });
    expect(inbox.json.data.publish_id).toMatch(/^v_inbox_file~v2\.\d+$/);
    expect(await rules()).toEqual([]);
  });

  it('should refuse post_info on an inbox upload', async () => {
    const token = (await connect(h.base)).access_token;
    const inbox = await api(h.base, INBOX, token, { post_info: PUBLIC, source_info: fileSource(1000) });
    expect(inbox).toMatchObject({ status: 400, json: { error: { code: 'invalid_param' } } });
  });

  it.each([
    [
      'a ceiling-rounded chunk count',
      { video_size: 50_000_123, chunk_size: 10_000_000, total_chunk_count: 6 },
      'upload.chunk_count_not_floor',
    ],
    [
      'a chunk below 5 MiB',
      { video_size: 50_000_000, chunk_size: 5_000_000, total_chunk_count: 10 },
      'upload.chunk_too_small',
    ],
    [
      'a chunk above 64,000,000',
      { video_size: 200_000_000, chunk_size: 64_000_001, total_chunk_count: 3 },
      'upload.chunk_too_large',
    ],
    [
      'a small video not sent whole',
      { video_size: 4_000_000, chunk_size: 2_000_000, total_chunk_count: 2 },
      'upload.small_video_not_whole',
    ],
    [
      'a video above 4 GB',
      { video_size: 4 * 1024 ** 3 + 1, chunk_size: 64_000_000, total_chunk_count: 67 },
      'upload.video_too_large',
    ],
    [
      'a fractional size',
      { video_size: 1000.5, chunk_size: 1000.5, total_chunk_count: 1 },
      'upload.source_info_numbers',
    ],
  ])('should refuse %s with 400 invalid_param', async (_name, numbers, rule) => {
    const token = (await connect(h.base)).access_token;
    const init = await api(h.base, INBOX, token, { source_info: { source: 'FILE_UPLOAD', ...numbers } });
    expect(init).toMatchObject({ status: 400, json: { data: {}, error: { code: 'invalid_param' } } });
    expect(await rules()).toEqual([rule]);
  });

  it('should accept the documented chunk examples', async () => {
    const token = (await connect(h.base)).access_token;
    for (const source of [fileSource(50_000_123, 10_000_000), fileSource(64_000_001, 64_000_000), fileSource(MIB5)]) {
      expect((await api(h.base, INBOX, token, { source_info: source })).json.error.code).toBe('ok');
    }
  });

  it('should refuse a privacy level the creator is not offered, or none, with 403 privacy_level_option_mismatch', async () => {
    const token = (await connect(h.base, 'private_creator')).access_token;
    for (const post_info of [PUBLIC, { title: 'x' }]) {
      const init = await api(h.base, DIRECT, token, { post_info, source_info: fileSource(1000) });
      expect(init).toMatchObject({ status: 403, json: { error: { code: 'privacy_level_option_mismatch' } } });
    }
    expect(await rules()).toEqual(['init.privacy_level_option_mismatch', 'init.privacy_level_option_mismatch']);
  });

  it('should count the title in UTF-16 code units', async () => {
    const token = (await connect(h.base)).access_token;
    const ok = await api(h.base, DIRECT, token, {
      post_info: { ...PUBLIC, title: '😀'.repeat(1100) },
      source_info: fileSource(1000),
    });
    expect(ok.json.error.code).toBe('ok');
    const long = await api(h.base, DIRECT, token, {
      post_info: { ...PUBLIC, title: `${'😀'.repeat(1100)}a` },
      source_info: fileSource(1000),
    });
    expect(long).toMatchObject({ status: 400, json: { error: { code: 'invalid_param' } } });
  });

  it('should refuse a JSON body sent as another content type', async () => {
    const token = (await connect(h.base)).access_token;
    const response = await fetch(`${h.base}${INBOX}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/plain' },
      body: JSON.stringify({ source_info: fileSource(1000) }),
    });
    expect(response.status).toBe(400);
    expect(await rules()).toEqual(['api.content_type']);
  });

  it('should refuse a seventh init inside a minute with 429 rate_limit_exceeded', async () => {
    const token = (await connect(h.base)).access_token;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      statuses.push(
        (await api(h.base, DIRECT, token, { post_info: PUBLIC, source_info: fileSource(1000 + i) })).status,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
    expect(await rules()).toEqual(['rate_limit.init']);
  });

  it('should refuse a sixth pending inbox share within 24 h', async () => {
    const token = (await connect(h.base)).access_token;
    for (let i = 0; i < 5; i += 1) await api(h.base, INBOX, token, { source_info: fileSource(1000 + i) });
    const sixth = await api(h.base, INBOX, token, { source_info: fileSource(2000) });
    expect(sixth).toMatchObject({ status: 403, json: { error: { code: 'spam_risk_too_many_pending_share' } } });
  });

  it('should refuse Direct Post for the capped and banned creators with 403', async () => {
    const capped = (await connect(h.base, 'capped_creator')).access_token;
    const init = await api(h.base, DIRECT, capped, { post_info: PUBLIC, source_info: fileSource(1000) });
    expect(init).toMatchObject({ status: 403, json: { error: { code: 'spam_risk_too_many_posts' } } });
    const banned = (await connect(h.base, 'banned_creator')).access_token;
    const inbox = await api(h.base, INBOX, banned, { source_info: fileSource(1000) });
    expect(inbox).toMatchObject({ status: 403, json: { error: { code: 'spam_risk_user_banned_from_posting' } } });
  });

  it('should refuse a PULL_FROM_URL outside the verified prefixes with 403 url_ownership_unverified', async () => {
    const token = (await connect(h.base)).access_token;
    const pull = (video_url: string) =>
      api(h.base, INBOX, token, { source_info: { source: 'PULL_FROM_URL', video_url } });
    const refused = await pull('https://media.example.com/videos2/a.mp4');
    expect(refused).toMatchObject({ status: 403, json: { error: { code: 'url_ownership_unverified' } } });
    expect((await pull('https://media.example.com/videos/a.mp4')).json.data.publish_id).toMatch(/^v_inbox_url~v2\./);
    const plainHttp = await pull('http://media.example.com/videos/a.mp4');
    expect(plainHttp).toMatchObject({ status: 400, json: { error: { code: 'invalid_param' } } });
  });
});

describe(`${TikTokSandbox.name} unaudited client`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startSandbox({ audited: false });
  });
  afterAll(() => h.sandbox.stop());

  it('should allow only SELF_ONLY posts to private accounts', async () => {
    const publicToken = (await connect(h.base)).access_token;
    const toPublic = await api(h.base, DIRECT, publicToken, {
      post_info: { privacy_level: 'SELF_ONLY' },
      source_info: fileSource(1000),
    });
    expect(toPublic).toMatchObject({
      status: 403,
      json: { error: { code: 'unaudited_client_can_only_post_to_private_accounts' } },
    });
    const privateToken = (await connect(h.base, 'private_creator')).access_token;
    const friends = await api(h.base, DIRECT, privateToken, {
      post_info: { privacy_level: 'MUTUAL_FOLLOW_FRIENDS' },
      source_info: fileSource(1000),
    });
    expect(friends).toMatchObject({ status: 403, json: { error: { code: 'privacy_level_option_mismatch' } } });
    const selfOnly = await api(h.base, DIRECT, privateToken, {
      post_info: { privacy_level: 'SELF_ONLY' },
      source_info: fileSource(1000),
    });
    expect(selfOnly.json.error.code).toBe('ok');
  });
});
