import { AppError } from '../../common/errors/app-error';
import { TikTokApiError, TikTokUnavailableError } from '../../tiktok-api/tiktok-api.error';
import { UploadErrorInfo } from '../upload.entity';
import { backoffMs, MAX_ATTEMPTS, tiktokInfo } from './upload-retries';

/** What to do after a failed init: try again at `at` (only when nothing was created at TikTok), or end failed. */
export type InitFailureDecision =
  { kind: 'retry'; at: Date; attempts: number; error: UploadErrorInfo } | { kind: 'fail'; error: UploadErrorInfo };

export interface InitAttempt {
  /** Init attempts already failed before this one. */
  attempts: number;
  /** Whether an init may have reached TikTok without a definite answer: only then is a failure ambiguous. */
  inDoubt: boolean;
  now: Date;
}

/** docs/design.md, upload state machine: `queued` → `queued` (retry) or `queued` → `failed`. */
export function initFailure(error: unknown, { attempts, inDoubt, now }: InitAttempt): InitFailureDecision {
  const retryLater = (delayMs: number, info: UploadErrorInfo): InitFailureDecision =>
    attempts + 1 >= MAX_ATTEMPTS
      ? { kind: 'fail', error: info }
      : { kind: 'retry', at: new Date(now.getTime() + delayMs), attempts: attempts + 1, error: info };
  if (error instanceof TikTokApiError && error.isRateLimited()) {
    return retryLater((error.retryAfterSeconds ?? 60) * 1000, {
      ...tiktokInfo(error),
      message: 'TikTok asked to slow down (rate_limit_exceeded); the upload waits and tries again.',
    });
  }
  // A definite answer from TikTok (init refused, or the token refresh refused): nothing was created.
  if (error instanceof TikTokApiError) {
    return { kind: 'fail', error: { ...tiktokInfo(error), code: error.tiktokCode, message: error.message } };
  }
  if (!inDoubt) {
    // Failed before any init left (reading or refreshing the token): retrying is safe, unless the connection
    // itself is gone (reauth_required, not_connected).
    if (error instanceof AppError && error.status < 500) {
      return { kind: 'fail', error: { code: error.code, message: error.message } };
    }
    return retryLater(backoffMs(attempts), {
      code: error instanceof AppError ? error.code : 'internal_error',
      message: 'Preparing the TikTok request failed; retrying.',
    });
  }
  if (error instanceof TikTokUnavailableError && !error.deliveryUnknown) {
    return retryLater(backoffMs(attempts), {
      code: 'tiktok_unavailable',
      message: 'TikTok could not be reached; retrying.',
    });
  }
  if (error instanceof TikTokUnavailableError) {
    return {
      kind: 'fail',
      error: {
        ...tiktokInfo(error),
        code: 'init_outcome_unknown',
        message: 'TikTok did not answer whether it created the post; not retried, to avoid a duplicate post.',
      },
    };
  }
  return {
    kind: 'fail',
    error: {
      code: 'init_outcome_unknown',
      message: 'The TikTok request failed in an unexpected way; not retried, to avoid a duplicate post.',
    },
  };
}
