/**
 * Containers the probe names. TikTok takes mp4, mov and webm (docs/tiktok.md §7); other detected video
 * containers keep file-type's extension (`mkv`, `avi`, `3gp`, …) so the refusal can say what the file is.
 */
export type VideoContainer = 'mp4' | 'mov' | 'webm' | 'unknown' | (string & {});

/** TikTok takes h264, h265, vp8 and vp9; anything else is named (`mpeg4`, `av1`, a raw four-cc) or `unknown`. */
export type VideoCodec = 'h264' | 'h265' | 'vp8' | 'vp9' | 'mpeg4' | 'av1' | 'unknown' | (string & {});

/** What the file's own bytes say about it. Measurements are null when the file does not carry them. */
export interface VideoProbe {
  sizeBytes: number;
  container: VideoContainer;
  codec: VideoCodec;
  width: number | null;
  height: number | null;
  /** Frames per second of the video track, unrounded (rounding would hide "60.02 fps", docs/lessons.md #7). */
  frameRate: number | null;
  durationMs: number | null;
  /** Why a measurement is null or the container unrecognised, in words a person can act on. */
  unknownReason?: string;
}

export type VideoTrackMeasurements = Pick<
  VideoProbe,
  'codec' | 'width' | 'height' | 'frameRate' | 'durationMs' | 'unknownReason'
>;

export const UNMEASURED: VideoTrackMeasurements = {
  codec: 'unknown',
  width: null,
  height: null,
  frameRate: null,
  durationMs: null,
};
