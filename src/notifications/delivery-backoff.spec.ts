import { DELIVERY_GIVE_UP_AFTER_MS, nextAttemptAt, retryDelayMs } from './delivery-backoff';

describe(nextAttemptAt.name, () => {
  it('should double the wait after each failure up to a ceiling', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(retryDelayMs(30)).toBe(30 * 60_000);
    expect(retryDelayMs(1000)).toBe(30 * 60_000);
  });

  it('should schedule the next attempt from now while inside the 24-hour window', () => {
    const created = new Date('2026-01-01T00:00:00Z');
    const now = new Date(created.getTime() + 60_000);
    expect(nextAttemptAt(created, now, 2)).toEqual(new Date(now.getTime() + 10_000));
  });

  it('should give up once the next attempt would fall after 24 hours', () => {
    const created = new Date('2026-01-01T00:00:00Z');
    const now = new Date(created.getTime() + DELIVERY_GIVE_UP_AFTER_MS - 1_000);
    expect(nextAttemptAt(created, now, 40)).toBeUndefined();
  });
});
