import { estimateFrameRate, frameRateFromFrameDuration } from './frame-rate-estimate';

const MS = 1_000_000;
/** Presentation times of `count` frames at `rate` fps, rounded to whole milliseconds as WebM stores them. */
const msTimes = (rate: number, count: number): number[] =>
  Array.from({ length: count }, (_, frame) => Math.round((frame * 1000) / rate) * MS);

describe(estimateFrameRate.name, () => {
  it.each([24000 / 1001, 25, 30000 / 1001, 30, 50, 60000 / 1001, 60])(
    'should recover %d fps from millisecond-rounded times',
    (rate) => {
      expect(estimateFrameRate(msTimes(rate, 301), MS)).toBe(rate);
    },
  );

  it('should not turn 60 fps into "60.0x" when the span is a tick short', () => {
    const times = msTimes(60, 31);
    times[times.length - 1] -= MS;

    expect(estimateFrameRate(times, MS)).toBe(60);
  });

  it('should return the raw average for an uncommon rate', () => {
    const rate = estimateFrameRate(msTimes(37, 101), MS);

    expect(rate).toBeCloseTo(37, 1);
  });

  it('should ignore decode order and duplicate times', () => {
    const times = msTimes(30, 10);

    expect(estimateFrameRate([...times].reverse().concat(times), MS)).toBe(30);
  });

  it('should give null with fewer than two distinct times', () => {
    expect(estimateFrameRate([5 * MS, 5 * MS], MS)).toBeNull();
    expect(estimateFrameRate([], MS)).toBeNull();
  });
});

describe(frameRateFromFrameDuration.name, () => {
  it.each([
    [33_333_333, 30],
    [16_666_667, 60],
    [16_666_666, 60],
    [41_708_333, 24000 / 1001],
  ])('should read a frame time of %d ns as %d fps', (frameNs, rate) => {
    expect(frameRateFromFrameDuration(frameNs)).toBe(rate);
  });

  it('should keep an uncommon frame time as measured', () => {
    expect(frameRateFromFrameDuration(16_000_000)).toBe(62.5);
  });
});
