import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sniffImage } from './image-sniffer';
import { MAX_PHOTO_BYTES, photoFailReason } from './photo-image-rules';

const fixture = (name: string) => readFileSync(join(__dirname, '../../test/fixtures', name));

function riff(chunk: string, payload: Buffer): Buffer {
  const header = Buffer.alloc(20);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(12 + payload.length, 4);
  header.write('WEBP', 8, 'latin1');
  header.write(chunk, 12, 'latin1');
  header.writeUInt32LE(payload.length, 16);
  return Buffer.concat([header, payload]);
}

describe(sniffImage.name, () => {
  it.each([
    ['photo-640x360.jpg', 'jpeg', 640, 360],
    ['photo-1080x1920.jpg', 'jpeg', 1080, 1920],
    ['photo-640x360.webp', 'webp', 640, 360],
    ['photo-64x64.png', 'png', 64, 64],
  ])('should read %s by its bytes', (name, format, width, height) => {
    expect(sniffImage(fixture(name))).toEqual({ format, width, height });
  });

  it('should read lossless (VP8L) and extended (VP8X) WebP sizes', () => {
    // VP8L: signature 0x2f, then 14 bits width-1 and 14 bits height-1.
    const bits = Buffer.alloc(5);
    bits[0] = 0x2f;
    bits.writeUInt32LE((1079 & 0x3fff) | ((1919 & 0x3fff) << 14), 1);
    expect(sniffImage(riff('VP8L', bits))).toEqual({ format: 'webp', width: 1080, height: 1920 });
    const extended = Buffer.alloc(10);
    extended.writeUIntLE(1439, 4, 3);
    extended.writeUIntLE(2559, 7, 3);
    expect(sniffImage(riff('VP8X', extended))).toEqual({ format: 'webp', width: 1440, height: 2560 });
  });

  it('should leave the size unknown for a JPEG cut before its frame header, and call text unknown', () => {
    expect(sniffImage(fixture('photo-640x360.jpg').subarray(0, 20))).toEqual({ format: 'jpeg' });
    expect(sniffImage(Buffer.from('not an image at all'))).toEqual({ format: 'unknown' });
  });
});

describe(photoFailReason.name, () => {
  it('should pass JPEG and WebP up to 1080p either way round', () => {
    expect(photoFailReason({ format: 'jpeg', width: 1080, height: 1920 }, 1000)).toBeUndefined();
    expect(photoFailReason({ format: 'webp', width: 1920, height: 1080 }, MAX_PHOTO_BYTES)).toBeUndefined();
  });

  it.each([
    ['a PNG', { format: 'png', width: 64, height: 64 } as const, 1000, 'file_format_check_failed'],
    ['a JPEG of unknown size', { format: 'jpeg' } as const, 1000, 'file_format_check_failed'],
    [
      'an image over 20 MB',
      { format: 'jpeg', width: 640, height: 360 } as const,
      MAX_PHOTO_BYTES + 1,
      'file_format_check_failed',
    ],
    [
      '1081 px on the short side',
      { format: 'jpeg', width: 1081, height: 1920 } as const,
      1000,
      'picture_size_check_failed',
    ],
    [
      '1921 px on the long side',
      { format: 'webp', width: 1921, height: 1080 } as const,
      1000,
      'picture_size_check_failed',
    ],
  ])('should fail %s', (_name, image, size, reason) => {
    expect(photoFailReason(image, size)).toBe(reason);
  });
});
