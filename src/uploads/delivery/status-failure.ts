import { AppError } from '../../common/errors/app-error';
import { TikTokApiError, TikTokUnavailableError } from '../../tiktok-api/tiktok-api.error';
import { UploadErrorInfo } from '../upload.entity';

/** TikTok gives no time limit for processing (§8); a day after it was created the upload ends rather than hang. */
const PROCESSING_DEADLINE_MS = 24 * 3_600_000;

/**
 * What to do after a failed status/fetch: ask again at `at` (with `error` as the last transient problem, or the
 * previous one kept when absent), end the upload failed, or rethrow an error none of ours (the delivery job logs
 * it and tries the step again).
 */
export type StatusFailureDecision =
  { kind: 'retry'; at: Date; error?: UploadErrorInfo } | { kind: 'fail'; error: UploadErrorInfo } | { kind: 'rethrow' };

/** docs/design.md, upload state machine: `processing` → `failed` after 24 h without a final status. */
export function processingTimedOut(createdAt: Date, now: Date): boolean {
  return now.getTime() - createdAt.getTime() > PROCESSING_DEADLINE_MS;
}

export function statusFailure(error: unknown, now: Date): StatusFailureDecision {
  if (error instanceof TikTokApiError && error.isRateLimited()) {
    return {
      kind: 'retry',
      at: new Date(now.getTime() + (error.retryAfterSeconds ?? 30) * 1000),
      error: {
        code: 'rate_limit_exceeded',
        message: 'TikTok asked to slow down status checks.',
        tiktokCode: error.tiktokCode,
        logId: error.logId,
      },
    };
  }
  if (error instanceof TikTokUnavailableError) return { kind: 'retry', at: new Date(now.getTime() + 5000) };
  if (error instanceof TikTokApiError) {
    return {
      kind: 'fail',
      error: { code: error.tiktokCode, message: error.message, tiktokCode: error.tiktokCode, logId: error.logId },
    };
  }
  if (error instanceof AppError) return { kind: 'fail', error: { code: error.code, message: error.message } };
  return { kind: 'rethrow' };
}
