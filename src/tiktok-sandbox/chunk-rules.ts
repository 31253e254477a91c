/*
 * docs/tiktok.md §6.1. "MB" is unconfirmed (decimal in one example, binary in another), so the sandbox
 * accepts only what is valid under both readings, the same window §13 sets for the gateway:
 * a chunk of 5 MiB (5,242,880) .. 64,000,000 bytes, a final chunk up to 128,000,000 bytes.
 * Video size: up to 4 GiB (4,294,967,296), matching the gateway's UPLOAD_MAX_BYTES default (README "Configuration").
 */
export const MIN_CHUNK_BYTES = 5 * 1024 * 1024;
export const MAX_CHUNK_BYTES = 64_000_000;
export const MAX_VIDEO_BYTES = 4 * 1024 ** 3;
const SINGLE_CHUNK_MAX_BYTES = 64 * 1024 * 1024;

export interface ChunkPlan {
  videoSize: number;
  chunkSize: number;
  totalChunks: number;
}

export type ChunkPlanCheck = { ok: true; plan: ChunkPlan } | { ok: false; rule: string; message: string };

function refuse(rule: string, message: string): ChunkPlanCheck {
  return { ok: false, rule, message };
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

export function checkChunkPlan(videoSize: unknown, chunkSize: unknown, totalChunkCount: unknown): ChunkPlanCheck {
  if (!isPositiveInteger(videoSize) || !isPositiveInteger(chunkSize) || !isPositiveInteger(totalChunkCount)) {
    return refuse(
      'upload.source_info_numbers',
      'video_size, chunk_size and total_chunk_count must be positive integers.',
    );
  }
  if (videoSize > MAX_VIDEO_BYTES) return refuse('upload.video_too_large', 'video_size exceeds 4 GB.');
  if (chunkSize > videoSize) return refuse('upload.chunk_larger_than_video', 'chunk_size must not exceed video_size.');
  if (videoSize < MIN_CHUNK_BYTES && chunkSize !== videoSize) {
    return refuse('upload.small_video_not_whole', 'Videos below 5 MB must be uploaded whole: chunk_size = video_size.');
  }
  if (videoSize >= MIN_CHUNK_BYTES && chunkSize < MIN_CHUNK_BYTES) {
    return refuse('upload.chunk_too_small', `The chunk size is invalid: below ${MIN_CHUNK_BYTES} bytes.`);
  }
  if (chunkSize > MAX_CHUNK_BYTES) {
    return refuse('upload.chunk_too_large', `The chunk size is invalid: above ${MAX_CHUNK_BYTES} bytes.`);
  }
  // §6.1: "equal to video_size divided by chunk_size, rounded down to the nearest integer".
  const expectedCount = Math.floor(videoSize / chunkSize);
  if (totalChunkCount !== expectedCount) {
    return refuse(
      'upload.chunk_count_not_floor',
      `total_chunk_count must be floor(video_size / chunk_size) = ${expectedCount}, got ${totalChunkCount}.`,
    );
  }
  // "Videos with a total size greater than 64 MB must be uploaded in multiple chunks": over 64 MiB, more than 64 MB
  // whichever reading, one chunk is refused (64,000,001 in one chunk stays the fact sheet's allowed edge).
  if (expectedCount === 1 && videoSize > SINGLE_CHUNK_MAX_BYTES) {
    return refuse('upload.single_chunk_too_large', 'Videos over 64 MB must be uploaded in multiple chunks.');
  }
  // TikTok's other caps follow from the checks above: at most 4 GiB / 5 MiB = 819 chunks (cap 1000), and a final
  // chunk under 2 x 64,000,000 (cap 128 MB).
  return { ok: true, plan: { videoSize, chunkSize, totalChunks: expectedCount } };
}

/** Inclusive byte range of chunk `index` (0-based); the final chunk absorbs the trailing bytes (§6.1). */
export function expectedChunkRange(plan: ChunkPlan, index: number): { start: number; end: number } {
  const start = index * plan.chunkSize;
  const end = index === plan.totalChunks - 1 ? plan.videoSize - 1 : start + plan.chunkSize - 1;
  return { start, end };
}
