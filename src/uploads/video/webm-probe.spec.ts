import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES_DIR } from '../../../test/support/make-large-video';
import { probeVideo } from './video-probe';
import { probeMatroskaVideo } from './webm-probe';

/** Overwrites the first element with `id` by an EBML Void element of the same length, hiding it from readers. */
function voidElement(file: Buffer, id: number[]): Buffer {
  const copy = Buffer.from(file);
  const at = copy.indexOf(Buffer.from(id));
  if (at < 0) throw new Error(`element ${Buffer.from(id).toString('hex')} not in fixture`);
  const sizeAt = at + id.length;
  const sizeLength = Math.clz32(copy[sizeAt]) - 23;
  let size = copy[sizeAt] & (0xff >> sizeLength);
  for (let i = 1; i < sizeLength; i++) size = size * 256 + copy[sizeAt + i];
  const total = id.length + sizeLength + size;
  copy.fill(0, at, at + total);
  copy[at] = 0xec; // Void
  copy[at + 1] = 0x80 | (total - 2); // one-byte size: fine for the small elements hidden here
  return copy;
}

/** Marks an element's size as "unknown", as live WebM recorders (MediaRecorder) write Segment and Cluster. */
function unknownSize(file: Buffer, id: number[]): Buffer {
  const copy = Buffer.from(file);
  const sizeAt = copy.indexOf(Buffer.from(id)) + id.length;
  const sizeLength = Math.clz32(copy[sizeAt]) - 23;
  copy[sizeAt] = (0x100 >> sizeLength) | (0xff >> sizeLength);
  copy.fill(0xff, sizeAt + 1, sizeAt + sizeLength);
  return copy;
}

const SEGMENT = [0x18, 0x53, 0x80, 0x67];
const CLUSTER = [0x1f, 0x43, 0xb6, 0x75];
const DEFAULT_DURATION = [0x23, 0xe3, 0x83];
const DURATION = [0x44, 0x89];

describe(probeMatroskaVideo.name, () => {
  let dir: string;
  let vp9: Buffer;

  const probeBytes = async (name: string, bytes: Buffer) => {
    const path = join(dir, name);
    await writeFile(path, bytes);
    return probeVideo(path);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'webm-probe-'));
    vp9 = await readFile(join(FIXTURES_DIR, 'vp9.webm'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should estimate 30 fps from block times when the track has no DefaultDuration', async () => {
    const probe = await probeBytes('no-default-duration.webm', voidElement(vp9, DEFAULT_DURATION));

    expect(probe).toMatchObject({ codec: 'vp9', frameRate: 30, width: 640, height: 360 });
  });

  it('should read a Segment of unknown size', async () => {
    const probe = await probeBytes('live.webm', unknownSize(vp9, SEGMENT));

    expect(probe).toMatchObject({ container: 'webm', codec: 'vp9', frameRate: 30, durationMs: 3508 });
  });

  it('should read a live recording: unknown Segment and Cluster sizes, no DefaultDuration, no Duration', async () => {
    const stripped = voidElement(voidElement(vp9, DEFAULT_DURATION), DURATION);
    const live = unknownSize(unknownSize(stripped, SEGMENT), CLUSTER);

    const probe = await probeBytes('live-no-default.webm', live);

    expect(probe).toMatchObject({ codec: 'vp9', frameRate: 30, width: 640, height: 360, durationMs: 3500 });
  });

  it('should take the duration from the last cluster when the Info has no Duration', async () => {
    const probe = await probeBytes('no-duration.webm', voidElement(vp9, DURATION));

    expect(probe).toMatchObject({ codec: 'vp9', frameRate: 30, durationMs: 3500 });
    expect(probe.unknownReason).toBeUndefined();
  });

  it('should say what is missing when a file without Duration ends before its first cluster', async () => {
    const headerOnly = voidElement(vp9, DURATION).subarray(0, vp9.indexOf(Buffer.from(CLUSTER)));

    const probe = await probeBytes('header-only.webm', voidElement(headerOnly, DEFAULT_DURATION));

    expect(probe).toMatchObject({ codec: 'vp9', width: 640, frameRate: null, durationMs: null });
    expect(probe.unknownReason).toBe('The WebM file does not state its frame rate or duration.');
  });

  it('should report no video track when the Tracks element is hidden', async () => {
    const tracksId = Buffer.from([0x16, 0x54, 0xae, 0x6b]);
    const tracksAt = vp9.indexOf(tracksId, vp9.indexOf(tracksId) + 1); // the first is the SeekHead's pointer
    const hidden = Buffer.from(vp9);
    hidden.writeUInt32BE(0x1549a967, tracksAt); // an unknown 4-byte ID of the same length

    const probe = await probeBytes('no-tracks.webm', hidden);

    expect(probe).toMatchObject({ container: 'webm', codec: 'unknown', width: null });
    expect(probe.unknownReason).toMatch(/No video track/);
  });
});
