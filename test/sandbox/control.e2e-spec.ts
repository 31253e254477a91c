import { SANDBOX_ACCOUNTS, SandboxControl, fingerprintToken } from '../../src/tiktok-sandbox/sandbox-control';
import { api, connect, fileSource, startSandbox, type Harness } from './sandbox-test-kit';

const INBOX = '/v2/post/publish/inbox/video/init/';

describe(SandboxControl.name, () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startSandbox();
  });
  afterAll(() => h.sandbox.stop());
  beforeEach(() => h.control.reset());

  it('should list the scenario accounts with stable open ids', async () => {
    const accounts = await h.control.accounts();
    expect(accounts.map((a) => a.name)).toEqual(Object.keys(SANDBOX_ACCOUNTS));
    expect((await connect(h.base, 'banned_creator')).open_id).toBe(SANDBOX_ACCOUNTS.banned_creator.openId);
  });

  it('should record requests with a token fingerprint and never the raw token', async () => {
    const tokens = await connect(h.base);
    await api(h.base, '/v2/post/publish/creator_info/query/', tokens.access_token);
    const requests = await h.control.requests();
    expect(requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /v2/auth/authorize/ 302',
      'POST /v2/oauth/token/ 200',
      'POST /v2/post/publish/creator_info/query/ 200',
    ]);
    expect(requests[2].tokenFingerprint).toBe(fingerprintToken(tokens.access_token));
    const dump = JSON.stringify(requests);
    expect(dump).not.toContain(tokens.access_token);
    expect(dump).not.toContain(tokens.refresh_token);
  });

  it('should answer the next inits with 429 without recording a violation', async () => {
    const token = (await connect(h.base)).access_token;
    await h.control.rateLimitNextInits(1);
    expect((await api(h.base, INBOX, token, { source_info: fileSource(1000) })).status).toBe(429);
    expect((await api(h.base, INBOX, token, { source_info: fileSource(1000) })).status).toBe(200);
    expect(await h.control.violations()).toEqual([]);
  });

  it('should answer the next status fetches with 429', async () => {
    const token = (await connect(h.base)).access_token;
    const init = await api(h.base, INBOX, token, { source_info: fileSource(1000) });
    await h.control.rateLimitNextStatusFetches(1);
    const fetchStatus = () =>
      api(h.base, '/v2/post/publish/status/fetch/', token, { publish_id: init.json.data.publish_id });
    expect((await fetchStatus()).json.error.code).toBe('rate_limit_exceeded');
    expect((await fetchStatus()).json.error.code).toBe('ok');
  });

  it("should change an account's settings until reset: creator_info and init follow them", async () => {
    const token = (await connect(h.base)).access_token;
    const creatorInfo = async () =>
      (await api(h.base, '/v2/post/publish/creator_info/query/', token)).json.data as {
        privacy_level_options: string[];
        max_video_post_duration_sec: number;
      };
    const { openId } = SANDBOX_ACCOUNTS.creator;
    await h.control.changeAccountSettings(openId, { privateAccount: true, maxVideoPostDurationSec: 60 });
    expect(await creatorInfo()).toMatchObject({
      privacy_level_options: ['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'],
      max_video_post_duration_sec: 60,
    });
    const post = { post_info: { privacy_level: 'PUBLIC_TO_EVERYONE', brand_content_toggle: false } };
    const init = await api(h.base, '/v2/post/publish/video/init/', token, { ...post, source_info: fileSource(1000) });
    expect(init.json.error.code).toBe('privacy_level_option_mismatch');
    await h.control.reset();
    const again = await connect(h.base);
    const options = await api(h.base, '/v2/post/publish/creator_info/query/', again.access_token);
    expect(options.json.data.privacy_level_options).toContain('PUBLIC_TO_EVERYONE');
  });

  it("should expire all of a user's access tokens", async () => {
    const first = await connect(h.base);
    const second = await connect(h.base);
    expect(await h.control.expireUserAccessTokens(first.open_id)).toEqual({ expired: 2 });
    for (const t of [first, second]) {
      expect((await api(h.base, INBOX, t.access_token, { source_info: fileSource(1000) })).status).toBe(401);
    }
  });

  it('should count inits of the same video per user, to reveal duplicate posts', async () => {
    const token = (await connect(h.base)).access_token;
    await api(h.base, INBOX, token, { source_info: fileSource(1000) });
    await api(h.base, INBOX, token, { source_info: fileSource(1000) });
    const stats = await h.control.stats();
    expect(stats.inits).toEqual([expect.objectContaining({ sourceKey: 'size:1000', count: 2 })]);
    expect(stats.refreshTokenReused).toBe(false);
  });

  it('should slow responses by the configured latency', async () => {
    await h.control.setLatency(3000);
    const slow = fetch(`${h.base}/v2/user/info/?fields=open_id`, { signal: AbortSignal.timeout(200) });
    await expect(slow).rejects.toThrow();
    await h.control.setLatency(0);
  });

  it('should hold only the token endpoint by the token delay, still judging the request', async () => {
    await h.control.setTokenDelay(1500);
    const token = fetch(`${h.base}/v2/oauth/token/`, { method: 'POST', signal: AbortSignal.timeout(200) });
    await expect(token).rejects.toThrow();
    const info = await fetch(`${h.base}/v2/user/info/?fields=open_id`, { signal: AbortSignal.timeout(2000) });
    expect(info.status).toBe(401);
    await h.control.setTokenDelay(50);
    const refused = await fetch(`${h.base}/v2/oauth/token/`, { method: 'POST' });
    expect((await refused.json()) as unknown).toMatchObject({ error: 'invalid_request' });
    await h.control.setTokenDelay(0);
  });

  it('should remove an authorization as if the user disconnected in the app', async () => {
    const tokens = await connect(h.base);
    expect(await h.control.removeAuthorization(tokens.open_id)).toEqual({ revoked: 1 });
    expect((await api(h.base, INBOX, tokens.access_token, { source_info: fileSource(1000) })).status).toBe(401);
  });

  it('should refuse bad control input with 400 and record unknown routes as violations', async () => {
    await expect(h.control.failNextChunkPuts(1, 'status', 404)).rejects.toThrow(/400/);
    const noSlash = await fetch(`${h.base}/v2/oauth/token`, { method: 'POST' });
    expect(noSlash.status).toBe(404);
    expect((await h.control.violations()).map((v) => v.rule)).toEqual(['http.unknown_route']);
  });

  it('should clear everything on reset', async () => {
    await api(h.base, INBOX, 'act.nope', { source_info: fileSource(1000) });
    await h.control.reset();
    expect(await h.control.violations()).toEqual([]);
    expect(await h.control.requests()).toEqual([]);
    expect(await h.control.publishes()).toEqual([]);
  });
});
