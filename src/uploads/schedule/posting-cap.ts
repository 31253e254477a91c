/** docs/tiktok.md §5.5: "typically around 15 posts per day" per creator through Direct Post, across all clients. */
export const DIRECT_POSTS_PER_DAY = 15;
export const POSTING_CAP_WINDOW_MS = 24 * 3_600_000;

export interface BusiestWindow {
  start: Date;
  end: Date;
  /** Posts in the window, the new one included. */
  count: number;
}

/**
 * The 24-hour window holding `at` with the most posts of `others` in it (plus the one at `at`). The busiest such
 * window starts at one of the posts, so only those starts are tried; windows are half-open, [start, end).
 */
export function busiestWindow(others: readonly Date[], at: Date): BusiestWindow {
  const t = at.getTime();
  const times = [...others.map((d) => d.getTime()), t].sort((a, b) => a - b);
  let best: BusiestWindow = { start: at, end: new Date(t + POSTING_CAP_WINDOW_MS), count: 1 };
  for (const start of times) {
    if (start > t || start <= t - POSTING_CAP_WINDOW_MS) continue;
    const end = start + POSTING_CAP_WINDOW_MS;
    const count = times.filter((time) => time >= start && time < end).length;
    if (count > best.count) best = { start: new Date(start), end: new Date(end), count };
  }
  return best;
}
