import { MAX_VIDEO_BYTES } from '../../tiktok-api/tiktok-limits';
import type { VideoProbe } from './video-probe.types';
import { UnsupportedMediaTypeError, VideoRejectedError, type VideoRuleViolation } from './video-rejected.error';

export { UnsupportedMediaTypeError, VideoRejectedError } from './video-rejected.error';
export type { MeasuredValue, VideoRule, VideoRuleViolation } from './video-rejected.error';

// docs/tiktok.md §7: what TikTok takes.
export const ACCEPTED_CONTAINERS = ['mp4', 'mov', 'webm'] as const;
export const ACCEPTED_CODECS = ['h264', 'h265', 'vp8', 'vp9'] as const;
export const TIKTOK_MAX_API_DURATION_MS = 600_000;

/**
 * Measured rates a hair over 60 are rounding, not a faster video: a WebM frame time of 16,666,666 ns reads
 * as 60.0000024 fps. TikTok rejects "60.0x fps" (docs/lessons.md #7), so anything from 60.001 up is refused:
 * 0.001 fps is a thousand times any container's timestamp rounding and far below what TikTok reports.
 */
export const FRAME_RATE_TOLERANCE = 0.001;

export interface VideoLimits {
  /** Not a TikTok documented minimum (docs/tiktok.md §7: UNCONFIRMED); ours, configurable. */
  minDurationMs: number;
  maxDurationMs: number;
  minFrameRate: number;
  maxFrameRate: number;
  minDimension: number;
  maxDimension: number;
  maxSizeBytes: number;
}

export const DEFAULT_VIDEO_LIMITS: Readonly<VideoLimits> = {
  minDurationMs: 3000,
  maxDurationMs: TIKTOK_MAX_API_DURATION_MS,
  minFrameRate: 23,
  maxFrameRate: 60,
  minDimension: 360,
  maxDimension: 4096,
  maxSizeBytes: MAX_VIDEO_BYTES,
};

/**
 * Limits for one upload. Direct Post passes the creator's `maxVideoPostDurationSec` (creator_info);
 * TikTok's 10-minute API cap still applies if the creator's is longer.
 */
export function videoLimitsFor(
  options: { creatorMaxVideoPostDurationSec?: number } & Partial<VideoLimits> = {},
): VideoLimits {
  const { creatorMaxVideoPostDurationSec, ...overrides } = options;
  const limits = { ...DEFAULT_VIDEO_LIMITS, ...overrides };
  if (creatorMaxVideoPostDurationSec !== undefined) {
    limits.maxDurationMs = Math.min(limits.maxDurationMs, creatorMaxVideoPostDurationSec * 1000);
  }
  return limits;
}

/**
 * Every rule the probed file breaks, in the order a person should fix them; empty when TikTok should take
 * it. A file that is not a recognised video yields only the container violation.
 */
export function checkVideo(probe: VideoProbe, limits: VideoLimits): VideoRuleViolation[] {
  const why = probe.unknownReason ? ` ${probe.unknownReason}` : '';
  const { container, codec, sizeBytes } = probe;
  if (!(ACCEPTED_CONTAINERS as readonly string[]).includes(container)) {
    const what = container === 'unknown' ? 'not a recognised video' : `a ${container.toUpperCase()} file`;
    const message = `The file is ${what}; TikTok takes MP4, MOV or WebM.${why}`;
    return [{ rule: 'container', measured: container, limit: ACCEPTED_CONTAINERS, message }];
  }
  const found: VideoRuleViolation[] = [];
  if (!(ACCEPTED_CODECS as readonly string[]).includes(codec)) {
    const what = codec === 'unknown' ? 'could not be identified' : `is ${codec}`;
    const message = `The video codec ${what}; re-encode as H.264, H.265, VP8 or VP9.${why}`;
    found.push({ rule: 'codec', measured: codec, limit: ACCEPTED_CODECS, message });
  }
  if (sizeBytes > limits.maxSizeBytes) {
    const message = `The file is ${sizeBytes} bytes; the limit is ${limits.maxSizeBytes}.`;
    found.push({ rule: 'size', measured: sizeBytes, limit: limits.maxSizeBytes, message });
  }
  const duration = { min: limits.minDurationMs, max: limits.maxDurationMs, tolerance: 0, show: seconds };
  const frameRate = { min: limits.minFrameRate, max: limits.maxFrameRate, tolerance: FRAME_RATE_TOLERANCE, show: fps };
  found.push(...checkRange('duration', probe.durationMs, duration, why));
  found.push(...checkRange('frame_rate', probe.frameRate, frameRate, why));
  found.push(...checkResolution(probe, limits, why));
  return found;
}

/** Throws the API error for the first broken rule: 415 for a non-video, 422 `video_rejected` otherwise. */
export function assertVideoAccepted(probe: VideoProbe, limits: VideoLimits): void {
  const [first, ...others] = checkVideo(probe, limits);
  if (!first) return;
  if (first.rule === 'container' && probe.container === 'unknown') throw new UnsupportedMediaTypeError(first);
  throw new VideoRejectedError([first, ...others]);
}

const RANGE_NAMES: Record<'duration' | 'frame_rate', string> = { duration: 'duration', frame_rate: 'frame rate' };

interface Range {
  min: number;
  max: number;
  tolerance: number;
  show: (value: number) => string;
}

function checkRange(
  rule: 'duration' | 'frame_rate',
  measured: number | null,
  { min, max, tolerance, show }: Range,
  why: string,
): VideoRuleViolation[] {
  const name = RANGE_NAMES[rule];
  if (measured === null) {
    return [{ rule, measured, limit: min, message: `The video's ${name} could not be measured.${why}` }];
  }
  if (measured < min - tolerance) {
    const message = `The video's ${name} is ${show(measured)}; TikTok needs at least ${show(min)}.`;
    return [{ rule, measured, limit: min, message }];
  }
  if (measured > max + tolerance) {
    const message = `The video's ${name} is ${show(measured)}; the most allowed is ${show(max)}.`;
    return [{ rule, measured, limit: max, message }];
  }
  return [];
}

function checkResolution(probe: VideoProbe, limits: VideoLimits, why: string): VideoRuleViolation[] {
  const { width, height } = probe;
  const measured = { width, height };
  if (width === null || height === null) {
    const message = `The picture size could not be measured.${why}`;
    return [{ rule: 'resolution', measured, limit: limits.minDimension, message }];
  }
  const size = `${width}x${height}`;
  if (Math.min(width, height) < limits.minDimension) {
    const message = `The picture is ${size}; both sides must be at least ${limits.minDimension} px.`;
    return [{ rule: 'resolution', measured, limit: limits.minDimension, message }];
  }
  if (Math.max(width, height) > limits.maxDimension) {
    const message = `The picture is ${size}; neither side may exceed ${limits.maxDimension} px.`;
    return [{ rule: 'resolution', measured, limit: limits.maxDimension, message }];
  }
  return [];
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

function fps(rate: number): string {
  // Up to 3 decimals, so 60.02 fps shows as 60.02 and not as a rounded 60.
  return `${Number(rate.toFixed(3))} fps`;
}
