import type { RandomAccessSource } from '../../storage/media-storage';

export type ImageFormat = 'jpeg' | 'webp' | 'png' | 'gif' | 'unknown';

export interface ImageProbe {
  format: ImageFormat;
  /** Undefined when the bytes do not say (a truncated or broken file). */
  width?: number;
  height?: number;
}

// Start-of-frame markers carry the picture size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames.
const JPEG_FRAMES = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
/** Segments a JPEG may carry before its frame (EXIF, ICC profiles, thumbnails) are walked over, never read whole. */
const MAX_JPEG_SEGMENTS = 512;

/** What a stored image is by its bytes, never by its name or Content-Type (docs/tiktok.md §7: JPEG or WebP only). */
export async function probeImage(source: RandomAccessSource): Promise<ImageProbe> {
  const head = await source.read(0, 32);
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return probeJpeg(source);
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') {
    return probeWebp(head);
  }
  if (head.length >= 8 && head.readUInt32BE(0) === 0x89504e47) return { format: 'png' };
  if (head.toString('latin1', 0, 4) === 'GIF8') return { format: 'gif' };
  return { format: 'unknown' };
}

async function probeJpeg(source: RandomAccessSource): Promise<ImageProbe> {
  let position = 2;
  for (let segment = 0; segment < MAX_JPEG_SEGMENTS; segment++) {
    const header = await source.read(position, 9);
    if (header.length < 4 || header[0] !== 0xff) return { format: 'jpeg' };
    const marker = header[1];
    if (marker === 0xff) {
      position += 1; // a fill byte
      continue;
    }
    // Markers without a length: TEM and RST0-7.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      position += 2;
      continue;
    }
    // End of image, or a scan before any frame: no size to read.
    if (marker === 0xd9 || marker === 0xda) return { format: 'jpeg' };
    if (JPEG_FRAMES.has(marker)) {
      if (header.length < 9) return { format: 'jpeg' };
      return { format: 'jpeg', height: header.readUInt16BE(5), width: header.readUInt16BE(7) };
    }
    position += 2 + header.readUInt16BE(2);
  }
  return { format: 'jpeg' };
}

/** https://developers.google.com/speed/webp/docs/riff_container: VP8 (lossy), VP8L (lossless) or VP8X (extended). */
function probeWebp(head: Buffer): ImageProbe {
  const chunk = head.toString('latin1', 12, 16);
  const data = 20;
  if (chunk === 'VP8 ' && head.length >= data + 10 && head.readUIntBE(data + 3, 3) === 0x9d012a) {
    return {
      format: 'webp',
      width: head.readUInt16LE(data + 6) & 0x3fff,
      height: head.readUInt16LE(data + 8) & 0x3fff,
    };
  }
  if (chunk === 'VP8L' && head.length >= data + 5 && head[data] === 0x2f) {
    const bits = head.readUInt32LE(data + 1);
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X' && head.length >= data + 10) {
    return { format: 'webp', width: head.readUIntLE(data + 4, 3) + 1, height: head.readUIntLE(data + 7, 3) + 1 };
  }
  return { format: 'webp' };
}
