import type { RandomAccessSource } from './media-storage';

// Parsers read many small slices (box headers, EBML elements); each S3 read is a request, so a read fetches at
// least this much and the next reads inside it cost none.
const MIN_FETCH_BYTES = 64 * 1024;

/** Positioned reads of one S3 object by ranged GETs, keeping the last fetched block. */
export class S3Source implements RandomAccessSource {
  bytesRead = 0;
  /** Ranged GETs sent so far. */
  requests = 0;
  private block?: { start: number; data: Buffer };

  constructor(
    private readonly fetchRange: (start: number, endInclusive: number) => Promise<Buffer>,
    readonly size: number,
  ) {}

  async read(position: number, length: number): Promise<Buffer> {
    const wanted = Math.max(0, Math.min(length, this.size - position));
    if (wanted === 0) return Buffer.alloc(0);
    let block = this.block;
    if (!block || position < block.start || position + wanted > block.start + block.data.length) {
      const end = Math.min(this.size, position + Math.max(wanted, MIN_FETCH_BYTES)) - 1;
      this.requests += 1;
      block = this.block = { start: position, data: await this.fetchRange(position, end) };
    }
    const offset = position - block.start;
    const slice = block.data.subarray(offset, offset + wanted);
    this.bytesRead += slice.length;
    return slice;
  }

  close(): Promise<void> {
    this.block = undefined;
    return Promise.resolve();
  }
}
