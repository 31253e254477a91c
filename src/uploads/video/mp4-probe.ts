import { createFile, Log, MP4BoxBuffer, type Movie, type Track } from 'mp4box';
import type { RandomAccessSource } from '../../storage/media-storage';
import { walkTopLevelBoxes, type TopLevelBox } from './iso-boxes';
import { UNMEASURED, type VideoCodec, type VideoTrackMeasurements } from './video-probe.types';

Log.setLogLevel(Log.error);

// Only ftyp, moov and moof boxes are read (mdat and padding are skipped by offset). A 10-minute video's
// moov is a few hundred KB; this cap keeps a crafted file from making us allocate gigabytes.
const MAX_METADATA_BYTES = 64 * 1024 * 1024;
const METADATA_BOXES = new Set(['ftyp', 'moov', 'moof']);

const CODECS_BY_SAMPLE_ENTRY: Record<string, VideoCodec> = {
  avc1: 'h264',
  avc3: 'h264',
  hvc1: 'h265',
  hev1: 'h265',
  vp08: 'vp8',
  vp09: 'vp9',
  mp4v: 'mpeg4',
  av01: 'av1',
};

/** The `ftyp` major brand (`qt  ` for QuickTime), or undefined when the file has no leading ftyp. */
export async function readMajorBrand(source: RandomAccessSource): Promise<string | undefined> {
  const head = await source.read(0, 12);
  if (head.length < 12 || head.toString('latin1', 4, 8) !== 'ftyp') return undefined;
  return head.toString('latin1', 8, 12);
}

/**
 * Measures the first video track of an MP4/MOV. The metadata boxes are gathered wherever they sit
 * (moov at the end after a 4 GB mdat costs one header read per box) and handed to mp4box as one small
 * buffer; moofs come along so fragmented files get their sample counts too.
 */
export async function probeIsoVideo(source: RandomAccessSource): Promise<VideoTrackMeasurements> {
  const boxes = (await walkTopLevelBoxes(source)).filter((box) => METADATA_BOXES.has(box.type));
  if (!boxes.some((box) => box.type === 'moov')) {
    return {
      ...UNMEASURED,
      unknownReason: 'The file has no movie header (moov box); it is truncated or not a finished recording.',
    };
  }
  const metadataBytes = boxes.reduce((sum, box) => sum + box.size, 0);
  if (metadataBytes > MAX_METADATA_BYTES) {
    return { ...UNMEASURED, unknownReason: `The file's metadata is ${metadataBytes} bytes, too large to inspect.` };
  }
  const movie = await parseMetadata(source, boxes);
  const track = movie?.videoTracks[0];
  if (!movie || !track) {
    const reason = movie ? 'The file has no video track.' : 'The movie header (moov box) could not be parsed.';
    return { ...UNMEASURED, unknownReason: reason };
  }
  return measureTrack(movie, track);
}

async function parseMetadata(source: RandomAccessSource, boxes: TopLevelBox[]): Promise<Movie | undefined> {
  const slices = await Promise.all(boxes.map((box) => source.read(box.start, box.size)));
  const metadata = Buffer.concat(slices);
  const iso = createFile();
  let failed = false;
  iso.onError = () => {
    failed = true;
  };
  try {
    const arrayBuffer = metadata.buffer.slice(metadata.byteOffset, metadata.byteOffset + metadata.length);
    iso.appendBuffer(MP4BoxBuffer.fromArrayBuffer(arrayBuffer, 0), true);
    // Read after the whole buffer is parsed: onReady fires before the moofs are counted.
    return failed || !iso.moov ? undefined : iso.getInfo();
  } catch {
    return undefined; // mp4box throws plain errors on corrupt boxes; a corrupt file is "unmeasured", not a 500.
  }
}

function measureTrack(movie: Movie, track: Track): VideoTrackMeasurements {
  const sampleEntry = track.codec.slice(0, 4);
  const codec = CODECS_BY_SAMPLE_ENTRY[sampleEntry] ?? (sampleEntry.trim() || 'unknown');
  // mp4box already divides the 16.16 tkhd size; the sample entry is the fallback when tkhd says 0.
  let width = Math.round(track.track_width) || track.video?.width || null;
  let height = Math.round(track.track_height) || track.video?.height || null;
  if (isQuarterTurn(track)) [width, height] = [height, width];

  const trackTicks = track.samples_duration || track.duration;
  const seconds = track.timescale > 0 ? trackTicks / track.timescale : 0;
  const movieSeconds = movie.timescale > 0 ? movie.duration / movie.timescale : 0;
  const durationSeconds = seconds || movieSeconds || fragmentSeconds(movie);
  // docs/tiktok.md §7 checks FPS; nb_samples over the track's own duration is what players show.
  const frameRate = track.nb_samples > 0 && seconds > 0 ? track.nb_samples / seconds : null;
  return {
    codec,
    width,
    height,
    frameRate,
    durationMs: durationSeconds > 0 ? Math.round(durationSeconds * 1000) : null,
    ...(frameRate === null && { unknownReason: 'The video track does not say how many frames it has.' }),
  };
}

function fragmentSeconds(movie: Movie): number {
  const fragment = movie.fragment_duration;
  return fragment && fragment.den > 0 ? fragment.num / fragment.den : 0;
}

/** A 90° or 270° display matrix (a = d = 0) shows the picture sideways: width and height swap. */
function isQuarterTurn(track: Track): boolean {
  const matrix = track.matrix as ArrayLike<number> | undefined;
  return !!matrix && matrix[0] === 0 && matrix[4] === 0 && (matrix[1] !== 0 || matrix[3] !== 0);
}
