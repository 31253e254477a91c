import fc from 'fast-check';
import { ValidationFailedError } from '../../common/errors/app-error';
import { chunkSizeProblem, contentRangeOf, planChunks, validateChunkSize, type ChunkPlan } from './chunk-plan';
import { MAX_CHUNK_BYTES, MIN_CHUNK_BYTES } from '../../tiktok-api/tiktok-limits';

const ranges = (plan: ChunkPlan): string[] => plan.chunks.map((chunk) => contentRangeOf(chunk, plan.videoSize));

describe(planChunks.name, () => {
  it("should reproduce TikTok's worked example: 50,000,123 bytes in 5 chunks of 10,000,000, the last absorbing the rest", () => {
    const plan = planChunks(50_000_123, 10_000_000);

    expect(plan).toMatchObject({ videoSize: 50_000_123, chunkSize: 10_000_000, totalChunkCount: 5 });
    expect(ranges(plan)).toEqual([
      'bytes 0-9999999/50000123',
      'bytes 10000000-19999999/50000123',
      'bytes 20000000-29999999/50000123',
      'bytes 30000000-39999999/50000123',
      'bytes 40000000-50000122/50000123',
    ]);
    expect(plan.chunks[4].length).toBe(10_000_123);
  });

  it("should send TikTok's 4,194,304-byte example whole, with chunk_size equal to the video size", () => {
    const plan = planChunks(4_194_304, 10_000_000);

    expect(plan).toEqual({
      videoSize: 4_194_304,
      chunkSize: 4_194_304,
      totalChunkCount: 1,
      chunks: [{ index: 0, start: 0, end: 4_194_303, length: 4_194_304 }],
    });
  });

  it('should send exactly 5 MB (5,242,880 bytes) as one whole chunk', () => {
    const plan = planChunks(5_242_880, 10_000_000);

    expect(plan).toMatchObject({ chunkSize: 5_242_880, totalChunkCount: 1 });
  });

  it('should cut exactly 64,000,000 bytes into 10,000,000-byte chunks with a 14,000,000-byte tail', () => {
    const plan = planChunks(64_000_000, 10_000_000);

    expect(plan.totalChunkCount).toBe(6);
    expect(plan.chunks.map((chunk) => chunk.length)).toEqual([1e7, 1e7, 1e7, 1e7, 1e7, 14_000_000]);
  });

  it('should send exactly 64,000,000 bytes whole when the chunk size is 64,000,000', () => {
    const plan = planChunks(64_000_000, 64_000_000);

    expect(plan).toMatchObject({ chunkSize: 64_000_000, totalChunkCount: 1 });
  });

  it.each([64_000_001, 67_108_865])(
    'should split %d bytes (64 MB + 1 in either reading) into two chunks rather than one over 64 MB',
    (videoSize) => {
      const plan = planChunks(videoSize, 64_000_000);

      expect(plan.totalChunkCount).toBe(2);
      expect(plan.chunkSize).toBe(Math.floor(videoSize / 2));
      expect(Math.max(...plan.chunks.map((chunk) => chunk.length))).toBeLessThanOrEqual(64_000_000);
      expect(plan.chunks[1].end).toBe(videoSize - 1);
    },
  );

  it('should plan 4 GB (4,294,967,296 bytes) as 429 chunks with a tail under 128 MB', () => {
    const plan = planChunks(4_294_967_296, 10_000_000);

    expect(plan.totalChunkCount).toBe(429);
    expect(plan.chunks[428]).toEqual({ index: 428, start: 4_280_000_000, end: 4_294_967_295, length: 14_967_296 });
  });

  it('should plan 4 GB in 64,000,000-byte chunks as 67 chunks', () => {
    const plan = planChunks(4_294_967_296, 64_000_000);

    expect(plan.totalChunkCount).toBe(67);
    expect(plan.chunks[66].length).toBe(70_967_296);
  });

  it.each([0, -1, 1.5, Number.NaN, 4_294_967_297])('should refuse a video size of %d bytes', (videoSize) => {
    expect(() => planChunks(videoSize, 10_000_000)).toThrow(ValidationFailedError);
  });

  it('should refuse a preferred chunk size outside 5,242,880..64,000,000', () => {
    expect(() => planChunks(50_000_000, 5_242_879)).toThrow(RangeError);
  });

  it("should always cover every byte once, in order, within TikTok's chunk rules", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4_294_967_296 }),
        fc.integer({ min: MIN_CHUNK_BYTES, max: MAX_CHUNK_BYTES }),
        (videoSize, preferred) => {
          const plan = planChunks(videoSize, preferred);
          const { chunks, chunkSize, totalChunkCount } = plan;

          expect(totalChunkCount).toBe(Math.floor(videoSize / chunkSize));
          expect(chunks).toHaveLength(totalChunkCount);
          expect(totalChunkCount).toBeLessThanOrEqual(1000);
          if (videoSize < MIN_CHUNK_BYTES) expect(chunkSize).toBe(videoSize);
          else expect(chunkSize).toBeGreaterThanOrEqual(MIN_CHUNK_BYTES);
          expect(chunkSize).toBeLessThanOrEqual(MAX_CHUNK_BYTES);
          const contiguous = chunks.every(
            (chunk, index) =>
              chunk.start === index * chunkSize &&
              chunk.length === chunk.end - chunk.start + 1 &&
              (index === totalChunkCount - 1 || chunk.length === chunkSize),
          );
          expect(contiguous).toBe(true);
          const last = chunks[totalChunkCount - 1];
          expect(last.end).toBe(videoSize - 1);
          expect(last.length).toBeLessThanOrEqual(128_000_000);
          if (videoSize > 64_000_000) expect(totalChunkCount).toBeGreaterThan(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe(validateChunkSize.name, () => {
  it.each([5_242_880, 10_000_000, 64_000_000])('should accept %d bytes', (size) => {
    expect(validateChunkSize(size)).toBe(size);
    expect(chunkSizeProblem(size)).toBeUndefined();
  });

  it.each([5_242_879, 64_000_001, 67_108_864, 10_000_000.5])('should refuse %d bytes with a reason', (size) => {
    expect(() => validateChunkSize(size)).toThrow(/5242880 to 64000000/);
  });
});
