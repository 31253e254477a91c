import { TikTokCreatorInfo } from '../../tiktok-api/tiktok-api.models';
import { Upload } from '../upload.entity';
import { creatorRefusal } from './scheduled-start.service';

const creator = (overrides: Partial<TikTokCreatorInfo> = {}): TikTokCreatorInfo => ({
  creatorAvatarUrl: 'https://example.com/a.jpeg',
  creatorUsername: 'casey',
  creatorNickname: 'Casey',
  privacyLevelOptions: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'],
  commentDisabled: false,
  duetDisabled: false,
  stitchDisabled: false,
  maxVideoPostDurationSec: 600,
  ...overrides,
});

const upload = (privacyLevel: string, durationMs = 3500) =>
  ({ post: { privacyLevel }, video: { durationMs } }) as unknown as Upload;

describe(creatorRefusal.name, () => {
  it('should let a post through whose privacy level is still offered and whose video is short enough', () => {
    expect(creatorRefusal(upload('PUBLIC_TO_EVERYONE'), creator())).toBeUndefined();
  });

  it('should refuse a privacy level the creator no longer offers, naming the ones offered now', () => {
    const now = creator({ privacyLevelOptions: ['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'] });
    const refusal = creatorRefusal(upload('PUBLIC_TO_EVERYONE'), now);
    expect(refusal?.code).toBe('privacy_level_unavailable');
    expect(refusal?.message).toContain('FOLLOWER_OF_CREATOR');
  });

  it('should refuse a video longer than the creator may post now', () => {
    expect(creatorRefusal(upload('SELF_ONLY', 61_000), creator({ maxVideoPostDurationSec: 60 }))?.code).toBe(
      'video_rejected',
    );
  });
});
