import { children, EBML_ID, elementEnd, readElement, readFloat, readString, readUint } from './ebml-reader';
import type { RandomAccessSource } from '../../storage/media-storage';
import { estimateFrameRate, frameRateFromFrameDuration } from './frame-rate-estimate';
import { readClusterBlockTimes, readLastBlockTimeNs } from './webm-clusters';
import { UNMEASURED, type VideoCodec, type VideoTrackMeasurements } from './video-probe.types';

// Info and Tracks come before the first Cluster in any playable WebM; 4 MB also holds a few seconds of
// blocks for the frame-rate estimate. Nothing past this window is read, whatever the file size.
const WINDOW_BYTES = 4 * 1024 * 1024;
const MAX_BLOCK_TIMES = 600;
const DEFAULT_TIMECODE_SCALE_NS = 1_000_000;

const CODECS_BY_CODEC_ID: Record<string, VideoCodec> = {
  V_VP8: 'vp8',
  V_VP9: 'vp9',
  'V_MPEG4/ISO/AVC': 'h264',
  'V_MPEGH/ISO/HEVC': 'h265',
  V_AV1: 'av1',
  'V_MPEG4/ISO/SP': 'mpeg4',
  'V_MPEG4/ISO/ASP': 'mpeg4',
  'V_MPEG4/ISO/AP': 'mpeg4',
};

interface VideoTrackEntry {
  number: number;
  codecId: string;
  width: number | null;
  height: number | null;
  defaultDurationNs: number | null;
}

interface SegmentFacts {
  timecodeScaleNs: number;
  durationTicks: number | null;
  track: VideoTrackEntry | undefined;
  blockTimesNs: number[];
}

/** Measures the first video track of a WebM/Matroska file from its first few megabytes. */
export async function probeMatroskaVideo(source: RandomAccessSource): Promise<VideoTrackMeasurements> {
  const window = await source.read(0, WINDOW_BYTES);
  const facts = readSegment(window);
  if (!facts?.track) return { ...UNMEASURED, unknownReason: 'No video track was found in the WebM header.' };
  const { track, timecodeScaleNs, durationTicks, blockTimesNs } = facts;
  // docs/tiktok.md §7 checks FPS: DefaultDuration is the muxer's declared frame time; block times are a fallback.
  const frameRate = track.defaultDurationNs
    ? frameRateFromFrameDuration(track.defaultDurationNs)
    : estimateFrameRate(blockTimesNs, timecodeScaleNs);
  const durationMs =
    durationTicks !== null
      ? Math.round((durationTicks * timecodeScaleNs) / 1e6)
      : await durationFromLastBlock(source, track.number, timecodeScaleNs, blockTimesNs, frameRate);
  const missing = [frameRate === null && 'frame rate', durationMs === null && 'duration'].filter(Boolean);
  return {
    codec: CODECS_BY_CODEC_ID[track.codecId] ?? (track.codecId || 'unknown'),
    width: track.width,
    height: track.height,
    frameRate,
    durationMs,
    ...(missing.length > 0 && { unknownReason: `The WebM file does not state its ${missing.join(' or ')}.` }),
  };
}

function readSegment(window: Buffer): SegmentFacts | undefined {
  const header = readElement(window, 0);
  if (header?.id !== EBML_ID.Header || header.size === undefined) return undefined;
  const segment = readElement(window, header.dataStart + header.size);
  if (segment?.id !== EBML_ID.Segment) return undefined;

  const facts: SegmentFacts = {
    timecodeScaleNs: DEFAULT_TIMECODE_SCALE_NS,
    durationTicks: null,
    track: undefined,
    blockTimesNs: [],
  };
  const end = elementEnd(segment, window.length);
  let pos = segment.dataStart;
  while (pos < end && facts.blockTimesNs.length < MAX_BLOCK_TIMES) {
    const element = readElement(window, pos);
    if (!element) break;
    if (element.id === EBML_ID.Info) readInfo(window, element.dataStart, elementEnd(element, end), facts);
    else if (element.id === EBML_ID.Tracks)
      facts.track ??= readVideoTrack(window, element.dataStart, elementEnd(element, end));
    else if (element.id === EBML_ID.Cluster) {
      // Before Tracks (not playable anyway) the sink matches no track number and only finds the cluster's end.
      const sink = {
        trackNumber: facts.track?.number ?? -1,
        timecodeScaleNs: facts.timecodeScaleNs,
        timesNs: facts.blockTimesNs,
      };
      pos = readClusterBlockTimes(
        window,
        element.dataStart,
        elementEnd(element, end),
        element.size === undefined,
        sink,
      );
      continue;
    } else if (element.size === undefined) break;
    pos = element.dataStart + (element.size ?? 0);
  }
  return facts;
}

function readInfo(window: Buffer, start: number, end: number, facts: SegmentFacts): void {
  for (const child of children(window, start, end)) {
    if (child.id === EBML_ID.TimecodeScale)
      facts.timecodeScaleNs = readUint(window, child) || DEFAULT_TIMECODE_SCALE_NS;
    if (child.id === EBML_ID.Duration) {
      const ticks = readFloat(window, child);
      facts.durationTicks = ticks !== undefined && ticks > 0 ? ticks : null;
    }
  }
}

function readVideoTrack(window: Buffer, start: number, end: number): VideoTrackEntry | undefined {
  for (const entry of children(window, start, end)) {
    if (entry.id !== EBML_ID.TrackEntry) continue;
    const track: VideoTrackEntry = { number: 0, codecId: '', width: null, height: null, defaultDurationNs: null };
    let type: number | undefined;
    for (const child of children(window, entry.dataStart, elementEnd(entry, end))) {
      if (child.id === EBML_ID.TrackNumber) track.number = readUint(window, child) ?? 0;
      else if (child.id === EBML_ID.TrackType) type = readUint(window, child);
      else if (child.id === EBML_ID.CodecID) track.codecId = readString(window, child) ?? '';
      else if (child.id === EBML_ID.DefaultDuration) track.defaultDurationNs = readUint(window, child) || null;
      else if (child.id === EBML_ID.Video) {
        for (const video of children(window, child.dataStart, elementEnd(child, end))) {
          if (video.id === EBML_ID.PixelWidth) track.width = readUint(window, video) || null;
          if (video.id === EBML_ID.PixelHeight) track.height = readUint(window, video) || null;
        }
      }
    }
    if (type === 1) return track; // Matroska TrackType 1 = video
  }
  return undefined;
}

/** Live recordings carry no Duration: last block time - first block time + one frame, when both are known. */
async function durationFromLastBlock(
  source: RandomAccessSource,
  trackNumber: number,
  timecodeScaleNs: number,
  headTimesNs: number[],
  frameRate: number | null,
): Promise<number | null> {
  const lastNs = await readLastBlockTimeNs(source, trackNumber, timecodeScaleNs);
  if (lastNs === undefined || headTimesNs.length === 0) return null;
  const spanNs = lastNs - Math.min(...headTimesNs) + (frameRate ? 1e9 / frameRate : 0);
  return spanNs > 0 ? Math.round(spanNs / 1e6) : null;
}
