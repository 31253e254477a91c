import fc from 'fast-check';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES_DIR } from '../../../test/support/make-large-video';
import { probeVideo } from './video-probe';

// Starts of real files, so random tails reach the MP4 and EBML parsers instead of stopping at sniffing.
const EBML_WEBM_HEADER = Buffer.from('1a45dfa39f4286810142f7810142f2810442f381084282847765626d4287810442858102', 'hex');
const FTYP_ISOM = Buffer.from('000000206674797069736d0000020069736f6d69736f32617663316d703431', 'hex');

describe(`${probeVideo.name} on hostile bytes`, () => {
  let dir: string;
  let fixtures: Buffer[];
  let run = 0;

  const probeBytes = async (bytes: Uint8Array) => {
    const path = join(dir, `fuzz-${run++}.bin`);
    await writeFile(path, bytes);
    try {
      return await probeVideo(path);
    } finally {
      await rm(path);
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'video-probe-fuzz-'));
    fixtures = await Promise.all(
      ['h264.mp4', 'h264-moov-at-end.mp4', 'h264-fragmented.mp4', 'vp9.webm', 'vp8.webm'].map((name) =>
        readFile(join(FIXTURES_DIR, name)),
      ),
    );
    jest.spyOn(console, 'error').mockImplementation(() => undefined); // mp4box reports corrupt boxes there
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it('should answer every random buffer with a probe, never an error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(Buffer.alloc(0), EBML_WEBM_HEADER, FTYP_ISOM),
        fc.uint8Array({ maxLength: 4096 }),
        async (prefix, tail) => {
          const bytes = Buffer.concat([prefix, tail]);
          await expect(probeBytes(bytes)).resolves.toMatchObject({ sizeBytes: bytes.length });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('should still throw when the file cannot be read at all', async () => {
    await expect(probeVideo(join(dir, 'missing.mp4'))).rejects.toThrow(/ENOENT/);
  });

  it('should answer every mutated or truncated real video with a probe, never an error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 4 }),
        fc.array(
          fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.integer({ min: 0, max: 255 })),
          {
            minLength: 1,
            maxLength: 20,
          },
        ),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (which, edits, keep) => {
          const bytes = Buffer.from(fixtures[which]);
          // Edits land mostly in the first 2 KB, where the headers the parsers trust are.
          for (const [where, value] of edits) bytes[Math.floor(where * where * bytes.length)] = value;
          const cut = bytes.subarray(0, Math.max(1, Math.floor(keep * bytes.length)));

          const probe = await probeBytes(cut);

          expect(probe.sizeBytes).toBe(cut.length);
          for (const value of [probe.width, probe.height, probe.frameRate, probe.durationMs]) {
            expect(value === null || Number.isFinite(value)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
