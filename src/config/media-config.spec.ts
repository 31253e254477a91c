import { isVerifiedMediaUrl } from '../common/net/media-url-rules';
import { ConfigValidationError, loadConfig } from './env.schema';

const KEYS = 'k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ TOKEN_ENCRYPTION_KEYS: KEYS, ...env });
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe('TIKTOK_VERIFIED_URL_PREFIXES and MEDIA_PUBLIC_URL', () => {
  it('should leave both unset by default: TikTok decides, photo posts take URLs only', () => {
    expect(loadConfig({ TOKEN_ENCRYPTION_KEYS: KEYS }).media).toEqual({
      verifiedUrls: undefined,
      publicUrl: undefined,
    });
  });

  it('should read URL prefixes and domains, and match them as TikTok does (docs/tiktok.md §6.3)', () => {
    const { verifiedUrls } = loadConfig({
      TOKEN_ENCRYPTION_KEYS: KEYS,
      TIKTOK_VERIFIED_URL_PREFIXES: 'https://example.com/videos/user/, static.example.com',
    }).media;
    const verified = verifiedUrls!;
    expect(isVerifiedMediaUrl('https://example.com/videos/user/123/a.mp4', verified)).toBe(true);
    expect(isVerifiedMediaUrl('https://example.com/videos/2023/user/a.mp4', verified)).toBe(false);
    expect(isVerifiedMediaUrl('https://video.static.example.com/a.jpg', verified)).toBe(true);
    expect(isVerifiedMediaUrl('https://static.example.com/a.jpg', verified)).toBe(true);
    expect(isVerifiedMediaUrl('https://example.com/a.jpg', verified)).toBe(false);
    expect(isVerifiedMediaUrl('https://evilstatic.example.com/a.jpg', verified)).toBe(false);
  });

  it.each([
    ['https://example.com/videos', 'ending in "/"'],
    ['http://media.example.com/photos/', 'http only on loopback'],
    ['https://example.com/p/?x=1', 'no query'],
    ['not a domain!', 'neither a URL prefix'],
    ['https://a.example.com/ok/,', 'neither a URL prefix'],
  ])('should refuse the malformed entry %s at start, naming the variable', (value, hint) => {
    const problems = problemsOf({ TIKTOK_VERIFIED_URL_PREFIXES: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^TIKTOK_VERIFIED_URL_PREFIXES: /);
    expect(problems[0]).toContain(hint);
  });

  it('should take an https MEDIA_PUBLIC_URL, or http on loopback, without its trailing slash', () => {
    const config = loadConfig({ TOKEN_ENCRYPTION_KEYS: KEYS, MEDIA_PUBLIC_URL: 'https://media.example.com/gw/' });
    expect(config.media.publicUrl).toBe('https://media.example.com/gw');
    expect(problemsOf({ MEDIA_PUBLIC_URL: 'http://127.0.0.1:3000' })).toEqual([]);
    expect(problemsOf({ MEDIA_PUBLIC_URL: 'http://media.example.com' })).toEqual([
      'MEDIA_PUBLIC_URL: must be an https URL without query (http only on loopback hosts)',
    ]);
  });

  it('should refuse a MEDIA_PUBLIC_URL whose photo path TikTok would not count as verified', () => {
    expect(
      problemsOf({
        MEDIA_PUBLIC_URL: 'https://media.example.com',
        TIKTOK_VERIFIED_URL_PREFIXES: 'https://cdn.example.com/',
      }),
    ).toEqual(['MEDIA_PUBLIC_URL: https://media.example.com/media/photos/ is not under TIKTOK_VERIFIED_URL_PREFIXES']);
    expect(
      problemsOf({ MEDIA_PUBLIC_URL: 'https://media.example.com', TIKTOK_VERIFIED_URL_PREFIXES: 'example.com' }),
    ).toEqual([]);
  });
});
