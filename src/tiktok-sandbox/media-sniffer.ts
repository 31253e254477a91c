export type SniffedContainer = 'mp4' | 'quicktime' | 'webm' | 'unknown';

const MAX_MOOV_BYTES = 64 * 1024 * 1024;
const QUICKTIME_TOP_BOXES = new Set(['moov', 'mdat', 'wide', 'free', 'skip']);

/**
 * Looks at the bytes as they stream past, keeping only the first bytes and the moov box, so that
 * processing can fail the way TikTok does after upload (docs/tiktok.md §7, §8: file_format_check_failed,
 * duration_check_failed) without holding the video in memory.
 */
export class MediaSniffer {
  private head = Buffer.alloc(0);
  private walker: 'header' | 'skip' | 'capture' | 'done' = 'header';
  private boxHeader = Buffer.alloc(0);
  private remaining = 0;
  private captured: Buffer[] = [];
  private fedBytes = 0;
  durationSec?: number;

  /** Feeds bytes at absolute `position`, skipping what was seen before: a retried chunk is not read twice. */
  feedAt(position: number, chunk: Buffer): void {
    if (position > this.fedBytes || position + chunk.length <= this.fedBytes) return;
    const fresh = chunk.subarray(this.fedBytes - position);
    this.fedBytes += fresh.length;
    this.feed(fresh);
  }

  private feed(chunk: Buffer): void {
    if (this.head.length < 12) this.head = Buffer.concat([this.head, chunk.subarray(0, 12 - this.head.length)]);
    if (this.head.length >= 4 && this.head.readUInt32BE(0) === 0x1a45dfa3) this.walker = 'done';
    let offset = 0;
    while (offset < chunk.length && this.walker !== 'done') {
      if (this.walker === 'header') offset = this.readBoxHeader(chunk, offset);
      else offset = this.consumeBoxBody(chunk, offset);
    }
  }

  get container(): SniffedContainer {
    if (this.head.length < 12) return 'unknown';
    if (this.head.readUInt32BE(0) === 0x1a45dfa3) return 'webm';
    const type = this.head.toString('latin1', 4, 8);
    if (type === 'ftyp') return this.head.toString('latin1', 8, 12) === 'qt  ' ? 'quicktime' : 'mp4';
    return QUICKTIME_TOP_BOXES.has(type) ? 'quicktime' : 'unknown';
  }

  private readBoxHeader(chunk: Buffer, offset: number): number {
    const need = this.boxHeader.length >= 8 && this.boxHeader.readUInt32BE(0) === 1 ? 16 : 8;
    const take = Math.min(need - this.boxHeader.length, chunk.length - offset);
    this.boxHeader = Buffer.concat([this.boxHeader, chunk.subarray(offset, offset + take)]);
    if (this.boxHeader.length < 8) return offset + take;
    const size32 = this.boxHeader.readUInt32BE(0);
    if (size32 === 1 && this.boxHeader.length < 16) return offset + take;
    const headerLength = size32 === 1 ? 16 : 8;
    const size = size32 === 1 ? Number(this.boxHeader.readBigUInt64BE(8)) : size32 === 0 ? Infinity : size32;
    const type = this.boxHeader.toString('latin1', 4, 8);
    this.boxHeader = Buffer.alloc(0);
    if (size < headerLength) {
      this.walker = 'done';
      return chunk.length;
    }
    this.remaining = size - headerLength;
    this.walker = type === 'moov' && this.remaining <= MAX_MOOV_BYTES ? 'capture' : 'skip';
    return offset + take;
  }

  private consumeBoxBody(chunk: Buffer, offset: number): number {
    const take = Math.min(this.remaining, chunk.length - offset);
    if (this.walker === 'capture') this.captured.push(chunk.subarray(offset, offset + take));
    this.remaining -= take;
    if (this.remaining === 0) {
      if (this.walker === 'capture') {
        this.durationSec = readMovieDuration(Buffer.concat(this.captured));
        this.captured = [];
        this.walker = 'done';
      } else {
        this.walker = 'header';
      }
    }
    return offset + take;
  }
}

function readMovieDuration(moov: Buffer): number | undefined {
  let pos = 0;
  while (pos + 8 <= moov.length) {
    const size = moov.readUInt32BE(pos);
    if (size < 8) return undefined;
    if (moov.toString('latin1', pos + 4, pos + 8) === 'mvhd' && pos + 36 <= moov.length) {
      const version = moov[pos + 8];
      const timescale = moov.readUInt32BE(pos + (version === 1 ? 28 : 20));
      const duration = version === 1 ? Number(moov.readBigUInt64BE(pos + 32)) : moov.readUInt32BE(pos + 24);
      return timescale > 0 ? duration / timescale : undefined;
    }
    pos += size;
  }
  return undefined;
}
