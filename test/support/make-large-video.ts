import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

export const FIXTURES_DIR = join(__dirname, '..', 'fixtures');

export interface LargeVideoOptions {
  /** A fixture in test/fixtures; defaults to the faststart H.264 MP4. */
  fixture?: string;
  /**
   * `append` (default) adds the `free` box after the last top-level box. `before-moov` needs a moov-at-end
   * fixture and puts the padding between mdat and moov, so a probe has to seek past it to find moov;
   * chunk offsets point into mdat, which does not move, so the file stays playable.
   */
  padding?: 'append' | 'before-moov';
}

const ZEROS = Buffer.alloc(1 << 20);

/**
 * Copies a real fixture to `dir` and pads it to exactly `targetBytes` with one valid MP4 `free` box,
 * written in 1 MB slices so even a 4 GB file never sits in memory. Returns the new file's path.
 */
export async function makeLargeVideo(
  targetBytes: number,
  dir: string,
  options: LargeVideoOptions = {},
): Promise<string> {
  const fixture = options.fixture ?? (options.padding === 'before-moov' ? 'h264-moov-at-end.mp4' : 'h264.mp4');
  const source = await readFile(join(FIXTURES_DIR, fixture));
  const split = options.padding === 'before-moov' ? offsetOfLastMoov(source) : source.length;
  const header = freeBoxHeader(targetBytes - source.length);
  const path = join(dir, `large-${targetBytes}-${options.padding ?? 'append'}.mp4`);

  await pipeline(async function* () {
    yield source.subarray(0, split);
    yield header;
    for (let left = targetBytes - source.length - header.length; left > 0; left -= ZEROS.length) {
      yield ZEROS.subarray(0, Math.min(left, ZEROS.length));
    }
    yield source.subarray(split);
  }, createWriteStream(path));
  return path;
}

/** A `free` box header for a box of `boxSize` bytes; the 64-bit form once the size passes 32 bits. */
function freeBoxHeader(boxSize: number): Buffer {
  if (boxSize < 8) throw new Error(`Target leaves ${boxSize} bytes for padding; a free box needs at least 8.`);
  if (boxSize <= 0xffffffff) {
    const header = Buffer.alloc(8);
    header.writeUInt32BE(boxSize, 0);
    header.write('free', 4, 'latin1');
    return header;
  }
  const header = Buffer.alloc(16);
  header.writeUInt32BE(1, 0);
  header.write('free', 4, 'latin1');
  header.writeBigUInt64BE(BigInt(boxSize), 8);
  return header;
}

function offsetOfLastMoov(file: Buffer): number {
  let moov = -1;
  for (let offset = 0; offset + 8 <= file.length;) {
    const size = file.readUInt32BE(offset);
    if (file.toString('latin1', offset + 4, offset + 8) === 'moov') moov = offset;
    if (size < 8) break;
    offset += size;
  }
  if (moov < 0) throw new Error('The fixture has no top-level moov box to pad before.');
  return moov;
}
