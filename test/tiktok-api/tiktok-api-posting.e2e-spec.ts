import { TikTokApiClient } from '../../src/tiktok-api/tiktok-api.client';
import { TikTokApiError, TikTokUnavailableError } from '../../src/tiktok-api/tiktok-api.error';
import type { TikTokPostInfo, TikTokVideoSource } from '../../src/tiktok-api/tiktok-api.models';
import { ScriptedServer } from './support/scripted-server';
import { ok, refused } from './support/tiktok-bodies';

const fileSource: TikTokVideoSource = { kind: 'file', videoSize: 50000123, chunkSize: 10000000, totalChunkCount: 5 };
const postInfo: TikTokPostInfo = {
  title: 'hi #tag',
  privacyLevel: 'SELF_ONLY',
  brandContentToggle: false,
  isAigc: true,
};
const initAnswer = ok({ publish_id: 'v_pub_file~v2-1.1', upload_url: 'https://upload.example/video/?upload_id=1' });
const json = (body: Buffer): unknown => JSON.parse(body.toString('utf8'));

describe(`${TikTokApiClient.name} data and posting APIs`, () => {
  let tiktok: ScriptedServer;
  let client: TikTokApiClient;

  beforeEach(async () => {
    tiktok = await ScriptedServer.start();
    client = new TikTokApiClient({
      clientKey: 'ck',
      clientSecret: 'cs',
      apiBaseUrl: `${tiktok.baseUrl}/`,
      retryBaseDelayMs: 5,
      requestTimeoutMs: 2000,
    });
  });

  afterEach(async () => {
    await client.onApplicationShutdown();
    await tiktok.close();
  });

  it('should read user info with a Bearer token, retrying a dropped connection', async () => {
    const user = { open_id: 'o1', union_id: 'u1', avatar_url: 'https://a', display_name: 'Tik Toker' };
    tiktok.answer('destroy', { status: 200, body: ok({ user }) });

    await expect(client.getUserInfo('act.1')).resolves.toEqual({
      openId: 'o1',
      unionId: 'u1',
      avatarUrl: 'https://a',
      displayName: 'Tik Toker',
    });
    expect(tiktok.requests).toHaveLength(2);
    expect(tiktok.requests[1].method).toBe('GET');
    expect(tiktok.requests[1].url).toBe('/v2/user/info/?fields=open_id,union_id,avatar_url,display_name');
    expect(tiktok.requests[1].headers.authorization).toBe('Bearer act.1');
  });

  it('should treat a spam code on creator_info with HTTP 200 as an error', async () => {
    tiktok.answer({ status: 200, body: refused('reached_active_user_cap', 'LOG-CAP', 'cap reached') });

    const query = client.queryCreatorInfo('act.1');

    await expect(query).rejects.toBeInstanceOf(TikTokApiError);
    await expect(query).rejects.toMatchObject({
      tiktokCode: 'reached_active_user_cap',
      logId: 'LOG-CAP',
      httpStatus: 200,
    });
    expect(tiktok.requests[0]).toMatchObject({ method: 'POST', url: '/v2/post/publish/creator_info/query/' });
    expect(tiktok.requests[0].headers['content-type']).toBe('application/json; charset=UTF-8');
  });

  it('should send a Direct Post init in wire form and read the publish id', async () => {
    tiktok.answer({ status: 200, body: initAnswer });

    await expect(client.initDirectPost('act.1', postInfo, fileSource)).resolves.toEqual({
      publishId: 'v_pub_file~v2-1.1',
      uploadUrl: 'https://upload.example/video/?upload_id=1',
    });
    expect(tiktok.requests[0].url).toBe('/v2/post/publish/video/init/');
    expect(json(tiktok.requests[0].body)).toEqual({
      post_info: { title: 'hi #tag', privacy_level: 'SELF_ONLY', brand_content_toggle: false, is_aigc: true },
      source_info: { source: 'FILE_UPLOAD', video_size: 50000123, chunk_size: 10000000, total_chunk_count: 5 },
    });
  });

  it('should send only source_info for an inbox init', async () => {
    tiktok.answer({ status: 200, body: ok({ publish_id: 'v_inbox_url~v2.1' }) });

    await expect(
      client.initInboxUpload('act.1', { kind: 'url', videoUrl: 'https://v.example/x.mp4' }),
    ).resolves.toEqual({
      publishId: 'v_inbox_url~v2.1',
    });
    expect(tiktok.requests[0].url).toBe('/v2/post/publish/inbox/video/init/');
    expect(json(tiktok.requests[0].body)).toEqual({
      source_info: { source: 'PULL_FROM_URL', video_url: 'https://v.example/x.mp4' },
    });
  });

  it.each([
    ['a 500', { status: 500, body: refused('internal_error', 'LOG-500') }],
    ['a dropped connection', 'destroy' as const],
    [
      'a 429 with Retry-After',
      { status: 429, headers: { 'retry-after': '1' }, body: refused('rate_limit_exceeded', 'L') },
    ],
  ])('should send an init exactly once after %s', async (_name, step) => {
    tiktok.answer(step, { status: 200, body: initAnswer });

    await expect(client.initDirectPost('act.1', postInfo, fileSource)).rejects.toThrow();
    await expect(client.initInboxUpload('act.1', fileSource)).resolves.toMatchObject({
      publishId: 'v_pub_file~v2-1.1',
    });
    expect(tiktok.requests.map((seen) => seen.url)).toEqual([
      '/v2/post/publish/video/init/',
      '/v2/post/publish/inbox/video/init/',
    ]);
  });

  it('should flag an init lost after sending as possibly delivered', async () => {
    tiktok.answer('destroy');

    await expect(client.initInboxUpload('act.1', fileSource)).rejects.toMatchObject({ deliveryUnknown: true });
  });

  it('should refuse a FILE_UPLOAD init answer without an upload_url', async () => {
    tiktok.answer({ status: 200, body: ok({ publish_id: 'v_pub_file~v2-1.1' }, 'LOG-NOURL') });

    await expect(client.initDirectPost('act.1', postInfo, fileSource)).rejects.toMatchObject({
      tiktokCode: 'invalid_response',
      logId: 'LOG-NOURL',
    });
  });

  it('should report a 403 init refusal with TikTok code and log id', async () => {
    tiktok.answer({ status: 403, body: refused('unaudited_client_can_only_post_to_private_accounts', 'LOG-403') });

    await expect(client.initDirectPost('act.1', postInfo, fileSource)).rejects.toMatchObject({
      tiktokCode: 'unaudited_client_can_only_post_to_private_accounts',
      logId: 'LOG-403',
      httpStatus: 403,
      details: { code: 'unaudited_client_can_only_post_to_private_accounts', logId: 'LOG-403', httpStatus: 403 },
    });
  });

  it('should wait out a 429 with Retry-After: 1 and keep int64 post ids exact', async () => {
    const statusJson =
      '{"data":{"status":"PUBLISH_COMPLETE","publicaly_available_post_id":[7261463769757501445]},' +
      '"error":{"code":"ok","message":"","log_id":"L"}}';
    tiktok.answer(
      { status: 429, headers: { 'retry-after': '1' }, body: refused('rate_limit_exceeded', 'LOG-429') },
      { status: 200, headers: { 'content-type': 'application/json' }, body: statusJson },
    );

    await expect(client.fetchPublishStatus('act.1', 'v_pub_file~v2-1.1')).resolves.toEqual({
      status: 'PUBLISH_COMPLETE',
      postIds: ['7261463769757501445'],
      failReason: undefined,
      uploadedBytes: undefined,
      downloadedBytes: undefined,
    });
    expect(tiktok.requests).toHaveLength(2);
    expect(json(tiktok.requests[0].body)).toEqual({ publish_id: 'v_pub_file~v2-1.1' });
    expect(tiktok.requests[0].url).toBe('/v2/post/publish/status/fetch/');
  });

  it('should not wait for a Retry-After above the cap, nor retry a 429 without one', async () => {
    tiktok.answer(
      { status: 429, headers: { 'retry-after': '120' }, body: refused('rate_limit_exceeded', 'LOG-RL') },
      { status: 429, body: refused('rate_limit_exceeded', 'LOG-RL2') },
    );

    await expect(client.fetchPublishStatus('act.1', 'p')).rejects.toMatchObject({
      retryAfterSeconds: 120,
      logId: 'LOG-RL',
    });
    await expect(client.fetchPublishStatus('act.1', 'p')).rejects.toMatchObject({ tiktokCode: 'rate_limit_exceeded' });
    expect(tiktok.requests).toHaveLength(2);
  });

  it('should give up after maxRetries 5xx answers, keeping the last log id', async () => {
    tiktok.answer(...[1, 2, 3, 4].map((n) => ({ status: 503, body: refused('internal_error', `LOG-${n}`) })));

    const fetch = client.fetchPublishStatus('act.1', 'p');

    await expect(fetch).rejects.toBeInstanceOf(TikTokUnavailableError);
    await expect(fetch).rejects.toMatchObject({ reason: 'server_error', httpStatus: 503, logId: 'LOG-4' });
    expect(tiktok.requests).toHaveLength(4);
  });

  it('should cancel a publish', async () => {
    tiktok.answer({ status: 200, body: { error: { code: 'ok', message: '', log_id: 'L' } } });

    await expect(client.cancelPublish('act.1', 'v_pub_url~v2.1')).resolves.toBeUndefined();
    expect(tiktok.requests[0].url).toBe('/v2/post/publish/cancel/');
    expect(json(tiktok.requests[0].body)).toEqual({ publish_id: 'v_pub_url~v2.1' });
  });

  it('should report a cancel TikTok refuses', async () => {
    tiktok.answer({ status: 400, body: refused('publish_not_cancellable', 'LOG-C') });

    await expect(client.cancelPublish('act.1', 'v')).rejects.toMatchObject({ tiktokCode: 'publish_not_cancellable' });
  });
});
