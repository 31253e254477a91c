import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSource } from '../../storage/file-source';
import { assertPhotoAccepted } from './photo-file-rules';
import { probeImage } from './image-probe';

const FIXTURES = join(__dirname, '../../../test/fixtures');

describe(probeImage.name, () => {
  let work: string;
  beforeAll(() => (work = mkdtempSync(join(tmpdir(), 'tgw-image-probe-'))));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const probeBytes = async (bytes: Buffer) => {
    const path = join(work, `${Math.random().toString(36).slice(2)}.bin`);
    writeFileSync(path, bytes);
    const source = await FileSource.open(path);
    try {
      return { probe: await probeImage(source), bytesRead: source.bytesRead };
    } finally {
      await source.close();
    }
  };
  const fixture = (name: string) => readFileSync(join(FIXTURES, name));

  it.each([
    ['photo-640x360.jpg', { format: 'jpeg', width: 640, height: 360 }],
    ['photo-640x360.webp', { format: 'webp', width: 640, height: 360 }],
    ['photo-1080x1920.jpg', { format: 'jpeg', width: 1080, height: 1920 }],
    ['photo-64x64.png', { format: 'png' }],
    ['h264.mp4', { format: 'unknown' }],
  ])('should read %s by its bytes', async (name, expected) => {
    expect((await probeBytes(fixture(name))).probe).toEqual(expected);
  });

  it('should walk over a large segment before the frame without reading it', async () => {
    const jpeg = fixture('photo-640x360.jpg');
    // An APP1 (EXIF) segment of 60,000 bytes right after the start-of-image marker.
    const app1 = Buffer.alloc(4 + 60_000 - 2);
    app1.writeUInt16BE(0xffe1, 0);
    app1.writeUInt16BE(60_000, 2);
    const { probe, bytesRead } = await probeBytes(Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]));
    expect(probe).toEqual({ format: 'jpeg', width: 640, height: 360 });
    expect(bytesRead).toBeLessThan(2_000);
  });

  it('should give no size for a JPEG cut before its frame, which the rules refuse as format', async () => {
    const { probe } = await probeBytes(fixture('photo-640x360.jpg').subarray(0, 20));
    expect(probe).toEqual({ format: 'jpeg' });
    expect(() => assertPhotoAccepted(3, probe, 20)).toThrow(
      expect.objectContaining({ details: { index: 3, rule: 'format', format: 'jpeg' } }),
    );
  });

  it('should accept 1080p either way and refuse one pixel more', () => {
    expect(assertPhotoAccepted(0, { format: 'jpeg', width: 1920, height: 1080 }, 1)).toEqual({
      format: 'jpeg',
      width: 1920,
      height: 1080,
    });
    expect(() => assertPhotoAccepted(0, { format: 'webp', width: 1081, height: 1920 }, 1)).toThrow(
      expect.objectContaining({ code: 'photo_rejected', details: expect.objectContaining({ rule: 'resolution' }) }),
    );
    expect(() => assertPhotoAccepted(0, { format: 'webp', width: 100, height: 100 }, 20_000_001)).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ rule: 'size', limit: 20_000_000 }) }),
    );
  });
});
