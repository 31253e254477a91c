import { children, EBML_ID, elementEnd, readElement, readUint, readVint } from './ebml-reader';
import type { RandomAccessSource } from '../../storage/media-storage';

/** Where block times of one track go while clusters are read. */
export interface BlockTimeSink {
  trackNumber: number;
  timecodeScaleNs: number;
  timesNs: number[];
}

// Elements that can follow a Cluster at Segment level: they end a Cluster of unknown size.
const SEGMENT_LEVEL_IDS = new Set<number>([
  EBML_ID.Cluster,
  EBML_ID.Cues,
  EBML_ID.Tags,
  EBML_ID.Chapters,
  EBML_ID.Attachments,
  EBML_ID.Info,
  EBML_ID.Tracks,
  EBML_ID.SeekHead,
]);
const CLUSTER_ID_BYTES = Buffer.from([0x1f, 0x43, 0xb6, 0x75]);
const TAIL_BYTES = 4 * 1024 * 1024;

/** Collects the track's block times from one Cluster; returns where the Segment continues. */
export function readClusterBlockTimes(
  window: Buffer,
  start: number,
  end: number,
  unknownSize: boolean,
  sink: BlockTimeSink,
): number {
  let clusterTicks = 0;
  let pos = start;
  while (pos < end) {
    const element = readElement(window, pos);
    if (!element || element.size === undefined) return end;
    if (unknownSize && SEGMENT_LEVEL_IDS.has(element.id)) return pos;
    if (element.id === EBML_ID.Timecode) clusterTicks = readUint(window, element) ?? 0;
    else if (element.id === EBML_ID.SimpleBlock) addBlockTime(window, element.dataStart, clusterTicks, sink);
    else if (element.id === EBML_ID.BlockGroup) {
      for (const child of children(window, element.dataStart, elementEnd(element, end))) {
        if (child.id === EBML_ID.Block) addBlockTime(window, child.dataStart, clusterTicks, sink);
      }
    }
    pos = element.dataStart + element.size;
  }
  return end;
}

/**
 * The latest block time of the track in the file's last 4 MB. Live recordings (MediaRecorder) never
 * write Info/Duration, so the last Cluster is the only record of how long they are.
 */
export async function readLastBlockTimeNs(
  source: RandomAccessSource,
  trackNumber: number,
  timecodeScaleNs: number,
): Promise<number | undefined> {
  const tailStart = Math.max(0, source.size - TAIL_BYTES);
  const tail = await source.read(tailStart, TAIL_BYTES);
  let at = tail.lastIndexOf(CLUSTER_ID_BYTES);
  while (at >= 0) {
    const cluster = readElement(tail, at);
    // Muxers write the cluster Timecode first; four payload bytes that merely look like a Cluster ID do not.
    if (cluster && readElement(tail, cluster.dataStart)?.id === EBML_ID.Timecode) {
      const sink: BlockTimeSink = { trackNumber, timecodeScaleNs, timesNs: [] };
      const end = elementEnd(cluster, tail.length);
      readClusterBlockTimes(tail, cluster.dataStart, end, cluster.size === undefined, sink);
      if (sink.timesNs.length > 0) return Math.max(...sink.timesNs);
    }
    at = at > 0 ? tail.lastIndexOf(CLUSTER_ID_BYTES, at - 1) : -1; // a negative offset would search from the end
  }
  return undefined;
}

function addBlockTime(window: Buffer, blockStart: number, clusterTicks: number, sink: BlockTimeSink): void {
  // A block opens with its track number (a size-style vint), then a signed 16-bit time relative to the cluster.
  const trackNumber = readVint(window, blockStart, 8, false);
  if (trackNumber?.value !== sink.trackNumber) return;
  const timeAt = blockStart + trackNumber.length;
  if (timeAt + 2 > window.length) return;
  sink.timesNs.push((clusterTicks + window.readInt16BE(timeAt)) * sink.timecodeScaleNs);
}
