import { busiestWindow } from './posting-cap';

const HOUR = 3_600_000;
const base = Date.parse('2026-12-10T00:00:00Z');
const at = (hours: number) => new Date(base + hours * HOUR);

describe(busiestWindow.name, () => {
  it('should count the new post alone when nothing else is near', () => {
    expect(busiestWindow([at(-48), at(48)], at(0)).count).toBe(1);
  });

  it('should find the busiest 24 hours holding the new post, before or after it', () => {
    const others = [at(-23), at(-22), at(-1), at(1), at(23), at(25)];
    const window = busiestWindow(others, at(0));
    expect(window.count).toBe(4);
    expect(window.start).toEqual(at(-23));
    expect(window.end).toEqual(at(1));
  });

  it('should treat windows as half-open: a post exactly 24 hours later is outside', () => {
    expect(busiestWindow([at(24), at(-24)], at(0)).count).toBe(1);
  });
});
