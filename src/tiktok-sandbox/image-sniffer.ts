export type ImageFormat = 'jpeg' | 'webp' | 'png' | 'unknown';

export interface SniffedImage {
  format: ImageFormat;
  /** Undefined when the bytes do not say (a truncated or broken file). */
  width?: number;
  height?: number;
}

// JPEG start-of-frame markers carry the picture size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not SOFs.
const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** What an image is by its bytes, never by its name or Content-Type (docs/tiktok.md §7: WebP or JPEG only). */
export function sniffImage(bytes: Buffer): SniffedImage {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return jpeg(bytes);
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP')
    return webp(bytes);
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.toString('latin1', 12, 16) === 'IHDR')
    return { format: 'png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  return { format: 'unknown' };
}

function jpeg(bytes: Buffer): SniffedImage {
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) return { format: 'jpeg' };
    const marker = bytes[pos + 1];
    if (marker === 0xff) {
      pos += 1; // fill byte
      continue;
    }
    // Markers without a length: TEM, RST0-7.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return { format: 'jpeg' }; // end of image or scan before any frame
    const length = bytes.readUInt16BE(pos + 2);
    if (JPEG_SOF.has(marker) && pos + 9 <= bytes.length) {
      return { format: 'jpeg', height: bytes.readUInt16BE(pos + 5), width: bytes.readUInt16BE(pos + 7) };
    }
    pos += 2 + length;
  }
  return { format: 'jpeg' };
}

/** https://developers.google.com/speed/webp/docs/riff_container: VP8 (lossy), VP8L (lossless) or VP8X (extended). */
function webp(bytes: Buffer): SniffedImage {
  const chunk = bytes.toString('latin1', 12, 16);
  const data = 20;
  if (chunk === 'VP8 ' && bytes.length >= data + 10 && bytes.readUIntBE(data + 3, 3) === 0x9d012a) {
    return {
      format: 'webp',
      width: bytes.readUInt16LE(data + 6) & 0x3fff,
      height: bytes.readUInt16LE(data + 8) & 0x3fff,
    };
  }
  if (chunk === 'VP8L' && bytes.length >= data + 5 && bytes[data] === 0x2f) {
    const bits = bytes.readUInt32LE(data + 1);
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X' && bytes.length >= data + 10) {
    return { format: 'webp', width: bytes.readUIntLE(data + 4, 3) + 1, height: bytes.readUIntLE(data + 7, 3) + 1 };
  }
  return { format: 'webp' };
}
