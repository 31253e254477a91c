import { AppError } from '../../common/errors/app-error';
import { parsePublishAt } from './publish-at';

const now = new Date('2026-12-01T12:00:00.000Z');

function ruleOf(value: unknown): unknown {
  try {
    parsePublishAt(value, now, 30);
  } catch (error) {
    return (error as AppError).details?.rule;
  }
  return undefined;
}

describe(parsePublishAt.name, () => {
  it('should accept an instant with Z or an offset, one minute to 30 days ahead', () => {
    expect(parsePublishAt('2026-12-01T12:01:00Z', now, 30).toISOString()).toBe('2026-12-01T12:01:00.000Z');
    expect(parsePublishAt('2026-12-01T14:00:00.5+01:00', now, 30).toISOString()).toBe('2026-12-01T13:00:00.500Z');
    expect(parsePublishAt('2026-12-31T12:00:00Z', now, 30).toISOString()).toBe('2026-12-31T12:00:00.000Z');
  });

  it('should refuse values without an offset, dates only and non-strings as format', () => {
    for (const value of ['2026-12-02T12:00:00', '2026-12-02', 'tomorrow', 1796126400000, '', '2026-13-02T12:00:00Z']) {
      expect(ruleOf(value)).toBe('format');
    }
  });

  it('should refuse less than a minute ahead, and the past, as too_soon', () => {
    expect(ruleOf('2026-12-01T12:00:59Z')).toBe('too_soon');
    expect(ruleOf('2026-11-30T12:00:00Z')).toBe('too_soon');
  });

  it('should refuse beyond the maximum days as too_far', () => {
    expect(ruleOf('2026-12-31T12:00:01Z')).toBe('too_far');
  });
});
