import type { TikTokVideo } from '../../tiktok-api/tiktok-video.models';
import { mayBeListed, mayBeThePost } from './post-matching';

const INIT = new Date('2026-12-01T10:00:00.700Z');
const INIT_SECOND = Math.floor(INIT.getTime() / 1000);

const video = (overrides: Partial<TikTokVideo> = {}): TikTokVideo => ({
  id: '7300000000000000009',
  createTime: INIT_SECOND,
  title: 'Launch day #news',
  description: 'Launch day #news',
  shareUrl: 'https://www.tiktok.com/@c/video/7300000000000000009',
  embedLink: null,
  coverImageUrl: null,
  durationSec: 12,
  width: null,
  height: null,
  viewCount: 0n,
  likeCount: 0,
  commentCount: 0,
  shareCount: 0,
  ...overrides,
});

const upload = (post: { title?: string; description?: string }) => ({
  post,
  initStartedAt: INIT,
  createdAt: new Date(INIT.getTime() - 5000),
});

describe(mayBeThePost.name, () => {
  it('should match a post created in the second of the init or later with the same caption', () => {
    expect(mayBeThePost(upload({ title: ' Launch day #news\n' }), video())).toBe(true);
    expect(mayBeThePost(upload({ title: 'Launch day #news' }), video({ createTime: INIT_SECOND + 90 }))).toBe(true);
  });

  it('should not match a post made before the init, or with another caption', () => {
    expect(mayBeThePost(upload({ title: 'Launch day #news' }), video({ createTime: INIT_SECOND - 1 }))).toBe(false);
    expect(mayBeThePost(upload({ title: 'Another day' }), video())).toBe(false);
  });

  it("should match a photo post's description, and an uncaptioned upload only to an uncaptioned post", () => {
    const photo = video({ title: 'Trip', description: 'Three days in Lisbon #travel' });
    expect(mayBeThePost(upload({ title: 'Trip?', description: 'Three days in Lisbon #travel' }), photo)).toBe(true);
    expect(mayBeThePost(upload({}), video())).toBe(false);
    expect(mayBeThePost(upload({}), video({ title: '', description: '' }))).toBe(true);
  });
});

describe(mayBeListed.name, () => {
  it('should skip direct posts that are not public', () => {
    expect(mayBeListed({ mode: 'direct', post: { privacyLevel: 'SELF_ONLY' } })).toBe(false);
    expect(mayBeListed({ mode: 'direct', post: { privacyLevel: 'PUBLIC_TO_EVERYONE' } })).toBe(true);
    expect(mayBeListed({ mode: 'inbox', post: {} })).toBe(true);
  });
});
