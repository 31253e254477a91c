import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES_DIR, makeLargeVideo } from '../../../test/support/make-large-video';
import { FileSlices } from './file-slices';
import { detectFileType, probeSource, probeVideo } from './video-probe';
import type { VideoProbe } from './video-probe.types';

const fixture = (name: string): string => join(FIXTURES_DIR, name);
const measured = (probe: VideoProbe) => {
  const { container, codec, width, height, frameRate, durationMs } = probe;
  return { container, codec, width, height, frameRate, durationMs };
};

describe(probeVideo.name, () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'video-probe-'));
    // mp4box logs harmless QuickTime sample-entry quirks straight to console.error at its lowest level.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['h264.mp4', { container: 'mp4', codec: 'h264', width: 640, height: 360, frameRate: 30, durationMs: 3500 }],
    ['h264-rotated.mp4', { container: 'mp4', codec: 'h264', width: 360, height: 640, frameRate: 30, durationMs: 3500 }],
    [
      'h264-moov-at-end.mp4',
      { container: 'mp4', codec: 'h264', width: 640, height: 360, frameRate: 30, durationMs: 3500 },
    ],
    [
      'h264-fragmented.mp4',
      { container: 'mp4', codec: 'h264', width: 640, height: 360, frameRate: 30, durationMs: 3500 },
    ],
    ['h264.mov', { container: 'mov', codec: 'h264', width: 360, height: 640, frameRate: 30, durationMs: 3500 }],
    ['h264-60fps.mp4', { container: 'mp4', codec: 'h264', width: 640, height: 360, frameRate: 60, durationMs: 3200 }],
    ['h265.mp4', { container: 'mp4', codec: 'h265', width: 640, height: 360, frameRate: 30, durationMs: 3500 }],
    ['vp9.webm', { container: 'webm', codec: 'vp9', width: 640, height: 360, frameRate: 30, durationMs: 3508 }],
    ['vp8.webm', { container: 'webm', codec: 'vp8', width: 640, height: 360, frameRate: 30, durationMs: 3503 }],
    ['too-short.mp4', { container: 'mp4', codec: 'h264', width: 640, height: 360, frameRate: 30, durationMs: 1000 }],
    ['low-fps.mp4', { container: 'mp4', codec: 'h264', width: 640, height: 360, frameRate: 15, durationMs: 3533 }],
    ['high-fps.mp4', { container: 'mp4', codec: 'h264', width: 640, height: 360, frameRate: 120, durationMs: 3200 }],
    ['too-small.mp4', { container: 'mp4', codec: 'h264', width: 320, height: 240, frameRate: 30, durationMs: 3500 }],
    ['mpeg4-part2.mp4', { container: 'mp4', codec: 'mpeg4', width: 640, height: 360, frameRate: 30, durationMs: 3500 }],
  ])('should measure %s', async (name, expected) => {
    const probe = await probeVideo(fixture(name));

    expect(measured(probe)).toEqual(expected);
    expect(probe.unknownReason).toBeUndefined();
  });

  it.each([
    ['png-named.mp4', /PNG \(image\/png\)/],
    ['text-named.mp4', /matches no known video container/],
  ])('should call %s unknown whatever its name, and say why', async (name, reason) => {
    const probe = await probeVideo(fixture(name));

    expect(probe).toMatchObject({ container: 'unknown', codec: 'unknown', width: null, frameRate: null });
    expect(probe.unknownReason).toMatch(reason);
  });

  it('should trust the bytes over the name: a WebM named .mp4 is WebM', async () => {
    const path = join(dir, 'really-webm.mp4');
    await copyFile(fixture('vp9.webm'), path);

    await expect(probeVideo(path)).resolves.toMatchObject({ container: 'webm', codec: 'vp9' });
  });

  it('should report the file size', async () => {
    const bytes = await readFile(fixture('h264.mp4'));

    await expect(probeVideo(fixture('h264.mp4'))).resolves.toMatchObject({ sizeBytes: bytes.length });
  });

  it('should say why an MP4 cut off before its moov cannot be measured', async () => {
    const bytes = await readFile(fixture('h264-moov-at-end.mp4'));
    const path = join(dir, 'truncated.mp4');
    await writeFile(path, bytes.subarray(0, bytes.length - 1000));

    const probe = await probeVideo(path);

    expect(probe).toMatchObject({ container: 'mp4', codec: 'unknown', frameRate: null, durationMs: null });
    expect(probe.unknownReason).toMatch(/moov/);
  });

  it.each(['append', 'before-moov'] as const)(
    'should probe a 100 MB file padded with a free box (%s) reading under 1 MB of it',
    async (padding) => {
      const path = await makeLargeVideo(100_000_000, dir, { padding });
      const source = await FileSlices.open(path);
      try {
        const probe = await probeSource(source, await detectFileType(source));

        expect(probe).toMatchObject({ sizeBytes: 100_000_000, container: 'mp4', codec: 'h264', frameRate: 30 });
        expect(source.bytesRead).toBeLessThan(1 << 20);
      } finally {
        await source.close();
        await rm(path);
      }
    },
  );
});
