import { ValidationFailedError } from '../../common/errors/app-error';
import {
  MAX_CHUNK_BYTES,
  MAX_CHUNK_COUNT,
  MAX_FINAL_CHUNK_BYTES,
  MAX_VIDEO_BYTES,
  MIN_CHUNK_BYTES,
} from '../../tiktok-api/tiktok-limits';

export interface ChunkRange {
  index: number;
  start: number;
  /** Inclusive, as in `Content-Range: bytes start-end/total`. */
  end: number;
  length: number;
}

export interface ChunkPlan {
  videoSize: number;
  chunkSize: number;
  totalChunkCount: number;
  chunks: ChunkRange[];
}

/** Why a configured chunk size is unusable, or undefined when it is fine. */
export function chunkSizeProblem(chunkSize: number): string | undefined {
  if (!Number.isSafeInteger(chunkSize) || chunkSize < MIN_CHUNK_BYTES || chunkSize > MAX_CHUNK_BYTES) {
    return `Chunk size must be a whole number of bytes from ${MIN_CHUNK_BYTES} to ${MAX_CHUNK_BYTES}, valid whichever "MB" TikTok means; got ${chunkSize}.`;
  }
  return undefined;
}

/** Returns the size, or throws a RangeError saying what is wrong. */
export function validateChunkSize(chunkSize: number): number {
  const problem = chunkSizeProblem(chunkSize);
  if (problem) throw new RangeError(problem);
  return chunkSize;
}

/**
 * How a video of `videoSize` bytes goes to TikTok's upload_url (docs/tiktok.md §6.1): floor(size / chunk)
 * chunks, all exactly `chunkSize` except the final one, which absorbs the remainder.
 *
 * The final chunk is chunkSize + (size mod chunkSize) < 2 × 64,000,000, so it always stays under the
 * 128 MB cap, and 4 GB / 5,242,880 gives at most 819 chunks, under the 1000 cap: a valid chunk size
 * cannot produce an invalid plan, and the asserts below only guard that reasoning.
 */
export function planChunks(videoSize: number, preferredChunkSize: number): ChunkPlan {
  assertPlannableSize(videoSize);
  const chunkSize = chooseChunkSize(videoSize, validateChunkSize(preferredChunkSize));
  const totalChunkCount = Math.floor(videoSize / chunkSize);
  const chunks = Array.from({ length: totalChunkCount }, (_, index) =>
    chunkRange(index, chunkSize, totalChunkCount, videoSize),
  );
  const finalLength = chunks[chunks.length - 1].length;
  if (totalChunkCount > MAX_CHUNK_COUNT || finalLength > MAX_FINAL_CHUNK_BYTES) {
    throw new Error(`Chunk plan for ${videoSize} bytes broke TikTok's limits (chunk ${chunkSize}).`);
  }
  return { videoSize, chunkSize, totalChunkCount, chunks };
}

/** Chunk `index` of a plan: all are `chunkSize` bytes except the final one, which absorbs the remainder (§6.1). */
export function chunkRange(index: number, chunkSize: number, totalChunkCount: number, videoSize: number): ChunkRange {
  const start = index * chunkSize;
  const end = index === totalChunkCount - 1 ? videoSize - 1 : start + chunkSize - 1;
  return { index, start, end, length: end - start + 1 };
}

/** The `Content-Range` header value TikTok expects for one chunk PUT (docs/tiktok.md §6.2). */
export function contentRangeOf(chunk: ChunkRange, videoSize: number): string {
  return `bytes ${chunk.start}-${chunk.end}/${videoSize}`;
}

function chooseChunkSize(videoSize: number, preferred: number): number {
  // "Videos with a total size less than 5 MB must be uploaded as a whole, with chunk_size equal to the
  // entire video's byte size."
  if (videoSize < MIN_CHUNK_BYTES) return videoSize;
  if (videoSize >= 2 * preferred) return preferred;
  // floor(size / preferred) would be 1: send the video whole (chunk_size = size) while that is a valid chunk
  // size. Above 64,000,000 one chunk would break "greater than 64 MB must be uploaded in multiple chunks"
  // (decimal reading), so split in two halves of 32,000,000..64,000,000 bytes each.
  return videoSize <= MAX_CHUNK_BYTES ? videoSize : Math.floor(videoSize / 2);
}

function assertPlannableSize(videoSize: number): void {
  if (!Number.isSafeInteger(videoSize) || videoSize <= 0) {
    throw new ValidationFailedError('The video is empty; there is nothing to upload.', { videoSize });
  }
  if (videoSize > MAX_VIDEO_BYTES) {
    throw new ValidationFailedError(`The video is ${videoSize} bytes; TikTok takes at most ${MAX_VIDEO_BYTES}.`, {
      videoSize,
      limit: MAX_VIDEO_BYTES,
    });
  }
}
