import { parseTikTokWebhookEnvelope, readTikTokWebhookAction } from './tiktok-webhook-event';

const envelope = (fields: Record<string, unknown>) =>
  Buffer.from(
    JSON.stringify({
      client_key: 'ck',
      event: 'post.publish.complete',
      create_time: 1_700_000_000,
      user_openid: 'open-1',
      content: '{"publish_id":"p1"}',
      ...fields,
    }),
  );

describe(parseTikTokWebhookEnvelope.name, () => {
  it('should read the envelope into camelCase with content still a string', () => {
    expect(parseTikTokWebhookEnvelope(envelope({}))).toEqual({
      clientKey: 'ck',
      event: 'post.publish.complete',
      createTime: 1_700_000_000,
      userOpenId: 'open-1',
      content: '{"publish_id":"p1"}',
    });
  });

  it.each([
    ['not JSON', Buffer.from('<html>')],
    ['content as an object', envelope({ content: { publish_id: 'p1' } })],
    ['create_time as a string', envelope({ create_time: '1700000000' })],
    ['a missing user_openid', envelope({ user_openid: undefined })],
  ])('should refuse %s', (_, body) => {
    expect(parseTikTokWebhookEnvelope(body)).toBeUndefined();
  });
});

describe(readTikTokWebhookAction.name, () => {
  it('should keep a post_id above 2^53 exact when it arrives as a bare number', () => {
    const action = readTikTokWebhookAction(
      'post.publish.publicly_available',
      '{"publish_id":"v_pub_file~v2-1.7","post_id":7345678901234567891,"publish_type":"DIRECT_PUBLISH"}',
    );
    expect(action).toEqual({
      kind: 'publish',
      publishId: 'v_pub_file~v2-1.7',
      event: { kind: 'publicly_available', postId: '7345678901234567891' },
    });
  });

  it.each(['post.publish.no_longer_publicaly_available', 'post.publish.no_longer_available'])(
    'should accept the no-longer-available spelling %s',
    (event) => {
      expect(readTikTokWebhookAction(event, '{"publish_id":"p","post_id":"7345678901234567891"}')).toEqual({
        kind: 'publish',
        publishId: 'p',
        event: { kind: 'no_longer_available', postId: '7345678901234567891' },
      });
    },
  );

  it('should map the publish events without post ids', () => {
    expect(readTikTokWebhookAction('post.publish.inbox_delivered', '{"publish_id":"p"}')).toMatchObject({
      event: { kind: 'inbox_delivered' },
    });
    expect(readTikTokWebhookAction('post.publish.complete', '{"publish_id":"p"}')).toMatchObject({
      event: { kind: 'complete' },
    });
    expect(
      readTikTokWebhookAction('post.publish.failed', '{"publish_id":"p","reason":"duration_check_failed"}'),
    ).toMatchObject({ event: { kind: 'failed', reason: 'duration_check_failed' } });
  });

  it('should name the authorization.removed reason and fall back for unknown codes', () => {
    expect(readTikTokWebhookAction('authorization.removed', '{"reason": 1 }')).toEqual({
      kind: 'authorization_removed',
      reason: 'user_disconnected',
    });
    expect(readTikTokWebhookAction('authorization.removed', '{"reason":9}')).toEqual({
      kind: 'authorization_removed',
      reason: 'reason_9',
    });
  });

  it('should ignore events it does not handle and call unusable content invalid', () => {
    expect(readTikTokWebhookAction('portability.download.ready', '{"request_id":"r"}')).toEqual({ kind: 'ignored' });
    expect(readTikTokWebhookAction('post.publish.complete', 'not json')).toMatchObject({ kind: 'invalid' });
    expect(readTikTokWebhookAction('post.publish.publicly_available', '{"publish_id":"p"}')).toMatchObject({
      kind: 'invalid',
    });
    expect(
      readTikTokWebhookAction('post.publish.publicly_available', '{"publish_id":"p","post_id":1.5}'),
    ).toMatchObject({
      kind: 'invalid',
    });
  });
});
