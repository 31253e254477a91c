import { toCreatorInfo, toPostInfoBody, toSourceInfoBody, toTokenSet } from './tiktok-api.mapping';

describe(toTokenSet.name, () => {
  it('should split the comma-separated scope and keep lifetimes as given', () => {
    const tokens = toTokenSet({
      access_token: 'act.1',
      refresh_token: 'rft.1',
      open_id: 'open-1',
      expires_in: 7200,
      refresh_expires_in: 15552000,
      scope: 'user.info.basic, video.upload,',
      token_type: 'Bearer',
    });
    expect(tokens).toEqual({
      accessToken: 'act.1',
      refreshToken: 'rft.1',
      openId: 'open-1',
      expiresInSeconds: 7200,
      refreshExpiresInSeconds: 15552000,
      scopes: ['user.info.basic', 'video.upload'],
      tokenType: 'Bearer',
    });
  });

  it('should refuse a token answer missing the refresh token', () => {
    expect(toTokenSet({ access_token: 'a', open_id: 'o', expires_in: 1, refresh_expires_in: 2 })).toBeUndefined();
  });
});

describe(toCreatorInfo.name, () => {
  it('should camelCase creator info', () => {
    const info = toCreatorInfo({
      creator_avatar_url: 'https://a',
      creator_username: 'u',
      creator_nickname: 'n',
      privacy_level_options: ['SELF_ONLY'],
      comment_disabled: true,
      duet_disabled: false,
      stitch_disabled: true,
      max_video_post_duration_sec: 600,
    });
    expect(info).toEqual({
      creatorAvatarUrl: 'https://a',
      creatorUsername: 'u',
      creatorNickname: 'n',
      privacyLevelOptions: ['SELF_ONLY'],
      commentDisabled: true,
      duetDisabled: false,
      stitchDisabled: true,
      maxVideoPostDurationSec: 600,
    });
  });
});

describe(toSourceInfoBody.name, () => {
  it('should write FILE_UPLOAD and PULL_FROM_URL sources in wire form', () => {
    expect(toSourceInfoBody({ kind: 'file', videoSize: 50000123, chunkSize: 10000000, totalChunkCount: 5 })).toEqual({
      source: 'FILE_UPLOAD',
      video_size: 50000123,
      chunk_size: 10000000,
      total_chunk_count: 5,
    });
    expect(toSourceInfoBody({ kind: 'url', videoUrl: 'https://v/x.mp4' })).toEqual({
      source: 'PULL_FROM_URL',
      video_url: 'https://v/x.mp4',
    });
  });
});

describe(toPostInfoBody.name, () => {
  it('should write post info in snake_case', () => {
    const body = toPostInfoBody({
      title: 't',
      privacyLevel: 'SELF_ONLY',
      disableComment: true,
      disableDuet: false,
      disableStitch: true,
      videoCoverTimestampMs: 1000,
      brandContentToggle: false,
      brandOrganicToggle: true,
      isAigc: false,
    });
    expect(body).toEqual({
      title: 't',
      privacy_level: 'SELF_ONLY',
      disable_comment: true,
      disable_duet: false,
      disable_stitch: true,
      video_cover_timestamp_ms: 1000,
      brand_content_toggle: false,
      brand_organic_toggle: true,
      is_aigc: false,
    });
  });
});
