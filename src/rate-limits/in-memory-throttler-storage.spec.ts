import { InMemoryThrottlerStorage } from './in-memory-throttler-storage';

describe('InMemoryThrottlerStorage', () => {
  let storage: InMemoryThrottlerStorage;
  const hit = (key = 'api:key:1', limit = 3) => storage.increment(key, 60_000, limit, 60_000);

  beforeEach(() => {
    jest.useFakeTimers();
    jest.setSystemTime(Date.parse('2026-12-01T12:00:00Z'));
    storage = new InMemoryThrottlerStorage();
  });

  afterEach(() => {
    storage.onApplicationShutdown();
    jest.useRealTimers();
  });

  // Moves the clock and runs the timers due meanwhile (the idle sweep).
  const advance = (ms: number) => jest.advanceTimersByTime(ms);

  it('should count hits up to the limit, then block for the block duration', async () => {
    expect(await hit()).toEqual({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
    await hit();
    expect((await hit()).isBlocked).toBe(false);
    advance(10_000);
    expect(await hit()).toEqual({ totalHits: 4, timeToExpire: 50, isBlocked: true, timeToBlockExpire: 60 });
    advance(30_000);
    // A blocked key's requests are not counted, and the block does not grow.
    expect(await hit()).toEqual({ totalHits: 4, timeToExpire: 20, isBlocked: true, timeToBlockExpire: 30 });
    advance(30_000);
    expect(await hit()).toEqual({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('should let each hit expire a minute after it was made (a sliding window)', async () => {
    await hit('api:key:1', 10);
    advance(40_000);
    await hit('api:key:1', 10);
    advance(20_000); // the first hit has just expired, the second has 40 s left
    expect((await hit('api:key:1', 10)).totalHits).toBe(2);
    advance(40_000); // the second has expired too
    expect((await hit('api:key:1', 10)).totalHits).toBe(2);
  });

  it('should keep keys apart and stay exact over many expired hits', async () => {
    for (let i = 0; i < 1000; i++) {
      await hit('api:key:busy', 10_000);
      advance(100);
    }
    // 1000 hits 100 ms apart, the last at 99.9 s: those after 40 s (599) are within the minute, the new one makes 600.
    expect((await hit('api:key:busy', 10_000)).totalHits).toBe(600);
    expect((await hit('api:key:other')).totalHits).toBe(1);
  });

  it('should forget idle keys at the sweep', async () => {
    await hit('ip:1');
    advance(30_000);
    await hit('ip:2');
    advance(40_000); // the sweep runs at 60 s: ip:1's hit has expired, ip:2's has not
    expect([...storage['counters'].keys()]).toEqual(['ip:2']);
    expect(await hit('ip:1')).toMatchObject({ totalHits: 1, timeToExpire: 60 });
    expect(await hit('ip:2')).toMatchObject({ totalHits: 2, timeToExpire: 20 });
  });
});
