import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TikTokSandbox } from '../../src/tiktok-sandbox/tiktok-sandbox';
import {
  CLIENT_KEY,
  CLIENT_SECRET,
  MIB5,
  api,
  connect,
  fakeMp4,
  fileSource,
  postForm,
  startSandbox,
  uploadAll,
  waitFor,
  type Harness,
} from './sandbox-test-kit';

interface Received {
  signature: string;
  body: string;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

function verify(received: Received): boolean {
  const [, t, s] = /^t=(\d+),s=([0-9a-f]{64})$/.exec(received.signature) ?? [];
  return s === createHmac('sha256', CLIENT_SECRET).update(`${t}.${received.body}`).digest('hex');
}

describe(`${TikTokSandbox.name} status and webhooks`, () => {
  let h: Harness;
  let hooks: Server;
  let media: Server;
  let mediaBase: string;
  let received: Received[] = [];
  let failNextHooks = 0;
  const video = fakeMp4(12_000_000);
  const STATUS = '/v2/post/publish/status/fetch/';

  beforeAll(async () => {
    hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push({ signature: String(req.headers['tiktok-signature']), body });
        res.writeHead(failNextHooks-- > 0 ? 500 : 200).end();
      });
    });
    media = createServer((req, res) => {
      if (req.url === '/videos/redirect.mp4') return res.writeHead(302, { Location: '/videos/a.mp4' }).end();
      if (req.url === '/videos/slow.mp4')
        return res.writeHead(200, { 'Content-Type': 'video/mp4' }).write(video.subarray(0, 1000));
      res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': video.length }).end(video);
    });
    mediaBase = await listen(media);
    h = await startSandbox({
      verifiedUrlPrefixes: [`${mediaBase}/videos/`],
      webhookUrl: `${await listen(hooks)}/hooks`,
    });
  });
  afterAll(async () => {
    await h.sandbox.stop();
    await Promise.all([close(hooks), close(media)]);
  });
  beforeEach(async () => {
    // Deliveries of the previous test must land before `received` is cleared.
    await waitFor(async () => ((await h.control.webhookDeliveries()).every((d) => d.delivered) ? true : undefined));
    await h.control.reset();
    received = [];
    failNextHooks = 0;
  });

  const events = () =>
    received.map((r) => JSON.parse(r.body) as { event: string; content: string; user_openid: string });
  const finalStatus = (token: string, publishId: string) =>
    waitFor(async () => {
      const r = await api(h.base, STATUS, token, { publish_id: publishId });
      return r.json.data.status.startsWith('PROCESSING') ? undefined : r;
    });

  async function directPost(token: string, privacyLevel = 'PUBLIC_TO_EVERYONE', bytes = video) {
    const body = { post_info: { privacy_level: privacyLevel }, source_info: fileSource(bytes.length, MIB5) };
    const init = await api(h.base, '/v2/post/publish/video/init/', token, body);
    await uploadAll(init.json.data.upload_url, bytes, MIB5);
    return init.json.data.publish_id as string;
  }

  it('should complete a Direct Post with int64 post ids above 2^53 as bare JSON numbers and signed webhooks', async () => {
    const tokens = await connect(h.base);
    const publishId = await directPost(tokens.access_token);
    const status = await finalStatus(tokens.access_token, publishId);
    const raw = /"publicaly_available_post_id":\[(\d+)\]/.exec(status.text)![1];
    expect(BigInt(raw) > 2n ** 53n).toBe(true);
    expect(String(Number(raw))).not.toBe(raw);
    expect(status.json.data).toMatchObject({ status: 'PUBLISH_COMPLETE', uploaded_bytes: video.length });
    await waitFor(async () => (received.length >= 2 ? true : undefined));
    expect(received.every(verify)).toBe(true);
    expect(events().map((e) => e.event)).toEqual(['post.publish.complete', 'post.publish.publicly_available']);
    expect(events()[1]).toMatchObject({ client_key: CLIENT_KEY, user_openid: tokens.open_id });
    expect(events()[1].content).toContain(`"post_id":${raw}`);
  });

  it('should deliver an inbox upload to SEND_TO_USER_INBOX, then PUBLISH_COMPLETE when the creator posts', async () => {
    const tokens = await connect(h.base);
    const init = await api(h.base, '/v2/post/publish/inbox/video/init/', tokens.access_token, {
      source_info: fileSource(video.length, MIB5),
    });
    const publishId = init.json.data.publish_id as string;
    expect((await api(h.base, STATUS, tokens.access_token, { publish_id: publishId })).json.data.status).toBe(
      'PROCESSING_UPLOAD',
    );
    await uploadAll(init.json.data.upload_url, video, MIB5);
    expect((await finalStatus(tokens.access_token, publishId)).json.data.status).toBe('SEND_TO_USER_INBOX');
    const summary = await h.control.completeInboxPublish(publishId, 2);
    expect(summary.postIds).toHaveLength(2);
    const after = await api(h.base, STATUS, tokens.access_token, { publish_id: publishId });
    expect(after.text).toContain(`"publicaly_available_post_id":[${summary.postIds.join(',')}]`);
    await waitFor(async () => (received.length >= 4 ? true : undefined));
    expect(JSON.parse(events()[0].content)).toEqual({ publish_id: publishId, publish_type: 'INBOX_SHARE' });
  });

  it('should end the next publish FAILED with the chosen reason, and fail a given publish at its next status', async () => {
    const tokens = await connect(h.base);
    await h.control.failPublish('frame_rate_check_failed');
    const failed = await finalStatus(tokens.access_token, await directPost(tokens.access_token));
    expect(failed.json.data).toMatchObject({ status: 'FAILED', fail_reason: 'frame_rate_check_failed' });
    const init = await api(h.base, '/v2/post/publish/inbox/video/init/', tokens.access_token, {
      source_info: fileSource(video.length, MIB5),
    });
    await h.control.failPublish('internal', init.json.data.publish_id);
    const next = await api(h.base, STATUS, tokens.access_token, { publish_id: init.json.data.publish_id });
    expect(next.json.data).toMatchObject({ status: 'FAILED', fail_reason: 'internal' });
    await waitFor(async () =>
      events().filter((e) => e.event === 'post.publish.failed').length === 2 ? true : undefined,
    );
  });

  it('should fail bytes that are not a video and videos longer than the creator may post', async () => {
    const tokens = await connect(h.base);
    const junk = Buffer.alloc(video.length, 7);
    const format = await finalStatus(tokens.access_token, await directPost(tokens.access_token, 'SELF_ONLY', junk));
    expect(format.json.data).toMatchObject({ status: 'FAILED', fail_reason: 'file_format_check_failed' });
    const short = await connect(h.base, 'short_limit_creator');
    const long = await finalStatus(
      short.access_token,
      await directPost(short.access_token, 'SELF_ONLY', fakeMp4(video.length, 90)),
    );
    expect(long.json.data).toMatchObject({ status: 'FAILED', fail_reason: 'duration_check_failed' });
  });

  it('should keep a SELF_ONLY post out of publicaly_available_post_id', async () => {
    const tokens = await connect(h.base);
    const done = await finalStatus(tokens.access_token, await directPost(tokens.access_token, 'SELF_ONLY'));
    expect(done.json.data).toMatchObject({ status: 'PUBLISH_COMPLETE', publicaly_available_post_id: [] });
  });

  it('should retry a webhook answered with 500 until it gets 200', async () => {
    failNextHooks = 2;
    const tokens = await connect(h.base);
    await postForm(h.base, '/v2/oauth/revoke/', {
      client_key: CLIENT_KEY,
      client_secret: CLIENT_SECRET,
      token: tokens.access_token,
    });
    await waitFor(async () => (received.length === 3 ? true : undefined));
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
    expect(events()[0]).toMatchObject({
      event: 'authorization.removed',
      user_openid: tokens.open_id,
      content: '{"reason":5}',
    });
    expect((await h.control.webhookDeliveries())[0]).toMatchObject({ attempts: 3, delivered: true, lastStatus: 200 });
  });

  it('should pull a verified URL, counting downloaded_bytes', async () => {
    const tokens = await connect(h.base);
    const body = {
      post_info: { privacy_level: 'PUBLIC_TO_EVERYONE' },
      source_info: { source: 'PULL_FROM_URL', video_url: `${mediaBase}/videos/a.mp4` },
    };
    const init = await api(h.base, '/v2/post/publish/video/init/', tokens.access_token, body);
    expect(init.json.data).toEqual({ publish_id: expect.stringMatching(/^v_pub_url~v2\.\d+$/) });
    const done = await finalStatus(tokens.access_token, init.json.data.publish_id);
    expect(done.json.data).toMatchObject({ status: 'PUBLISH_COMPLETE', downloaded_bytes: video.length });
  });

  it('should fail a pull that redirects with video_pull_failed', async () => {
    const tokens = await connect(h.base);
    const source_info = { source: 'PULL_FROM_URL', video_url: `${mediaBase}/videos/redirect.mp4` };
    const init = await api(h.base, '/v2/post/publish/inbox/video/init/', tokens.access_token, { source_info });
    const done = await finalStatus(tokens.access_token, init.json.data.publish_id);
    expect(done.json.data).toMatchObject({ status: 'FAILED', fail_reason: 'video_pull_failed' });
  });

  it('should cancel a download in progress and refuse to cancel a file upload', async () => {
    const tokens = await connect(h.base);
    const source_info = { source: 'PULL_FROM_URL', video_url: `${mediaBase}/videos/slow.mp4` };
    const init = await api(h.base, '/v2/post/publish/inbox/video/init/', tokens.access_token, { source_info });
    const publishId = init.json.data.publish_id as string;
    await waitFor(async () =>
      (await api(h.base, STATUS, tokens.access_token, { publish_id: publishId })).json.data.downloaded_bytes > 0
        ? true
        : undefined,
    );
    const cancel = await api(h.base, '/v2/post/publish/cancel/', tokens.access_token, { publish_id: publishId });
    expect(cancel.json.error.code).toBe('ok');
    const after = await api(h.base, STATUS, tokens.access_token, { publish_id: publishId });
    expect(after.json.data).toMatchObject({
      status: 'FAILED',
      fail_reason: 'publish_cancelled',
      downloaded_bytes: 1000,
    });
    await waitFor(async () =>
      events().some((e) => e.event === 'post.publish.failed' && e.content.includes('publish_cancelled'))
        ? true
        : undefined,
    );
    const file = await api(h.base, '/v2/post/publish/inbox/video/init/', tokens.access_token, {
      source_info: fileSource(1000),
    });
    const refused = await api(h.base, '/v2/post/publish/cancel/', tokens.access_token, {
      publish_id: file.json.data.publish_id,
    });
    expect(refused).toMatchObject({ status: 400, json: { error: { code: 'publish_not_cancellable' } } });
  });

  it("should refuse an unknown publish id and another user's publish", async () => {
    const creator = await connect(h.base);
    const other = await connect(h.base, 'private_creator');
    expect((await api(h.base, STATUS, creator.access_token, { publish_id: 'v_pub_file~v2-1.1' })).json.error.code).toBe(
      'invalid_publish_id',
    );
    const init = await api(h.base, '/v2/post/publish/inbox/video/init/', creator.access_token, {
      source_info: fileSource(1000),
    });
    const foreign = await api(h.base, STATUS, other.access_token, { publish_id: init.json.data.publish_id });
    expect(foreign).toMatchObject({
      status: 400,
      json: { error: { code: 'token_not_authorized_for_specified_publish_id' } },
    });
  });

  it('should refuse a 31st status fetch inside a minute', async () => {
    const tokens = await connect(h.base);
    const init = await api(h.base, '/v2/post/publish/inbox/video/init/', tokens.access_token, {
      source_info: fileSource(1000),
    });
    const statuses: number[] = [];
    for (let i = 0; i < 31; i += 1)
      statuses.push((await api(h.base, STATUS, tokens.access_token, { publish_id: init.json.data.publish_id })).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(30);
    expect(statuses[30]).toBe(429);
  });
});
