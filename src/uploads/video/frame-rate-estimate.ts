// Rates cameras, encoders and screen recorders actually produce (NTSC rates as exact fractions).
const COMMON_FRAME_RATES = [
  10,
  12,
  15,
  20,
  24000 / 1001,
  24,
  25,
  30000 / 1001,
  30,
  48,
  50,
  60000 / 1001,
  60,
  72,
  90,
  100,
  120,
  144,
  240,
];

/**
 * Average frame rate from presentation times when the container declares none (WebM without
 * DefaultDuration). Times are rounded to the container's tick (1 ms in most WebM), so 60 fps can measure as
 * 60.02 — which the 60 fps limit would wrongly refuse. When a common rate lies within that rounding error,
 * the common rate is the answer; otherwise the raw average is. Null with fewer than two distinct times.
 */
export function estimateFrameRate(timesNs: number[], tickNs: number): number | null {
  const times = [...new Set(timesNs)].sort((a, b) => a - b);
  if (times.length < 2) return null;
  const intervals = times.length - 1;
  const span = times[times.length - 1] - times[0];
  if (span <= 0) return null;
  const average = (intervals * 1e9) / span;
  // Each end time is off by at most half a tick, so the true span is within one tick of the measured one.
  const lowest = (intervals * 1e9) / (span + tickNs);
  const highest = span > tickNs ? (intervals * 1e9) / (span - tickNs) : Infinity;
  const candidates = COMMON_FRAME_RATES.filter((rate) => rate >= lowest && rate <= highest);
  if (candidates.length === 0) return average;
  return candidates.reduce((best, rate) => (Math.abs(rate - average) < Math.abs(best - average) ? rate : best));
}

/**
 * The rate a WebM DefaultDuration (whole nanoseconds per frame) stands for: 30 fps is stored as 33,333,333 ns,
 * which divides back to 30.0000003. A common rate within that nanosecond of rounding is the answer.
 */
export function frameRateFromFrameDuration(frameNs: number): number {
  const common = COMMON_FRAME_RATES.find((rate) => Math.abs(1e9 / rate - frameNs) <= 1);
  return common ?? 1e9 / frameNs;
}
