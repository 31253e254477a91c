import { ValidationFailedError } from '../../common/errors/app-error';

/** The shortest wait a scheduled post may have: time for the caller to see it scheduled and still move it. */
export const MIN_PUBLISH_LEAD_MS = 60_000;

/** ISO 8601 date and time with seconds optional, fractions optional, and an explicit offset or Z. */
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * `publishAt` as sent (docs/design.md "Scheduled posts"): an ISO 8601 instant with an explicit offset, at least
 * one minute after `now` and at most `maxDays` days after it. A refusal names the rule in `details.rule`.
 */
export function parsePublishAt(value: unknown, now: Date, maxDays: number): Date {
  const at = typeof value === 'string' && ISO_WITH_OFFSET.test(value) ? new Date(value) : undefined;
  if (!at || Number.isNaN(at.getTime())) {
    throw new ValidationFailedError(
      'publishAt must be an ISO 8601 date and time with an explicit offset or Z, e.g. 2026-12-24T18:00:00+01:00.',
      { field: 'publishAt', rule: 'format' },
    );
  }
  const earliest = new Date(now.getTime() + MIN_PUBLISH_LEAD_MS);
  if (at.getTime() < earliest.getTime()) {
    throw new ValidationFailedError('publishAt must be at least one minute from now.', {
      field: 'publishAt',
      rule: 'too_soon',
      earliest: earliest.toISOString(),
    });
  }
  const latest = new Date(now.getTime() + maxDays * 86_400_000);
  if (at.getTime() > latest.getTime()) {
    throw new ValidationFailedError(`publishAt may be at most ${maxDays} days from now (SCHEDULE_MAX_DAYS).`, {
      field: 'publishAt',
      rule: 'too_far',
      latest: latest.toISOString(),
    });
  }
  return at;
}
