import { fileTypeFromBuffer, type FileTypeResult } from 'file-type';
import type { MediaStorage, RandomAccessSource } from '../../storage/media-storage';
import { FileSource } from '../../storage/file-source';
import { probeIsoVideo, readMajorBrand } from './mp4-probe';
import { UNMEASURED, type VideoContainer, type VideoProbe, type VideoTrackMeasurements } from './video-probe.types';
import { probeMatroskaVideo } from './webm-probe';

export type { VideoCodec, VideoContainer, VideoProbe } from './video-probe.types';

const ISO_VIDEO_MIMES = new Set(['video/mp4', 'video/x-m4v', 'video/quicktime', 'video/3gpp', 'video/3gpp2']);
const MATROSKA_EXTENSIONS = new Set(['webm', 'mkv']);

/**
 * What a stored upload really is, from its own bytes — never its name or the declared Content-Type.
 * Reads only headers and metadata boxes (flat memory for a 4 GB file). Never throws for odd content: a file
 * that is not a video comes back as container `unknown` with a reason; only I/O failures throw.
 */
export async function probeVideo(filePath: string): Promise<VideoProbe> {
  return probeOpened(await FileSource.open(filePath));
}

/** The probe of a stored object: byte ranges from the bucket for S3, positioned reads of the file for local. */
export async function probeStoredVideo(storage: MediaStorage, key: string): Promise<VideoProbe> {
  return probeOpened(await storage.openRandomAccess(key));
}

async function probeOpened(source: RandomAccessSource): Promise<VideoProbe> {
  try {
    return await probeSource(source, await detectFileType(source));
  } finally {
    await source.close();
  }
}

/** The probe over an open file; tests use it to count the bytes a probe reads. */
export async function probeSource(
  source: RandomAccessSource,
  detected: FileTypeResult | undefined,
): Promise<VideoProbe> {
  const container = await nameContainer(source, detected);
  let measurements: VideoTrackMeasurements;
  if (container === 'unknown') {
    measurements = { ...UNMEASURED, unknownReason: describeNonVideo(detected) };
  } else if (detected && ISO_VIDEO_MIMES.has(detected.mime)) {
    measurements = await probeIsoVideo(source);
  } else if (detected && MATROSKA_EXTENSIONS.has(detected.ext)) {
    measurements = await probeMatroskaVideo(source);
  } else {
    measurements = {
      ...UNMEASURED,
      unknownReason: `A ${container} file cannot be measured; TikTok takes MP4, MOV or WebM.`,
    };
  }
  return { sizeBytes: source.size, container, ...measurements };
}

// file-type's own sample size: its detectors need no more than the first 4100 bytes.
const FILE_TYPE_SAMPLE_BYTES = 4100;

export async function detectFileType(source: RandomAccessSource): Promise<FileTypeResult | undefined> {
  const head = await source.read(0, FILE_TYPE_SAMPLE_BYTES);
  try {
    return await fileTypeFromBuffer(head);
  } catch {
    return undefined; // file-type gives up on some malformed inputs by throwing; that is still "not a video"
  }
}

async function nameContainer(
  source: RandomAccessSource,
  detected: FileTypeResult | undefined,
): Promise<VideoContainer> {
  if (!detected?.mime.startsWith('video/')) return 'unknown';
  if (ISO_VIDEO_MIMES.has(detected.mime)) {
    // The ftyp major brand separates QuickTime (`qt  `) from MP4 (docs/tiktok.md §7 lists both).
    if ((await readMajorBrand(source)) === 'qt  ' || detected.ext === 'mov') return 'mov';
    if (detected.mime === 'video/mp4' || detected.mime === 'video/x-m4v') return 'mp4';
  }
  return detected.ext;
}

function describeNonVideo(detected: FileTypeResult | undefined): string {
  if (!detected) return 'The file is not a video TikTok accepts: its content matches no known video container.';
  return `The file is not a video: its content is ${detected.ext.toUpperCase()} (${detected.mime}).`;
}
