import { join } from 'node:path';
import { AppError } from '../../common/errors/app-error';
import { probeVideo } from './video-probe';
import type { VideoProbe } from './video-probe.types';
import {
  assertVideoAccepted,
  checkVideo,
  DEFAULT_VIDEO_LIMITS,
  UnsupportedMediaTypeError,
  VideoRejectedError,
  videoLimitsFor,
  type VideoRule,
} from './video-rules';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures');

const goodProbe = (overrides: Partial<VideoProbe> = {}): VideoProbe => ({
  sizeBytes: 20_000_000,
  container: 'mp4',
  codec: 'h264',
  width: 1080,
  height: 1920,
  frameRate: 30,
  durationMs: 15_000,
  ...overrides,
});

const rulesBroken = (probe: VideoProbe, limits = DEFAULT_VIDEO_LIMITS): VideoRule[] =>
  checkVideo(probe, limits).map((violation) => violation.rule);

describe(checkVideo.name, () => {
  it('should accept a 1080x1920 H.264 MP4 at 30 fps lasting 15 s', () => {
    expect(checkVideo(goodProbe(), DEFAULT_VIDEO_LIMITS)).toEqual([]);
  });

  it.each([
    ['exactly 60 fps', 60],
    ['60 fps read through nanosecond rounding', 1e9 / 16_666_666],
    ['59.94 fps', 60000 / 1001],
    ['23.976 fps', 24000 / 1001],
    ['exactly 23 fps', 23],
  ])('should accept %s', (_name, frameRate) => {
    expect(rulesBroken(goodProbe({ frameRate }))).toEqual([]);
  });

  it.each([
    ['60.02 fps, which TikTok refuses as "60.0x"', 60.02, 60],
    ['60.002 fps', 60.002, 60],
    ['120 fps', 120, 60],
    ['22.9 fps', 22.9, 23],
  ])('should refuse %s with the crossed limit', (_name, frameRate, limit) => {
    const [violation] = checkVideo(goodProbe({ frameRate }), DEFAULT_VIDEO_LIMITS);

    expect(violation).toMatchObject({ rule: 'frame_rate', measured: frameRate, limit });
    expect(violation.message).toContain(`${frameRate} fps`);
  });

  it.each([
    [2_999, 3000],
    [600_001, 600_000],
  ])('should refuse a %d ms video against the %d ms limit', (durationMs, limit) => {
    expect(checkVideo(goodProbe({ durationMs }), DEFAULT_VIDEO_LIMITS)).toEqual([
      expect.objectContaining({ rule: 'duration', measured: durationMs, limit }),
    ]);
  });

  it("should hold a Direct Post to the creator's max_video_post_duration_sec", () => {
    const limits = videoLimitsFor({ creatorMaxVideoPostDurationSec: 180 });

    expect(rulesBroken(goodProbe({ durationMs: 180_000 }), limits)).toEqual([]);
    expect(checkVideo(goodProbe({ durationMs: 180_001 }), limits)).toEqual([
      expect.objectContaining({ rule: 'duration', limit: 180_000 }),
    ]);
  });

  it("should keep TikTok's 10-minute API cap when the creator may post longer", () => {
    expect(videoLimitsFor({ creatorMaxVideoPostDurationSec: 3600 }).maxDurationMs).toBe(600_000);
  });

  it('should let the minimum duration be configured', () => {
    expect(rulesBroken(goodProbe({ durationMs: 1500 }), videoLimitsFor({ minDurationMs: 1000 }))).toEqual([]);
  });

  it.each([
    [{ width: 359, height: 640 }, 360],
    [{ width: 4097, height: 2160 }, 4096],
  ])('should refuse a %o picture against %d px', (size, limit) => {
    expect(checkVideo(goodProbe(size), DEFAULT_VIDEO_LIMITS)).toEqual([
      expect.objectContaining({ rule: 'resolution', measured: size, limit }),
    ]);
  });

  it('should refuse a file over the configured size', () => {
    const limits = videoLimitsFor({ maxSizeBytes: 10_000_000 });

    expect(checkVideo(goodProbe(), limits)).toEqual([
      expect.objectContaining({ rule: 'size', measured: 20_000_000, limit: 10_000_000 }),
    ]);
  });

  it('should report every broken rule, and each unmeasured value as broken', () => {
    const probe = goodProbe({ codec: 'unknown', frameRate: null, durationMs: 1000, unknownReason: 'Because.' });

    expect(rulesBroken(probe)).toEqual(['codec', 'duration', 'frame_rate']);
    expect(checkVideo(probe, DEFAULT_VIDEO_LIMITS)[2].message).toContain('Because.');
  });
});

describe(assertVideoAccepted.name, () => {
  it('should throw 415 unsupported_media_type for a file that is not a video', () => {
    const probe = goodProbe({ container: 'unknown', codec: 'unknown', unknownReason: 'It is a PNG.' });

    expect(() => assertVideoAccepted(probe, DEFAULT_VIDEO_LIMITS)).toThrow(UnsupportedMediaTypeError);
    expect(() => assertVideoAccepted(probe, DEFAULT_VIDEO_LIMITS)).toThrow(
      expect.objectContaining({
        code: 'unsupported_media_type',
        status: 415,
        details: expect.objectContaining({ rule: 'container' }),
      }),
    );
  });

  it('should throw 422 video_rejected naming the rule for a video container TikTok does not take', () => {
    expect(() => assertVideoAccepted(goodProbe({ container: 'mkv' }), DEFAULT_VIDEO_LIMITS)).toThrow(
      expect.objectContaining({
        code: 'video_rejected',
        status: 422,
        details: { rule: 'container', measured: 'mkv', limit: ['mp4', 'mov', 'webm'] },
      }),
    );
  });

  it('should put the first rule in details and every rule in the message', () => {
    const probe = goodProbe({ frameRate: 120, width: 320, height: 240 });
    let thrown: unknown;
    try {
      assertVideoAccepted(probe, DEFAULT_VIDEO_LIMITS);
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(VideoRejectedError);
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as VideoRejectedError).details).toEqual({ rule: 'frame_rate', measured: 120, limit: 60 });
    expect((thrown as VideoRejectedError).message).toMatch(/120 fps.*Also: .*320x240/);
  });

  it('should not throw for an acceptable video', () => {
    expect(() => assertVideoAccepted(goodProbe(), DEFAULT_VIDEO_LIMITS)).not.toThrow();
  });
});

describe('video rules on the fixtures', () => {
  // mp4box logs a harmless QuickTime sample-entry quirk of h264.mov straight to console.error.
  beforeAll(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());

  it.each<[string, VideoRule[]]>([
    ['h264.mp4', []],
    ['h264-moov-at-end.mp4', []],
    ['h264.mov', []],
    ['h264-60fps.mp4', []],
    ['h265.mp4', []],
    ['vp9.webm', []],
    ['vp8.webm', []],
    ['too-short.mp4', ['duration']],
    ['low-fps.mp4', ['frame_rate']],
    ['high-fps.mp4', ['frame_rate']],
    ['too-small.mp4', ['resolution']],
    ['mpeg4-part2.mp4', ['codec']],
    ['png-named.mp4', ['container']],
    ['text-named.mp4', ['container']],
  ])('should find %s breaking %j', async (fixture, rules) => {
    const probe = await probeVideo(join(FIXTURES, fixture));

    expect(rulesBroken(probe)).toEqual(rules);
  });
});
