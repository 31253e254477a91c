import fc from 'fast-check';
import {
  type AttemptOutcome,
  decideRetry,
  fullJitterDelayMs,
  parseRetryAfterSeconds,
  type RetryMode,
  type RetrySettings,
} from './retry-policy';

const settings: RetrySettings = { maxRetries: 3, baseDelayMs: 100, maxRetryAfterSeconds: 60 };
const now = new Date('2026-11-24T12:00:00Z');
const half = () => 0.5;

const serverError: AttemptOutcome = { kind: 'answered', httpStatus: 503 };
const neverConnected: AttemptOutcome = { kind: 'failed', phase: 'before_send' };
const lostAfterSending: AttemptOutcome = { kind: 'failed', phase: 'after_send' };
const tooManyRequests = (retryAfter?: string): AttemptOutcome => ({ kind: 'answered', httpStatus: 429, retryAfter });

function retries(mode: RetryMode, outcome: AttemptOutcome, retriesDone = 0): boolean {
  return decideRetry(mode, outcome, retriesDone, settings, half, now).retry;
}

describe(decideRetry.name, () => {
  it.each([serverError, neverConnected, lostAfterSending, tooManyRequests('1')])(
    'should never retry an init or a code exchange (%o)',
    (outcome) => {
      expect(retries('never', outcome)).toBe(false);
    },
  );

  it('should retry a refresh only while TikTok cannot have acted on it', () => {
    expect(retries('until_sent', neverConnected)).toBe(true);
    expect(retries('until_sent', serverError)).toBe(true);
    expect(retries('until_sent', tooManyRequests('2'))).toBe(true);
    expect(retries('until_sent', lostAfterSending)).toBe(false);
  });

  it('should retry safe calls after 5xx and any lost connection', () => {
    expect(retries('safe', serverError)).toBe(true);
    expect(retries('safe', { kind: 'answered', httpStatus: 500 })).toBe(true);
    expect(retries('safe', neverConnected)).toBe(true);
    expect(retries('safe', lostAfterSending)).toBe(true);
  });

  it.each([200, 201, 206, 400, 401, 403, 404, 416])('should not retry an HTTP %i answer', (httpStatus) => {
    expect(retries('safe', { kind: 'answered', httpStatus })).toBe(false);
  });

  it('should stop after maxRetries retries', () => {
    expect(retries('safe', serverError, 2)).toBe(true);
    expect(retries('safe', serverError, 3)).toBe(false);
    expect(retries('safe', tooManyRequests('1'), 3)).toBe(false);
  });

  it('should retry a 429 only with a Retry-After no longer than the cap, waiting exactly that long', () => {
    expect(decideRetry('safe', tooManyRequests('1'), 0, settings, half, now)).toEqual({ retry: true, delayMs: 1000 });
    expect(decideRetry('safe', tooManyRequests('60'), 0, settings, half, now)).toEqual({ retry: true, delayMs: 60000 });
    expect(retries('safe', tooManyRequests('61'))).toBe(false);
    expect(retries('safe', tooManyRequests(undefined))).toBe(false);
    expect(retries('safe', tooManyRequests('soon'))).toBe(false);
  });

  it('should honour a Retry-After given as an HTTP date', () => {
    const in5s = new Date(now.getTime() + 5000).toUTCString();
    expect(decideRetry('safe', tooManyRequests(in5s), 0, settings, half, now)).toEqual({ retry: true, delayMs: 5000 });
  });

  it('should back off exponentially with full jitter for 5xx', () => {
    const delays = [0, 1, 2].map((done) => decideRetry('safe', serverError, done, settings, () => 0.999, now));
    expect(delays).toEqual([
      { retry: true, delayMs: 99 },
      { retry: true, delayMs: 199 },
      { retry: true, delayMs: 399 },
    ]);
  });
});

describe(fullJitterDelayMs.name, () => {
  it('should stay within [0, min(cap, base * 2^n)) for any random draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retriesDone, baseDelayMs, draw) => {
          const capMs = 10_000;
          const delay = fullJitterDelayMs(retriesDone, { ...settings, baseDelayMs, maxBackoffMs: capMs }, () => draw);
          const ceiling = Math.min(capMs, baseDelayMs * 2 ** retriesDone);
          return Number.isInteger(delay) && delay >= 0 && delay < ceiling;
        },
      ),
    );
  });
});

describe(parseRetryAfterSeconds.name, () => {
  it('should read delay-seconds and HTTP dates, and nothing else', () => {
    expect(parseRetryAfterSeconds('1', now)).toBe(1);
    expect(parseRetryAfterSeconds(' 120 ', now)).toBe(120);
    expect(parseRetryAfterSeconds(new Date(now.getTime() - 9000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfterSeconds('-1', now)).toBeUndefined();
    expect(parseRetryAfterSeconds('', now)).toBeUndefined();
    expect(parseRetryAfterSeconds(undefined, now)).toBeUndefined();
  });
});
