import { checkChunkPlan, expectedChunkRange, MAX_CHUNK_BYTES, MIN_CHUNK_BYTES } from './chunk-rules';

describe(checkChunkPlan.name, () => {
  it('should accept the documented 5-chunk example with a larger final chunk', () => {
    const check = checkChunkPlan(50_000_123, 10_000_000, 5);
    expect(check).toEqual({ ok: true, plan: { videoSize: 50_000_123, chunkSize: 10_000_000, totalChunks: 5 } });
    if (check.ok) expect(expectedChunkRange(check.plan, 4)).toEqual({ start: 40_000_000, end: 50_000_122 });
  });

  it('should accept a whole upload below 5 MB and a single chunk just above 64,000,000', () => {
    expect(checkChunkPlan(4_194_304, 4_194_304, 1).ok).toBe(true);
    expect(checkChunkPlan(64_000_001, 64_000_000, 1).ok).toBe(true);
  });

  it.each([
    [50_000_123, 10_000_000, 6, 'upload.chunk_count_not_floor'],
    [50_000_000, MIN_CHUNK_BYTES - 1, 10, 'upload.chunk_too_small'],
    [200_000_000, MAX_CHUNK_BYTES + 1, 3, 'upload.chunk_too_large'],
    [70_000_000, 70_000_000, 1, 'upload.chunk_too_large'],
    [100_000_000, 64_000_000, 1, 'upload.single_chunk_too_large'],
    [4_000_000, 1_000_000, 4, 'upload.small_video_not_whole'],
    [1000, 2000, 0, 'upload.source_info_numbers'],
    [1000, 2000, 1, 'upload.chunk_larger_than_video'],
  ])('should refuse video %d / chunk %d / count %d as %s', (video, chunk, count, rule) => {
    expect(checkChunkPlan(video, chunk, count)).toMatchObject({ ok: false, rule });
  });
});
