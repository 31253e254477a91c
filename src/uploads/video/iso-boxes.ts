import type { RandomAccessSource } from '../../storage/media-storage';

export interface TopLevelBox {
  type: string;
  start: number;
  size: number;
}

// A real file has a handful of top-level boxes, a fragmented one a few per second of video; past this the
// walk stops so a crafted file cannot keep the probe busy.
const MAX_TOP_LEVEL_BOXES = 50_000;

/**
 * The top-level boxes of an ISO BMFF file (MP4/MOV), read header by header: a huge mdat or free box costs
 * one 16-byte read, never its payload. Stops at the first malformed header; whatever came before is kept.
 */
export async function walkTopLevelBoxes(source: RandomAccessSource): Promise<TopLevelBox[]> {
  const boxes: TopLevelBox[] = [];
  let start = 0;
  while (start + 8 <= source.size && boxes.length < MAX_TOP_LEVEL_BOXES) {
    const header = await source.read(start, 16);
    const type = header.toString('latin1', 4, 8);
    if (!/^[\x20-\x7e]{4}$/.test(type)) break;
    let size = header.readUInt32BE(0);
    let headerSize = 8;
    if (size === 1) {
      if (header.length < 16) break;
      size = Number(header.readBigUInt64BE(8));
      headerSize = 16;
    } else if (size === 0) {
      size = source.size - start; // ISO/IEC 14496-12: size 0 means "to the end of the file"
    }
    if (size < headerSize || start + size > source.size) {
      // A truncated last box still tells us its type; a nonsense size ends the walk.
      if (size >= headerSize) boxes.push({ type, start, size: source.size - start });
      break;
    }
    boxes.push({ type, start, size });
    start += size;
  }
  return boxes;
}
