import { Transform, TransformCallback } from 'node:stream';
import { MediaTooLargeError } from './media-storage.errors';

// Fewer, larger writes than the 16/64 KiB stream defaults; a few buffers of this size keep memory flat.
export const STREAM_BUFFER_BYTES = 1024 * 1024;

/** Counts the bytes passing through and fails with MediaTooLargeError the moment they exceed `maxBytes`. */
export class ByteMeter extends Transform {
  bytes = 0;

  constructor(private readonly maxBytes: number) {
    super({ highWaterMark: STREAM_BUFFER_BYTES });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return done(new MediaTooLargeError(this.maxBytes));
    done(null, chunk);
  }
}
