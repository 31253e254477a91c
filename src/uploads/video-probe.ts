import { fileTypeFromFile, type FileTypeResult } from 'file-type';
import { FileSlices } from './file-slices';
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
  const detected = await detectFileType(filePath);
  const source = await FileSlices.open(filePath);
  try {
    return await probeSource(source, detected);
  } finally {
    await source.close();
  }
}

/** The probe over an open file; tests use it to count the bytes a probe reads. */
export async function probeSource(source: FileSlices, detected: FileTypeResult | undefined): Promise<VideoProbe> {
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

export async function detectFileType(filePath: string): Promise<FileTypeResult | undefined> {
  try {
    return await fileTypeFromFile(filePath);
  } catch {
    return undefined; // file-type gives up on some malformed inputs by throwing; that is still "not a video"
  }
}

async function nameContainer(source: FileSlices, detected: FileTypeResult | undefined): Promise<VideoContainer> {
  if (!detected?.mime.startsWith('video/')) return 'unknown';
  if (ISO_VIDEO_MIMES.has(detected.mime)) {
    // The ftyp major brand separates QuickTime (`qt  `) from MP4 (tiktok-api.md §7 lists both).
    if ((await readMajorBrand(source)) === 'qt  ' || detected.ext === 'mov') return 'mov';
    if (detected.mime === 'video/mp4' || detected.mime === 'video/x-m4v') return 'mp4';
  }
  return detected.ext;
}

function describeNonVideo(detected: FileTypeResult | undefined): string {
  if (!detected) return 'The file is not a video TikTok accepts: its content matches no known video container.';
  return `The file is not a video: its content is ${detected.ext.toUpperCase()} (${detected.mime}).`;
}
