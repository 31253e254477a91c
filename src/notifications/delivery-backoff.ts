/** How long the outbox keeps retrying one notification before it gives up (README "Webhooks": retried for 24 hours). */
export const DELIVERY_GIVE_UP_AFTER_MS = 24 * 3_600_000;

const FIRST_RETRY_MS = 5_000;
const LONGEST_WAIT_MS = 30 * 60_000;

/** Exponential: 5 s, 10 s, 20 s, … capped at 30 min (about 55 attempts in 24 h). */
export function retryDelayMs(failedAttempts: number): number {
  const exponent = Math.max(0, Math.min(failedAttempts - 1, 20));
  return Math.min(FIRST_RETRY_MS * 2 ** exponent, LONGEST_WAIT_MS);
}

/** When to try again, or undefined when the next try would fall after the give-up point. */
export function nextAttemptAt(createdAt: Date, now: Date, failedAttempts: number): Date | undefined {
  const next = now.getTime() + retryDelayMs(failedAttempts);
  return next - createdAt.getTime() > DELIVERY_GIVE_UP_AFTER_MS ? undefined : new Date(next);
}
